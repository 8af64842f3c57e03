"""The chat page and the widget in a real browser (Debian's Chromium through Playwright).

One server runs in a thread on a loopback port with a small real index (a bundled page and a
hostile page, HashingEncoder) and the real answerer. The widget is tested from a second origin,
as a newspaper's site would load it. Screenshots go to test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect, sync_playwright
from web_fixtures import (
    ARTIFACTS,
    IMG_PAYLOAD,
    free_port,
    host_site,
    launch_chromium,
    serving,
    small_corpus,
)

from ui.app import create_app
from ui.config import ServerConfig
from ui.service import NewsService

pytestmark = pytest.mark.browser

QUESTION = "开发区有多少个重点项目开工了?"
HOSTILE_QUESTION = "网络安全宣传周发放了多少份宣传资料?"
DATE = re.compile(r"20\d\d(?:-\d\d|年)")
WAIT_MS = 60_000
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> NewsService:
    from index.embedding import HashingEncoder
    from index.pipeline import build_index
    from index.retrieval import open_archive

    root = tmp_path_factory.mktemp("browser-index")
    report = build_index([small_corpus(root / "corpus")], index_dir=root / "index", encoder=HashingEncoder(), progress=False)
    assert not report.errors
    from answer_settings import answer_by_mechanics

    return NewsService(archive=open_archive(root / "index", encoder=HashingEncoder()), answer_fn=answer_by_mechanics)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(service):
    """(server URL, host-site URL): the host site on another port is allowed to frame /embed."""
    server_port = free_port()
    server_url = f"http://127.0.0.1:{server_port}"
    host_page = f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>周口新闻网</title></head>
<body><h1>周口新闻网</h1><p>一个使用问答组件的新闻网站。</p>
<script src="{server_url}/widget.js" defer data-title="问报纸" data-color="#c0392b"
        data-position="bottom-right" data-question="{QUESTION}"></script></body></html>"""
    with host_site(host_page) as host_url:
        config = ServerConfig(frame_ancestors=(host_url,))
        with serving(create_app(service=service, config=config), port=server_port):
            yield server_url, host_url


def new_page(browser, viewport=DESKTOP):
    page = browser.new_page(viewport=viewport)
    page.on("pageerror", lambda error: print("page error:", error))
    return page


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def chat(page, question: str) -> None:
    box = page.locator("#newsqa-question textarea")
    box.fill(question)
    box.press("Enter")


def ask_and_see_a_dated_quote(page, url: str) -> None:
    page.goto(url)
    chat(page, QUESTION)
    quote = page.locator("#newsqa-chat blockquote").first
    expect(quote).to_be_visible(timeout=WAIT_MS)
    assert DATE.search(quote.inner_text())


def assert_inert(page) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("img[src='x'], a[href^='javascript']").count() == 0


# --- chat page --------------------------------------------------------------------------------


def test_chat_answers_with_dated_quote(browser, site):
    server_url, _ = site
    page = new_page(browser)
    ask_and_see_a_dated_quote(page, server_url + "/")
    expect(page.locator("#newsqa-chat mark").first).to_be_visible()
    expect(page.locator("#newsqa-sources li").first).to_be_visible()
    shot(page, "chat-desktop.png")
    page.close()


def test_chat_fits_a_phone(browser, site):
    server_url, _ = site
    page = new_page(browser, PHONE)
    page.goto(server_url + "/")
    chat(page, QUESTION)
    expect(page.locator("#newsqa-chat blockquote").first).to_be_visible(timeout=WAIT_MS)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "chat-phone.png")
    page.close()


def test_chat_shows_hostile_article_and_question_as_text(browser, site):
    server_url, _ = site
    page = new_page(browser)
    page.goto(server_url + "/")
    chat(page, HOSTILE_QUESTION + IMG_PAYLOAD)
    expect(page.locator("#newsqa-chat blockquote").first).to_be_visible(timeout=WAIT_MS)
    # the question, and the hostile page's quote and headline, show their markup as text
    expect(page.locator("#newsqa-chat").get_by_text("onerror", exact=False).first).to_be_visible()
    expect(page.locator("#newsqa-chat blockquote").get_by_text("<script>", exact=False).first).to_be_visible()
    expect(page.locator("#newsqa-sources").get_by_text("<script>", exact=False).first).to_be_visible()
    assert_inert(page)
    shot(page, "chat-hostile.png")
    page.close()


def test_chat_refuses_a_long_question_with_a_message(browser, site):
    server_url, _ = site
    page = new_page(browser)
    page.goto(server_url + "/")
    chat(page, "开发区" * 200)
    expect(page.get_by_text("问题超过500个字", exact=False)).to_be_visible(timeout=WAIT_MS)
    page.close()


# --- widget on another site ---------------------------------------------------------------------


def test_widget_answers_on_another_site(browser, site):
    _, host_url = site
    page = new_page(browser)
    page.goto(host_url)
    page.locator(".newsqa-widget-button").click()
    frame = page.frame_locator("iframe.newsqa-widget-frame")
    # data-question is asked as soon as the chat opens
    expect(frame.locator("blockquote").first).to_be_visible(timeout=WAIT_MS)
    assert DATE.search(frame.locator("blockquote").first.inner_text())
    assert "约20" in frame.locator("blockquote .cite").first.inner_text()  # the bundled page's year is inferred
    frame.locator("#question").fill(HOSTILE_QUESTION + IMG_PAYLOAD)
    frame.locator("#question").press("Enter")
    expect(frame.locator(".msg.user").nth(1)).to_have_text(HOSTILE_QUESTION + IMG_PAYLOAD)
    expect(frame.locator(".msg.bot").nth(1).locator("blockquote").first).to_be_visible(timeout=WAIT_MS)
    expect(frame.locator("blockquote").get_by_text("<script>", exact=False).first).to_be_visible()
    assert_inert(page)
    assert_inert(page.frames[1])
    shot(page, "widget-desktop.png")
    box = page.locator("iframe.newsqa-widget-frame").bounding_box()
    assert box["width"] == 380 and box["x"] + box["width"] == DESKTOP["width"] - 20
    frame.locator("#close").click()
    expect(page.locator("iframe.newsqa-widget-frame")).to_be_hidden()
    page.close()


def test_widget_is_full_screen_on_a_phone(browser, site):
    _, host_url = site
    page = new_page(browser, PHONE)
    page.goto(host_url)
    page.locator(".newsqa-widget-button").click()
    frame = page.frame_locator("iframe.newsqa-widget-frame")
    expect(frame.locator("blockquote").first).to_be_visible(timeout=WAIT_MS)
    box = page.locator("iframe.newsqa-widget-frame").bounding_box()
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, PHONE["width"], PHONE["height"])
    shot(page, "widget-phone.png")
    frame.locator("#close").click()
    expect(page.locator(".newsqa-widget-button")).to_be_visible()
    page.close()


def test_widget_cannot_be_framed_by_an_unlisted_site(browser, service):
    server_port = free_port()
    host_page = f'<!doctype html><body><script src="http://127.0.0.1:{server_port}/widget.js"></script></body>'
    with host_site(host_page) as host_url, serving(create_app(service=service, config=ServerConfig()), port=server_port):
        page = new_page(browser)
        page.goto(host_url)
        page.locator(".newsqa-widget-button").click()
        # the widget asks first and says so in one line: no frame is opened
        expect(page.locator(".newsqa-widget-notice")).to_contain_text("未获准", timeout=WAIT_MS)
        assert page.locator("iframe").count() == 0
        # and the server still refuses to be framed there
        response = page.request.get(f"http://127.0.0.1:{server_port}/embed")
        assert response.headers["content-security-policy"].endswith("frame-ancestors 'self'")
        page.close()


# --- behind a reverse proxy ------------------------------------------------------------------


def test_chat_works_behind_a_proxy_that_serves_it_under_a_prefix(browser, service):
    from web_fixtures import prefix_proxy

    app = create_app(service=service, config=ServerConfig(root_path="/newsqa"))
    with serving(app, root_path="/newsqa") as upstream, serving(prefix_proxy(upstream, "/newsqa")) as proxy:
        page = new_page(browser)
        ask_and_see_a_dated_quote(page, proxy + "/newsqa/")
        page.close()
