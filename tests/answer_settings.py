"""Hand-set answerer settings for tests of mechanics (what an answer looks like, how the chat
shows it), so they do not depend on the weights `eval/calibrate.py` fits for real archives: with
the deterministic HashingEncoder of the fast tests, the calibrated threshold declines nearly
everything, which is right for it and says nothing about the mechanics under test."""

from __future__ import annotations

import functools

from qa import answer
from qa.features import feature_names
from qa.settings import Settings


def mechanics() -> Settings:
    names = feature_names()
    weights = dict.fromkeys(names, 0.0)
    weights.update(coverage=3.0, quote_coverage=3.0, window_coverage=1.0, title_coverage=2.0, fit_exact=2.0,
                   fit_close=1.0, focus_missing=-2.0, time_misses=-3.0, subjects_article=1.0, slot_left=1.0)
    return Settings(feature_names=names, means=(0.0,) * len(names), scales=(1.0,) * len(names),
                    weights=tuple(weights[n] for n in names), intercept=-5.0, answer_threshold=0.5,
                    timeline_threshold=0.5, semantic_top=0)


MECHANICS = mechanics()

#: `qa.answer` with the hand-set settings, for a `NewsService(answer_fn=...)`
answer_by_mechanics = functools.partial(answer, settings=MECHANICS)
