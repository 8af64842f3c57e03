"""What a server that runs for months must not accumulate. (Throughput and latency are measured
by benchmarks/load.py, not asserted here.)

Gradio keeps a state object of roughly 40 KB for every chat session — every browser tab and
every API caller — and by default up to 10,000 of them. The server caps them
(ServerConfig.chat_sessions), dropping the least recently used first.
"""

from __future__ import annotations

import httpx
from web_fixtures import RecordingAnswerer, serving

from index.interfaces import Archive
from ui.app import create_app
from ui.config import ServerConfig
from ui.service import NewsService


class NoRetriever:
    def search(self, query, **options):
        return []


def chat(client: httpx.Client, question: str) -> str:
    """One question through the chat's queue API; the name of the stream's last event."""
    event_id = client.post("/gradio_api/call/chat", json={"data": [question, "", "", []]}).json()["event_id"]
    event = None
    with client.stream("GET", f"/gradio_api/call/chat/{event_id}") as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line.removeprefix("event:").strip()
                if event in ("complete", "error"):
                    break
    return event


def test_chat_sessions_kept_in_memory_are_capped():
    answerer = RecordingAnswerer()
    service = NewsService(archive=Archive(retriever=NoRetriever()), answer_fn=answerer)
    app = create_app(service=service, config=ServerConfig(examples=(), chat_sessions=12))
    blocks = app.routes[-1].app.get_blocks()  # the Gradio app mounted at "/"

    with serving(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        events = [chat(client, f"第{n}个问题?") for n in range(30)]

    assert events == ["complete"] * 30
    assert len(answerer.calls) == 30
    assert len(blocks.state_holder.session_data) == 12

