"""What the model is given: the question, the archive's newest date as "today", the numbered
passages with title and date, and the conversation so far; and the rules it must follow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from index.records import Chunk, Hit
from qa.analyze import Language


@dataclass(frozen=True)
class Passage:
    """Passage `number` ([n] in the prompt and in the model's answer) is `chunk`."""

    number: int
    chunk: Chunk
    score: float


def passages(hits: Sequence[Hit], *, limit: int) -> tuple[Passage, ...]:
    """The first `limit` distinct chunks of the hits, numbered from 1 in retrieval order."""
    seen: dict[str, Hit] = {}
    for hit in hits:
        seen.setdefault(hit.chunk.id, hit)
    chosen = list(seen.values())[:limit]
    return tuple(Passage(i, h.chunk, float(h.score)) for i, h in enumerate(chosen, start=1))


RULES: dict[Language, str] = {
    Language.ZH: (
        "你是报纸资料库的问答助手。只根据用户给出的编号资料回答，不使用资料以外的知识。"
        "用中文回答，简洁，不超过五句话。每句话末尾用方括号标注依据的资料编号，例如[1]或[1][3]。"
        "数字、日期、百分比和人名必须与所引资料原文一致；直接引用原文时用“”，引号内必须逐字照抄资料原文。"
        "资料中没有答案时，只回答：资料中没有相关内容。今天是{today}（资料库中最新文章的日期）。"
    ),
    Language.EN: (
        "You answer questions about a newspaper archive using only the numbered passages the user "
        "gives, never outside knowledge. Answer in English, briefly, in at most five sentences. End "
        "every sentence with the numbers of the passages it rests on in brackets, e.g. [1] or [1][3]. "
        "Numbers, dates, percentages and names must be as the cited passage gives them; text you put "
        "in quotation marks must be copied exactly from the passage (in its original language). If "
        "the passages do not answer, say only: The archive does not say. Today is {today} (the date "
        "of the newest article in the archive)."
    ),
}

_LABELS: dict[Language, tuple[str, str, str, str]] = {
    Language.ZH: ("资料", "标题", "日期", "问题"),
    Language.EN: ("Passages", "Title", "Date", "Question"),
}


def messages(
    question: str,
    *,
    language: Language,
    today: dt.date | None,
    numbered: Sequence[Passage],
    history: Sequence[Mapping] = (),
) -> list[dict]:
    """The chat messages: the rules, earlier turns, then the passages and the question."""
    heading, title, date, asked = _LABELS[language]
    today_text = today.isoformat() if today else ("日期不详" if language is Language.ZH else "unknown")
    out = [{"role": "system", "content": RULES[language].format(today=today_text)}]
    for turn in history:
        if turn.get("question"):
            out.append({"role": "user", "content": str(turn["question"])})
            if turn.get("answer"):
                out.append({"role": "assistant", "content": str(turn["answer"])})
    blocks = [
        f"[{p.number}] {title}：{p.chunk.title}｜{date}：{p.chunk.date.label(language.value)}\n{p.chunk.text.strip()}"
        for p in numbered
    ]
    out.append({"role": "user", "content": f"{heading}：\n\n" + "\n\n".join(blocks) + f"\n\n{asked}：{question}"})
    return out
