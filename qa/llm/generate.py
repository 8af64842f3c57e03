"""The answer a configured language model writes, checked before anyone sees it.

`answer_with_model` runs the extractive answerer first (the passages it read are the ones the
model gets, and its answer is the fallback), asks the model, checks every sentence, and returns
the model's checked sentences — markers renumbered to the passages they cite, each passage a
citation — or the extractive answer with the reason it was kept. A model fault never reaches
the reader: it is one logged line and the extractive answer.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import threading
import time
import weakref
from collections.abc import Callable, Mapping, Sequence

from index.interfaces import Archive, ArticleLookup
from qa.analyze import Language, is_english
from qa.llm.check import MARKER, Checked, check, markers, written_in_chinese
from qa.llm.client import ModelFault, complete
from qa.llm.config import LLMConfig
from qa.llm.prompt import Passage, messages, passages
from qa.records import Answer, Citation, Fallback, Generation, Generator
from qa.settings import Settings

log = logging.getLogger(__name__)


def answer_with_model(
    question: str,
    *,
    llm: LLMConfig,
    archive: Archive | None = None,
    k: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    history: Sequence[Mapping] = (),
    settings: Settings | None = None,
    names: Callable[[str], list[str]] | None = None,
) -> Answer:
    """`qa.answer()`'s answer written by the model when enough of it checks out (see module
    docstring); `names` replaces the person finder (LAC) of the checker."""
    from qa.answer import answer_with_hits, default_archive

    archive = archive or default_archive()
    extractive, hits, _ = answer_with_hits(question, archive=archive, k=k, since=since, until=until,
                                           history=history, settings=settings)
    numbered = passages(hits, limit=llm.passages)

    def fallback(reason: Fallback, checked: Checked | None = None, why: str | None = None) -> Answer:
        if why:
            log.warning("%s; answered by extraction.", why)
        extractive.generation = Generation(Generator.EXTRACTIVE, llm.model, checked.dropped if checked else (), reason)
        return extractive

    if not numbered:
        return fallback(Fallback.NO_PASSAGES)
    language = Language.EN if is_english(question) else Language.ZH
    started = time.perf_counter()
    prompt = messages(question, language=language, today=newest_date(archive.articles), numbered=numbered, history=history)
    try:
        reply = complete(llm, prompt)
    except ModelFault as fault:
        return fallback(fault.reason, why=str(fault))
    chinese = written_in_chinese(reply)
    if chinese is None or chinese != (language is Language.ZH):
        return fallback(Fallback.WRONG_LANGUAGE, why=f"the language model {llm.model} did not answer in the question's language")
    checked = check(reply, numbered, names=names)
    if not checked.kept or len(checked.kept) / checked.total < llm.min_kept_share:
        return fallback(Fallback.TOO_LITTLE, checked,
                        why=f"{len(checked.dropped)} of {checked.total} sentences of {llm.model}'s answer failed the check")
    text, cited = renumbered(checked, numbered, language=language)
    timings = {**extractive.timings, "llm_ms": round((time.perf_counter() - started) * 1000, 1)}
    return Answer(question=extractive.question, text=text, found=True, citations=cited, timings=timings,
                  confidence=extractive.confidence, generation=Generation(Generator.LLM, llm.model, checked.dropped))


def renumbered(checked: Checked, numbered: Sequence[Passage], *, language: Language) -> tuple[str, list[Citation]]:
    """The kept sentences with markers renumbered 1, 2 … in order of first citation, and the
    cited passages as citations in that order."""
    order: dict[int, int] = {}
    for sentence in checked.kept:
        for n in sentence.markers:
            order.setdefault(n, len(order) + 1)

    def rewrite(m: re.Match) -> str:
        written = m.group()
        return written[: len(written) - len(written.lstrip())] + "".join(f"[{order[n]}]" for n in markers(written))

    joiner = " " if language is Language.EN else ""
    text = joiner.join(MARKER.sub(rewrite, s.text) for s in checked.kept)
    by_number = {p.number: p for p in numbered}
    cited = []
    for n, new in order.items():
        p = by_number[n]
        chunk = p.chunk
        cited.append(Citation(id=new, quote=chunk.text, title=chunk.title, date=chunk.date, source=chunk.source,
                              article_id=chunk.article_id, start=chunk.start, end=chunk.end, highlight=None,
                              score=round(p.score, 4), text_source=chunk.text_source))
    return text, cited


_newest: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_newest_lock = threading.Lock()


def newest_date(articles: ArticleLookup) -> dt.date | None:
    """The publication date of the newest article: the model's "today" (cached per index)."""
    with _newest_lock:
        try:
            if articles in _newest:
                return _newest[articles]
        except TypeError:  # not weakly referable: computed each time
            pass
    newest = max((a.date.value for a in articles.all_articles() if a.date.value is not None), default=None)
    with _newest_lock:
        try:
            _newest[articles] = newest
        except TypeError:
            pass
    return newest


def answerer(llm: LLMConfig) -> Callable[..., Answer]:
    """A function called like `qa.answer` that answers with the model (for the server and eval)."""
    return functools.partial(answer_with_model, llm=llm)
