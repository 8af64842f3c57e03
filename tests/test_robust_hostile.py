"""Hostile content and hostile requests against the one web server.

- Articles and questions carrying HTML, script, `javascript:` links and very long unbroken
  strings come back intact as data (API) and inert as display (chat Markdown, sources HTML).
- No route serves a file outside its own folder, whatever the path encoding.
- Defaults are closed: no CORS grant to any site, framing only by the server itself, and no
  method but GET/HEAD/OPTIONS except POST to the API's ask/search and the chat's own queue.

Paths are sent with http.client to a real uvicorn server, because HTTP client libraries
normalise `..` and percent-escapes away before a request ever leaves them.
"""

from __future__ import annotations

import html
import http.client
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markdown_it import MarkdownIt
from web_fixtures import IMG_PAYLOAD, LINK_PAYLOAD, SCRIPT_PAYLOAD, serving, small_corpus

from index.embedding import HashingEncoder
from index.pipeline import build_index
from ui.chat import answer_steps
from ui.config import ServerConfig
from ui.render import citation_markdown, sources_html

ROOT = Path(__file__).resolve().parent.parent
LONG_RUN = "A" * 3000
LONG_URL = "https://evil.example.org/" + "x" * 2000
LONG_JS = "javascript:window.__pwned=1//" + "y" * 1000
LONG_PAGE = f"""超长字符串也要原样显示

本报讯(记者 李明)9月7日,开发区测试超长字符串{LONG_RUN}。链接{LONG_URL}不应被点击,脚本链接[点我]({LONG_JS})也不应运行。

周口日报 2022年9月8日 星期三
"""
# the chat renders Markdown with raw HTML allowed: the most permissive reading of what we send
MARKDOWN = MarkdownIt("commonmark", {"html": True})
SECRETS = {
    "pyproject": b"[build-system]",
    "passwd": b"root:x:0:0",
    "source": b"def create_app",
}


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    from ui.service import open_service

    root = tmp_path_factory.mktemp("hostile")
    corpus = small_corpus(root / "corpus")
    (corpus / "901_long.txt").write_text(LONG_PAGE, encoding="utf-8")
    report = build_index([corpus], index_dir=root / "index", encoder=HashingEncoder(), progress=False)
    assert not report.errors
    return open_service(root / "index", concurrency=2)


@pytest.fixture(scope="module")
def app(service):
    from ui.app import create_app

    return create_app(service=service, config=ServerConfig(examples=()))


@pytest.fixture(scope="module")
def client(app):
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def server(app):
    with serving(app) as url:
        yield url


def visible_text(markup: str) -> str:
    """What a reader sees: tags dropped, entities decoded."""
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def rendered_tags(markup: str) -> set[str]:
    import re

    return set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", MARKDOWN.render(markup)))


# --- hostile articles and questions -------------------------------------------------------------


def test_hostile_article_comes_back_verbatim_from_the_api(client, service):
    response = client.post("/api/v1/search", json={"question": "网络安全宣传周 恶意代码", "k": 10})
    hits = [h for h in response.json()["hits"] if h["source"] == "900_security.txt"]
    assert hits
    text = " ".join(h["text"] for h in hits)
    assert IMG_PAYLOAD in text and LINK_PAYLOAD in text  # intact, as data
    articles = {a.id: a for a in service.archive.articles.all_articles()}
    for hit in hits:
        assert hit["text"] in articles[hit["article_id"]].text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_hostile_article_and_question_are_inert_in_the_chat(service):
    question = "网络安全宣传周发放了多少份资料?" + SCRIPT_PAYLOAD + LINK_PAYLOAD
    steps = list(answer_steps(service, ServerConfig(examples=()), text=question, since="", until="",
                              messages=[], history=[]))
    _, messages, sources, _ = steps[-1]
    shown_question, reply = messages[0]["content"], messages[-1]["content"]
    for markup in (shown_question, reply):
        assert rendered_tags(markup) <= {"p", "blockquote", "strong", "mark", "br"}, MARKDOWN.render(markup)
    assert visible_text(MARKDOWN.render(shown_question)) == question + "\n"  # shown exactly as typed
    seen = visible_text(MARKDOWN.render(reply))
    # the hostile page is quoted: its headline and its body show their markup as printed
    assert "网络安全宣传周走进开发区" + SCRIPT_PAYLOAD in seen
    assert IMG_PAYLOAD in seen and LINK_PAYLOAD in seen
    assert "<script" not in sources and "<img" not in sources
    assert "网络安全宣传周走进开发区" + SCRIPT_PAYLOAD in html.unescape(sources)


def test_long_unbroken_strings_are_kept_whole_and_inert(client, service):
    response = client.post("/api/v1/search", json={"question": "超长字符串 链接 脚本", "k": 10})
    [hit, *_] = [h for h in response.json()["hits"] if h["source"] == "901_long.txt"]
    article = service.archive.articles.article(hit["article_id"]).text
    assert LONG_RUN in article and LONG_URL in article and LONG_JS in article  # parsed whole
    assert hit["text"] in article  # a chunk may cut the run, but only ever quotes the article

    citation = {"id": 1, "quote": hit["text"], "title": hit["title"] + LONG_JS, "date": hit["date"],
                "source": hit["source"], "highlight": [0, 10]}
    markup = citation_markdown(citation)
    assert rendered_tags(markup) <= {"p", "blockquote", "strong", "mark"}  # no <a>: nothing to click
    assert visible_text(MARKDOWN.render(markup)).count(hit["text"][12:]) == 1
    panel = sources_html({"citations": [{**citation, "article_id": hit["article_id"]}]})
    assert "<a" not in panel and hit["title"] + LONG_JS in html.unescape(panel)


def test_chat_styles_wrap_long_unbroken_strings():
    from ui.chat import CSS

    assert "overflow-wrap: anywhere" in CSS  # else one long token widens the page on a phone


# --- files outside the static folders -----------------------------------------------------------

TRAVERSALS = [
    "/static/../pyproject.toml",
    "/static/%2e%2e/pyproject.toml",
    "/static/%2e%2e%2fpyproject.toml",
    "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/static/%252e%252e/%252e%252e/pyproject.toml",
    "/static/....//....//pyproject.toml",
    "/static/..\\..\\pyproject.toml",
    "/assets/../../pyproject.toml",
    "/assets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/svelte/..%2f..%2f..%2fui%2fapp.py",
    "/static-offline-docs/../pyproject.toml",
    "/static-offline-docs/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
    "/static-offline-docs/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/widget.js/../../pyproject.toml",
    "/embed.css/..%2f..%2fpyproject.toml",
    "/%2e%2e/%2e%2e/etc/passwd",
    "//etc/passwd",
    "/gradio_api/file=/etc/passwd",
    "/gradio_api/file=%2fetc%2fpasswd",
    "/gradio_api/file=pyproject.toml",
    "/gradio_api/file=../pyproject.toml",
    f"/gradio_api/file={ROOT}/pyproject.toml",
    f"/gradio_api/file={ROOT}/ui/app.py",
    "/file=/etc/passwd",
    f"/file={ROOT}/pyproject.toml",
    "/gradio_api/file=ui/static/../app.py",
]


def raw_get(base_url: str, path: str) -> tuple[int, bytes]:
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_route_serves_a_file_outside_its_folder(server, path):
    status, body = raw_get(server, path)
    assert status != 500
    leaked = [name for name, marker in SECRETS.items() if marker in body]
    assert not leaked, f"{path} → {status} served {leaked}"


def test_own_static_files_are_still_served(server):
    for path in ("/widget.js", "/embed", "/embed.js", "/embed.css", "/docs", "/"):
        status, body = raw_get(server, path)
        assert status == 200 and body, path


# --- closed defaults ----------------------------------------------------------------------------

WRITE_METHODS = ["POST", "PUT", "DELETE", "PATCH"]
PATHS = ["/", "/api/v1/health", "/api/v1/ask", "/api/v1/search", "/api/v1/other", "/widget.js", "/embed", "/docs",
         "/openapi.json", "/config", "/login", "/gradio_api/upload", "/gradio_api/info", "/gradio_api/reset",
         "/gradio_api/component_server", "/gradio_api/run/chat", "/gradio_api/api/chat", "/gradio_api/cancel",
         "/gradio_api/vibe-edit", "/gradio_api/queue/join", "/static/x", "/nothing/here"]
#: (method, path) that must stay open: the API's two questions and what the chat page posts
OPEN = {("POST", "/api/v1/ask"), ("POST", "/api/v1/search"), ("POST", "/gradio_api/queue/join")}


@pytest.mark.parametrize("method", WRITE_METHODS)
def test_nothing_but_ask_search_and_the_chat_takes_a_write_method(client, method):
    for path in PATHS:
        response = client.request(method, path, content=b"{}", headers={"Content-Type": "application/json"})
        if (method, path) in OPEN:
            assert response.status_code == 422, (method, path)  # reached the route, body refused
        else:
            assert response.status_code in (404, 405), (method, path, response.status_code)


def test_file_upload_is_refused_and_stores_nothing(client, tmp_path):
    before = _gradio_temp_files()
    response = client.post("/gradio_api/upload", files={"files": ("page.html", SCRIPT_PAYLOAD.encode())})
    assert response.status_code == 405
    assert _gradio_temp_files() == before


def _gradio_temp_files() -> set[str]:
    root = Path(os.environ.get("GRADIO_TEMP_DIR") or "/tmp/gradio")
    return {str(p) for p in root.rglob("*")} if root.exists() else set()


@pytest.mark.parametrize("origin", ["https://evil.example.com", "http://localhost:1234", "null"])
@pytest.mark.parametrize("path", ["/", "/config", "/gradio_api/info", "/api/v1/health", "/api/v1/ask",
                                  "/gradio_api/queue/join", "/embed"])
def test_no_site_is_granted_cross_origin_access_by_default(client, path, origin):
    preflight = client.options(path, headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                              "Access-Control-Request-Headers": "content-type"})
    simple = client.get(path, headers={"Origin": origin})
    for response in (preflight, simple):
        granted = {k for k in response.headers if k.lower().startswith("access-control-allow")}
        assert not granted, (path, response.headers)


@pytest.mark.parametrize("path", ["/", "/embed", "/docs", "/api/v1/health", "/widget.js", "/config"])
def test_only_the_server_itself_may_frame_its_pages_by_default(client, path):
    policy = client.get(path).headers["content-security-policy"]
    assert "frame-ancestors 'self'" in policy and "*" not in policy.split("frame-ancestors")[1].split(";")[0]


def test_a_listed_site_may_frame_the_widget_but_gets_no_cors(service):
    from ui.app import create_app

    app = create_app(service=service, config=ServerConfig(examples=(), frame_ancestors=("https://news.example.org",)))
    client = TestClient(app)
    assert "https://news.example.org" in client.get("/embed").headers["content-security-policy"]
    response = client.get("/config", headers={"Origin": "https://news.example.org"})
    assert "access-control-allow-origin" not in response.headers
