"""Answering: retrieved chunks → quoted, dated evidence → an answer with citations."""

from qa.answer import answer
from qa.errors import QuestionError
from qa.records import Answer, Citation

__all__ = ["answer", "Answer", "Citation", "QuestionError"]
