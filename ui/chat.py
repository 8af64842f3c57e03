"""The chat page (Gradio, served at `/`).

Answers stream in steps: a "searching" note at once, then the answer, then the quotes one by
one with the sources panel. Everything shown is built by `ui.render`, which makes article text
and questions inert. The raw conversation is kept apart from what the Chatbot displays, so
follow-up questions hand qa.answer the real text, not its escaped display form.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import gradio as gr

from index.dateargs import parse_date_range
from index.errors import NewsQAError
from index.normalize import well_formed
from ui.config import ServerConfig
from ui.render import answer_head, answer_markdown, citation_markdown, inert, language_of, sources_html
from ui.service import NewsService, Query, clean_history

log = logging.getLogger(__name__)

SEARCHING = "正在检索报纸文章…"
FAILED = "Something went wrong while answering; the error has been logged."

CSS = """
#newsqa-chat, #newsqa-sources { overflow-wrap: anywhere; }  /* one long token must not widen the page */
.newsqa-sources { padding-left: 1.4em; margin: 0; }
.newsqa-sources li { margin-bottom: .6em; }
.newsqa-src-meta { color: var(--body-text-color-subdued); font-size: .9em; }
#newsqa-chat mark { background: #ffe58a; color: inherit; padding: 0 .1em; }
#newsqa-chat blockquote { border-left: 3px solid var(--color-accent); margin: .6em 0; padding-left: .8em; }
@media (max-width: 640px) { #newsqa-chat { height: 60vh !important; } }
"""


class QuestionTooLongError(NewsQAError):
    """The chat refuses a question over the configured length before doing any work."""


def build_chat(service: NewsService, config: ServerConfig) -> gr.Blocks:
    with gr.Blocks(title="NewsQA 报纸问答", analytics_enabled=False) as demo:
        # a callable value is evaluated on every page load: the count follows a rebuilt index
        gr.Markdown(lambda: header_markdown(service), elem_id="newsqa-header")
        turns = gr.State([])  # [{"question", "answer"}] as typed and answered, for follow-ups
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                chatbot = gr.Chatbot(
                    elem_id="newsqa-chat",
                    label="对话",
                    height=520,
                    feedback_options=None,
                    sanitize_html=True,
                    placeholder="请在下方输入问题,例如下面的示例。",
                )
                question = gr.Textbox(
                    elem_id="newsqa-question",
                    show_label=False,
                    placeholder="输入问题,按回车提问",
                    submit_btn="提问",
                )
                with gr.Accordion("日期范围(可选)", open=False):
                    with gr.Row():
                        since = gr.Textbox(label="起始日期", placeholder="2022-05-01 / 2022-05 / 2022", min_width=140)
                        until = gr.Textbox(label="截止日期", placeholder="2022-05-31 / 2022-05 / 2022", min_width=140)
                if config.examples:
                    gr.Examples(examples=[[q] for q in config.examples], inputs=question, label="示例问题")
                new_chat = gr.Button("新对话", size="sm")
            with gr.Column(scale=2, min_width=260):
                gr.Markdown("### 来源")
                sources = gr.HTML(sources_html(None), elem_id="newsqa-sources")

        def respond(text, since_text, until_text, messages, history) -> Iterator[tuple]:
            yield from answer_steps(
                service, config, text=text, since=since_text, until=until_text, messages=messages, history=history
            )

        question.submit(
            respond,
            inputs=[question, since, until, chatbot, turns],
            outputs=[question, chatbot, sources, turns],
            concurrency_limit=config.concurrency,
            api_name="chat",
        )
        new_chat.click(lambda: ([], sources_html(None), []), outputs=[chatbot, sources, turns], queue=False)
    # requests beyond the concurrency limit wait in the queue; beyond max_size they are refused
    demo.queue(default_concurrency_limit=config.concurrency, max_size=config.queue_size)
    # read when the app is mounted: bounds the per-session state Gradio keeps in memory
    demo.state_session_capacity = config.chat_sessions
    return demo


def header_markdown(service: NewsService) -> str:
    articles = service.health()["counts"]["articles"]
    return f"## NewsQA 报纸问答\n回答只引用报纸原文,每段引文都注明标题、日期和出处。已收录 {articles} 篇文章。"


def answer_steps(
    service: NewsService,
    config: ServerConfig,
    *,
    text: str,
    since: str | None,
    until: str | None,
    messages: list,
    history: list,
) -> Iterator[tuple]:
    """(textbox, chatbot messages, sources html, history) after each step of one answer."""
    # a lone surrogate ("\ud800" sent through the queue API) is not text and would break the
    # answerer and the page's JSON: it is shown and asked as "?"
    text = well_formed((text or "").strip())
    if not text:
        yield "", messages, gr.skip(), history
        return
    asked = [*messages, {"role": "user", "content": inert(text)}]

    def showing(content: str) -> list:
        # a fresh list per step, so no earlier step is changed after it was yielded
        return [*asked, {"role": "assistant", "content": content}]

    yield "", showing(SEARCHING), gr.skip(), history
    try:
        answer = service.ask(make_query(config, text=text, since=since, until=until, history=history)).to_json()
    except NewsQAError as error:
        yield "", showing("⚠️ " + inert(str(error))), gr.skip(), history
        return
    except Exception:  # a bug must not reach the user as a traceback
        log.exception("answering %r failed", text)
        yield "", showing("⚠️ " + inert(FAILED)), gr.skip(), history
        return
    shown = answer_head(answer)
    yield "", showing(shown), gr.skip(), history
    for citation in answer["citations"][:-1]:
        shown += "\n\n" + citation_markdown(citation, language_of(answer))
        yield "", showing(shown), gr.skip(), history
    history = [*history, {"question": text, "answer": answer["answer"]}]
    yield "", showing(answer_markdown(answer)), sources_html(answer), history


def make_query(config: ServerConfig, *, text: str, since: str | None, until: str | None, history: list) -> Query:
    if len(text) > config.max_question_chars:
        raise QuestionTooLongError(
            f"The question is longer than {config.max_question_chars} characters; please shorten it."
        )
    first, last = parse_date_range(since, until)
    return Query(
        question=text,
        since=first,
        until=last,
        history=clean_history(history, limit=config.max_history),
    )
