"""Where the language model is and how long to wait for it: options over environment variables.

- `NEWSQA_LLM_URL`: the OpenAI-compatible base URL (`http://127.0.0.1:11434/v1` for Ollama,
  `http://127.0.0.1:8000/v1` for vLLM); unset means no model, the product as without one.
- `NEWSQA_LLM_MODEL`: the model name the server knows it by (`qwen2.5:7b-instruct`).
- `NEWSQA_LLM_API_KEY`: sent as `Authorization: Bearer …` when set (never a command-line option,
  so it stays out of shell histories and process lists).
- `NEWSQA_LLM_TIMEOUT`: seconds to wait for a whole answer (default 60).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from index.errors import NewsQAError

_URL = re.compile(r"^https?://[^/\s]+(/\S*)?$")


class LLMConfigError(NewsQAError):
    """A language-model setting is missing or malformed."""


@dataclass(frozen=True)
class LLMConfig:
    """`url` is the base the OpenAI API paths hang under (…/v1); `passages` how many retrieved
    passages the model reads; the answer falls back to extraction when fewer than
    `min_kept_share` of its sentences pass the checker."""

    url: str
    model: str
    api_key: str | None = None
    timeout: float = 60.0
    passages: int = 6
    min_kept_share: float = 0.5
    max_tokens: int = 800

    @property
    def completions_url(self) -> str:
        return self.url + "/chat/completions"


def llm_config(
    *, url: str | None = None, model: str | None = None, env: Mapping[str, str] | None = None
) -> LLMConfig | None:
    """The configuration from options over the environment; None when no URL is set anywhere."""
    env = os.environ if env is None else env
    url = (url or env.get("NEWSQA_LLM_URL") or "").strip()
    if not url:
        return None
    model = (model or env.get("NEWSQA_LLM_MODEL") or "").strip()
    if not _URL.match(url):
        raise LLMConfigError(f"--llm-url/NEWSQA_LLM_URL {url!r} is not an http(s) URL like http://127.0.0.1:11434/v1.")
    if not model:
        raise LLMConfigError("A language model URL is set but no model name; give --llm-model or NEWSQA_LLM_MODEL.")
    base = url.rstrip("/")
    if base.endswith("/chat/completions"):
        base = base[: -len("/chat/completions")]
    raw_timeout = env.get("NEWSQA_LLM_TIMEOUT", "").strip()
    try:
        timeout = float(raw_timeout) if raw_timeout else 60.0
    except ValueError:
        timeout = -1.0
    if timeout <= 0:
        raise LLMConfigError(f"NEWSQA_LLM_TIMEOUT {raw_timeout!r} is not a number of seconds above zero.")
    return LLMConfig(url=base, model=model, api_key=env.get("NEWSQA_LLM_API_KEY") or None, timeout=timeout)
