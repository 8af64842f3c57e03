"""Settings of the web server: limits, CORS and framing allow-lists, examples.

Values come from keyword arguments (the `newsqa serve` options) layered over environment
variables, so a deployment can be configured either way:

- `NEWSQA_CORS_ORIGINS`: comma-separated origins allowed to call `/api/v1/` from a browser.
- `NEWSQA_FRAME_ANCESTORS`: comma-separated origins allowed to frame `/embed` (`*` = any site).
- `NEWSQA_API_KEYS`: comma-separated keys the OpenAI-compatible `/v1/` routes require
  (`Authorization: Bearer KEY`); unset = open, like the rest of the API.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from index.errors import NewsQAError
from index.reader import EXAMPLES_NAME as EXAMPLES_FILE  # the archive's example questions
from qa.analyze import MAX_QUESTION_CHARS
from ui.limits import DEFAULT_PER_MINUTE

# An origin is scheme://host[:port]; anything else in an allow-list is a configuration mistake
# (a path or a trailing slash would silently never match the browser's Origin header).
_ORIGIN = re.compile(r"^https?://[^/\s:]+(:\d{1,5})?$")


class ConfigError(NewsQAError):
    """A server setting is malformed."""


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 7860
    index_dir: Path | None = None
    #: origins allowed to call the API cross-site; empty = CORS off
    cors_origins: tuple[str, ...] = ()
    #: origins allowed to frame /embed besides the server itself; ("*",) = any site
    frame_ancestors: tuple[str, ...] = ()
    #: largest request body the API accepts; larger gets 413
    max_body_bytes: int = 64 * 1024
    #: longest question accepted from the web chat and the API
    max_question_chars: int = MAX_QUESTION_CHARS
    #: longest follow-up history (question/answer pairs) passed on to the answerer
    max_history: int = 10
    #: questions answered at once (API and chat each); 2 matches the 2 cores we plan for
    concurrency: int = 2
    #: chat requests waiting in the Gradio queue before new ones are turned away
    queue_size: int = 32
    #: chat sessions (browser tabs, API callers) whose state is kept, least recently used dropped
    #: first; Gradio keeps ~40 KB per session, and its own default of 10,000 lets a public server
    #: grow by ~400 MB
    chat_sessions: int = 500
    #: example questions for the chat page: the archive's own (`archive_examples`) or --examples
    examples: tuple[str, ...] = ()
    #: the path a reverse proxy serves the app under ("/newsqa"), prefix stripped; "" = the root
    root_path: str = ""
    #: questions per minute per client address (chat, widget and API); more get 429
    rate_limit: int = DEFAULT_PER_MINUTE
    #: take the client address from X-Forwarded-For (only behind a proxy that sets it)
    trust_proxy: bool = False
    #: keys the HTTP API (/api/v1/ and the OpenAI-compatible /v1/) requires when any are set; the
    #: chat and widget need none
    api_keys: frozenset[str] = frozenset()
    #: where readers' feedback is appended (default $NEWSQA_HOME/feedback.sqlite3)
    feedback_path: Path | None = None


def archive_examples(files: Sequence[str]) -> tuple[str, ...]:
    """The example questions an archive supplies: `newsqa-examples.txt` in the folders of the
    indexed `files` (each folder once, in the order first met); () when none has one."""
    examples: list[str] = []
    for folder in dict.fromkeys(Path(f).parent for f in files):
        examples += load_examples(folder / EXAMPLES_FILE)
    return tuple(dict.fromkeys(examples))


def load_examples(path: Path) -> tuple[str, ...]:
    """One question a line; blank lines and `#` comments ignored."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return ()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def split_list(raw: str | None) -> tuple[str, ...]:
    return tuple(item.strip() for item in (raw or "").split(",") if item.strip())


def check_origins(origins: tuple[str, ...], *, setting: str, allow_any: bool) -> tuple[str, ...]:
    cleaned = tuple(o.rstrip("/") for o in origins)
    for origin in cleaned:
        if origin == "*" and allow_any:
            continue
        if not _ORIGIN.match(origin):
            raise ConfigError(
                f"{setting} entry {origin!r} is not an origin like https://news.example.org."
            )
    return cleaned


_ROOT_PATH = re.compile(r"(?:/[A-Za-z0-9._~-]+)+")


def check_root_path(value: str | None) -> str | None:
    """A proxy's path prefix such as /newsqa or /tools/newsqa (a trailing slash is dropped)."""
    if value is None or value.strip() in ("", "/"):
        return None if value is None else ""
    cleaned = value.strip().rstrip("/")
    if not _ROOT_PATH.fullmatch(cleaned) or any(part in (".", "..") for part in cleaned.split("/")):
        raise ConfigError(f"NEWSQA_ROOT_PATH/--root-path {value!r} is not a path prefix like /newsqa.")
    return cleaned


def from_env(*, env: dict[str, str] | None = None, **overrides) -> ServerConfig:
    """The configuration from the environment, with explicit (non-empty) overrides on top.

    List options given on the command line add to the environment's lists.
    """
    env = dict(os.environ if env is None else env)
    cors = split_list(env.get("NEWSQA_CORS_ORIGINS")) + tuple(overrides.pop("cors_origins", ()) or ())
    frames = split_list(env.get("NEWSQA_FRAME_ANCESTORS")) + tuple(
        overrides.pop("frame_ancestors", ()) or ()
    )
    config = ServerConfig(
        cors_origins=check_origins(cors, setting="NEWSQA_CORS_ORIGINS/--cors-origin", allow_any=True),
        frame_ancestors=check_origins(
            frames, setting="NEWSQA_FRAME_ANCESTORS/--frame-ancestor", allow_any=True
        ),
    )
    keys = split_list(env.get("NEWSQA_API_KEYS")) + tuple(overrides.pop("api_keys", ()) or ())
    if any(len(k) < 8 or any(c.isspace() for c in k) for k in keys):
        raise ConfigError("NEWSQA_API_KEYS/--api-key entries must be at least 8 characters without spaces.")
    config = replace(config, api_keys=frozenset(keys))
    root = check_root_path(overrides.pop("root_path", None))
    if root is None:
        root = check_root_path(env.get("NEWSQA_ROOT_PATH")) or ""
    config = replace(config, root_path=root)
    return replace(config, **{k: v for k, v in overrides.items() if v is not None})
