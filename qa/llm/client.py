"""One chat completion from an OpenAI-compatible server (vLLM, Ollama, llama.cpp, a hosted
endpoint), over httpx. Every way it can fail is a `ModelFault` carrying its `Fallback` reason
and one sentence for the log; the caller answers by extraction instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import httpx

from qa.llm.config import LLMConfig
from qa.records import Fallback

# reasoning models (DeepSeek-R1, Qwen3) put their deliberation before the answer in <think>…</think>
_THINKING = re.compile(r"<think>.*?</think>", re.DOTALL)


class ModelFault(Exception):
    """The model gave no usable answer; `reason` says how, the message in one sentence."""

    def __init__(self, reason: Fallback, sentence: str):
        super().__init__(sentence)
        self.reason = reason


def complete(config: LLMConfig, messages: Sequence[dict]) -> str:
    """The assistant's reply text for `messages` (raises ModelFault)."""
    headers = {"Content-Type": "application/json"}
    if config.api_key:
        headers["Authorization"] = f"Bearer {config.api_key}"
    body = {"model": config.model, "messages": list(messages), "temperature": 0, "stream": False,
            "max_tokens": config.max_tokens}
    where = config.completions_url
    try:
        response = httpx.post(where, json=body, headers=headers, timeout=config.timeout)
    except httpx.TimeoutException:
        raise ModelFault(Fallback.TIMEOUT, f"the language model at {where} did not answer within {config.timeout:g} s") from None
    except httpx.HTTPError as error:
        raise ModelFault(Fallback.UNREACHABLE, f"the language model at {where} cannot be reached ({type(error).__name__})") from None
    if response.status_code >= 400:
        raise ModelFault(Fallback.HTTP_ERROR, f"the language model at {where} answered HTTP {response.status_code}")
    try:
        content = response.json()["choices"][0]["message"]["content"]
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, IndexError, TypeError):
        raise ModelFault(Fallback.MALFORMED, f"the language model at {where} sent something that is not a chat completion") from None
    if not isinstance(content, str):
        raise ModelFault(Fallback.MALFORMED, f"the language model at {where} sent a reply without text")
    text = _THINKING.sub("", content).strip()
    if not text:
        raise ModelFault(Fallback.MALFORMED, f"the language model at {where} sent an empty reply")
    return text
