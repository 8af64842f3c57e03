"""Errors a user can cause while asking."""

from __future__ import annotations

from index.errors import NewsQAError


class QuestionError(NewsQAError):
    """The question cannot be answered as typed (empty, only punctuation, too long)."""


class QAError(NewsQAError):
    """The answering layer cannot run (its fitted settings are missing or damaged)."""
