"""An optional language model that writes the answer from the retrieved passages, every sentence
checked against them before it is shown (off unless `--llm-url`/`NEWSQA_LLM_URL` is set).

    config → prompt (question, "today", numbered passages) → client (OpenAI-compatible chat
    completion) → check (markers, numbers, dates, names, quotes) → generate (the checked answer,
    or the extractive one with the reason)
"""

from qa.llm.config import LLMConfig, LLMConfigError, llm_config
from qa.llm.generate import answer_with_model, answerer

__all__ = ["LLMConfig", "LLMConfigError", "llm_config", "answer_with_model", "answerer"]
