"""Every weight and threshold of the answerer, in one record fitted by `eval/calibrate.py`.

`qa/settings.json` is written by that script from the `dev` question sets only (its output says
how, with which data and seed); nothing here is typed by hand. The scorer is a logistic
regression over `qa.features`: features are standardised with `means`/`scales`, weighed by
`weights`, and `answer_threshold` is the probability above which the best candidate is given as
an answer, chosen on `dev` for the precision target.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from qa.errors import QAError


@dataclass(frozen=True)
class Settings:
    feature_names: tuple[str, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    #: the best candidate is an answer when its probability reaches this
    answer_threshold: float
    #: another article's report joins a timeline when its probability reaches this
    timeline_threshold: float
    #: chunks retrieved per question
    retrieval_depth: int = 8
    #: sentences (best by the other features) that get their own cosine to the question
    semantic_top: int = 6
    #: passages shown as possibly related when nothing answers
    related: int = 3
    #: a who-wrote question's article must hold this share of its terms in its best sentence
    author_coverage: float = 0.3
    #: how the record was fitted: command, data, seed, figures on dev
    provenance: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.feature_names)
        if not (len(self.means) == len(self.scales) == len(self.weights) == n):
            raise QAError("The answerer's settings are inconsistent: every feature needs a mean, a scale and a weight.")

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Settings":
        return cls(**{**data, **{k: tuple(data[k]) for k in ("feature_names", "means", "scales", "weights")}})

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def settings_path() -> Path:
    return Path(str(resources.files("qa") / "settings.json"))


@cache
def default_settings() -> Settings:
    path = settings_path()
    try:
        return Settings.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise QAError(f"The answerer's settings ({path}) cannot be read ({error}); run `python -m eval.calibrate`.") from None
