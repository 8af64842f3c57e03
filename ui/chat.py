"""The chat page (Gradio, served at `/`).

A question shows at once (a queue-less step that needs no answering slot), then the answer
streams in steps: a "searching" note, the answer, then the quotes one by one with the sources
panel. Everything shown is built by `ui.render`, which makes article text and questions inert;
`static/chat.js` copies and labels messages by their visible text, and scrolls each new reply so
its first line is in view. The raw conversation is kept apart from what the Chatbot displays, so
follow-up questions hand qa.answer the real text, not its escaped display form.

Everything the next answer depends on is on screen: an active date filter shows as a chip that
removes it, and 新对话 and the chat's trash icon clear the conversation, the sources, the
follow-up memory and the date filter together. The page speaks Chinese: errors, refusals and
labels are Chinese whatever language a question is asked in (the answer itself follows the
question).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

import gradio as gr

from index.dateargs import DateArgumentError, parse_date_range
from index.errors import BackendUnavailableError, IndexIncompatibleError, IndexMissingError, NewsQAError
from index.normalize import well_formed
from qa.errors import QuestionError
from ui.config import ServerConfig
from ui.feedback import Channel, Feedback, FeedbackError, FeedbackStore, Verdict, slim_citations
from ui.limits import RateLimiter, client_address
from ui.render import answer_head, answer_markdown, citation_markdown, inert, language_of, sources_html
from ui.service import NewsService, Query, ServerBusyError, clean_history

log = logging.getLogger(__name__)

SEARCHING = "正在检索报纸文章…"
FAILED = "回答时出错了,错误已记录,请稍后再试。"
BUSY = "服务器正忙,请稍后再试。"
UNAVAILABLE = "资料库暂时无法访问,请稍后再试。"
EMPTY = "问题里没有可检索的文字,请输入一个问题。"
BAD_DATE = "日期范围无效:请写成 2022-05-01、2022-05 或 2022,且起始日期不晚于截止日期。"
NOT_ANSWERED = "无法回答这个问题,请换个说法再试。"
FEEDBACK_THANKS = "谢谢反馈!可在下方补充说明(可选)。"
FEEDBACK_SAVED = "谢谢,说明已记录。"
FEEDBACK_FAILED = "反馈暂时无法保存,请稍后再试。"

CSS = """
#newsqa-chat, #newsqa-sources { overflow-wrap: anywhere; }  /* one long token must not widen the page */
.newsqa-sources { padding-left: 1.4em; margin: 0; }
.newsqa-sources li { margin-bottom: .6em; }
.newsqa-src-meta { color: var(--body-text-color-subdued); font-size: .9em; }
#newsqa-chat mark { background: #ffe58a; color: inherit; padding: 0 .1em; }
#newsqa-chat blockquote { border-left: 3px solid var(--color-accent); margin: .6em 0; padding-left: .8em; }
#newsqa-date-chip { align-self: flex-start; width: auto; border-radius: 999px; }
@media (max-width: 640px) { #newsqa-chat { height: 60vh !important; } }
"""

#: loaded by the page (ui/static/chat.js, relative so it works under a proxy prefix)
HEAD = '<script src="chat.js" defer></script>'


class QuestionTooLongError(NewsQAError):
    """The chat refuses a question over the configured length before doing any work."""


def build_chat(
    service: NewsService,
    config: ServerConfig,
    *,
    limiter: RateLimiter | None = None,
    feedback: FeedbackStore | None = None,
) -> gr.Blocks:
    with gr.Blocks(title="NewsQA 报纸问答", analytics_enabled=False) as demo:
        # a callable value is evaluated on every page load: the count follows a rebuilt index
        gr.Markdown(lambda: header_markdown(service), elem_id="newsqa-header")
        # [{"question", "answer", "found", "citations", "generation", "at", "answer_id"}], as typed
        # and answered; "at" is the reply's place in the Chatbot's messages
        turns = gr.State([])
        pending = gr.State("")  # the question shown and waiting for its answer
        voted = gr.State({})  # the answer a comment belongs to: {"answer_id", "verdict", …}
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                chatbot = gr.Chatbot(
                    elem_id="newsqa-chat",
                    label="对话",
                    height="min(520px, 52vh)",
                    autoscroll=False,  # chat.js shows each reply from its first line instead
                    buttons=["copy", "copy_all"],
                    feedback_options=("Like", "Dislike") if feedback is not None else None,
                    sanitize_html=True,
                    placeholder="请在下方输入问题,例如下面的示例。",
                )
                question = gr.Textbox(
                    elem_id="newsqa-question",
                    show_label=False,
                    placeholder="输入问题,按回车提问",
                    submit_btn="提问",
                    max_length=config.max_question_chars * 2,
                )
                if config.examples:
                    gr.Examples(examples=[[q] for q in config.examples], inputs=question, label="示例问题")
                with gr.Row(visible=False, elem_id="newsqa-comment-row") as comment_row:
                    comment = gr.Textbox(elem_id="newsqa-comment", show_label=False, scale=4,
                                         placeholder=FEEDBACK_THANKS, max_length=2000)
                    send_comment = gr.Button("提交说明", elem_id="newsqa-comment-send", size="sm", scale=1)
                notice = gr.Markdown("", elem_id="newsqa-notice")
                chip = gr.Button("", visible=False, elem_id="newsqa-date-chip", size="sm", variant="secondary")
                with gr.Accordion("日期范围(可选)", open=False, elem_id="newsqa-dates"):
                    with gr.Row():
                        since = gr.Textbox(label="起始日期", placeholder="2022-05-01 / 2022-05 / 2022", min_width=140,
                                           elem_id="newsqa-since")
                        until = gr.Textbox(label="截止日期", placeholder="2022-05-31 / 2022-05 / 2022", min_width=140,
                                           elem_id="newsqa-until")
                new_chat = gr.Button("新对话", size="sm", elem_id="newsqa-new-chat")
            with gr.Column(scale=2, min_width=260):
                gr.Markdown("### 来源")
                sources = gr.HTML(sources_html(None), elem_id="newsqa-sources")

        # async and queue-less: runs on the event loop at once, so the reader sees the question
        # even while every answering slot and worker thread is taken
        async def show(text, messages, request: gr.Request):
            return show_question(config, limiter, text=text, messages=messages, request=request)

        def respond(text, since_text, until_text, messages, history) -> Iterator[tuple]:
            for box, shown, panel, kept in answer_steps(
                service, config, text=text, since=since_text, until=until_text, messages=messages[:-2],
                history=history, shown_question=True,
            ):
                yield shown, panel, kept

        question.submit(
            show, inputs=[question, chatbot], outputs=[question, chatbot, pending], queue=False,
            api_visibility="private",
        ).then(
            respond,
            inputs=[pending, since, until, chatbot, turns],
            outputs=[chatbot, sources, turns],
            concurrency_limit=config.concurrency,
            api_visibility="private",
        )
        # the same answer as one call, for tools that drive the chat through Gradio's queue
        hidden = gr.Button(visible=False)
        def answer_all(text, since_text, until_text, messages, history) -> Iterator[tuple]:
            yield from answer_steps(service, config, text=text, since=since_text, until=until_text,
                                    messages=messages, history=history)

        hidden.click(
            answer_all,
            inputs=[question, since, until, chatbot, turns],
            outputs=[question, chatbot, sources, turns],
            concurrency_limit=config.concurrency,
            api_name="chat",
            api_visibility="undocumented",
        )

        for box in (since, until):
            box.change(date_chip, inputs=[since, until], outputs=[chip], queue=False, api_visibility="private")
        chip.click(lambda: ("", "", gr.update(visible=False)), outputs=[since, until, chip], queue=False,
                   api_visibility="private")

        reset_outputs = [chatbot, sources, turns, since, until, chip, question, pending, comment_row, notice, voted]

        def reset():
            return [], sources_html(None), [], "", "", gr.update(visible=False), "", "", gr.update(visible=False), "", {}

        new_chat.click(reset, outputs=reset_outputs, queue=False, api_visibility="private")
        chatbot.clear(reset, outputs=reset_outputs, queue=False, api_visibility="private")

        if feedback is not None:
            def vote(history, data: gr.LikeData):
                return record_vote(feedback, service, history, data)

            def add_comment(text, chosen):
                return record_comment(feedback, text, chosen)

            chatbot.like(vote, inputs=[turns], outputs=[comment_row, notice, voted], queue=False,
                         api_visibility="private")
            for trigger in (send_comment.click, comment.submit):
                trigger(add_comment, inputs=[comment, voted], outputs=[comment, comment_row, notice, voted],
                        queue=False, api_visibility="private")
    # requests beyond the concurrency limit wait in the queue; beyond max_size they are refused
    demo.queue(default_concurrency_limit=config.concurrency, max_size=config.queue_size)
    # read when the app is mounted: bounds the per-session state Gradio keeps in memory
    demo.state_session_capacity = config.chat_sessions
    return demo


def header_markdown(service: NewsService) -> str:
    articles = service.health()["counts"]["articles"]
    return f"## NewsQA 报纸问答\n回答只引用报纸原文,每段引文都注明标题、日期和出处。已收录 {articles} 篇文章。"


def date_chip(since: str | None, until: str | None):
    """The chip naming the active date filter (click to remove it), hidden when there is none."""
    first, last = (since or "").strip(), (until or "").strip()
    if not first and not last:
        return gr.update(visible=False, value="")
    if first and last:
        span = f"{first} 至 {last}"
    else:
        span = f"{first} 起" if first else f"截至 {last}"
    return gr.update(visible=True, value=f"日期范围:{span} ✕")


def show_question(config: ServerConfig, limiter: RateLimiter | None, *, text: str, messages: list, request=None):
    """(textbox, messages, pending question): the question and a "searching" note shown at once,
    or a one-line refusal when this client asks faster than the rate limit allows."""
    text = well_formed((text or "").strip())
    if not text:
        return "", messages, ""
    shown = [*messages, {"role": "user", "content": inert(text)}]
    if limiter is not None:
        wait = limiter.check(request_client(request, trust_proxy=config.trust_proxy))
        if wait:
            return "", [*shown, {"role": "assistant", "content": inert(f"⚠️ 提问太频繁了,请在{wait}秒后再试。")}], ""
    return "", [*shown, {"role": "assistant", "content": SEARCHING}], text


def request_client(request, *, trust_proxy: bool) -> str:
    if request is None:
        return "unknown"
    client = getattr(request, "client", None)
    return client_address(peer=getattr(client, "host", None), forwarded_for=request.headers.get("x-forwarded-for"),
                          trust_proxy=trust_proxy)


def answer_steps(
    service: NewsService,
    config: ServerConfig,
    *,
    text: str,
    since: str | None,
    until: str | None,
    messages: list,
    history: list,
    shown_question: bool = False,
) -> Iterator[tuple]:
    """(textbox, chatbot messages, sources html, history) after each step of one answer."""
    # a lone surrogate ("\ud800" sent through the queue API) is not text and would break the
    # answerer and the page's JSON: it is shown and asked as "?"
    text = well_formed((text or "").strip())
    if not text:
        if not shown_question:
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
        yield "", showing("⚠️ " + inert(chinese_error(error, config))), gr.skip(), history
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
    turn = {"question": text, "answer": answer["answer"], "found": answer.get("found"),
            "citations": list(slim_citations(answer.get("citations", []))), "generation": generation_of(service),
            "at": len(asked), "answer_id": uuid.uuid4().hex}
    history = [*history, turn]
    yield "", showing(answer_markdown(answer)), sources_html(answer), history


def generation_of(service: NewsService) -> str | None:
    try:
        return (service.health().get("index") or {}).get("generation")
    except Exception:  # the generation is a note on feedback, never a reason to fail an answer
        return None


def chinese_error(error: NewsQAError, config: ServerConfig) -> str:
    """The one sentence a reader of the Chinese page sees for an error."""
    if isinstance(error, QuestionTooLongError):
        return f"问题超过{config.max_question_chars}个字,请缩短后再问。"
    if isinstance(error, DateArgumentError):
        return BAD_DATE
    if isinstance(error, ServerBusyError):
        return BUSY
    if isinstance(error, (BackendUnavailableError, IndexIncompatibleError, IndexMissingError)):
        return UNAVAILABLE
    if isinstance(error, QuestionError):
        return EMPTY
    return NOT_ANSWERED


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


def record_vote(store: FeedbackStore, service: NewsService, history: list, data) -> tuple:
    """Store a 👍/👎 on a reply; (comment row, notice, the vote a comment will belong to)."""
    at = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
    turn = next((t for t in history if t.get("at") == at), None)
    liked = data.liked if isinstance(data.liked, bool) else data.liked not in (None, "", "Dislike")
    if turn is None or data.liked is None:
        return gr.update(visible=False), "", {}
    chosen = {**turn, "verdict": (Verdict.UP if liked else Verdict.DOWN).value}
    try:
        store.add(feedback_of(chosen, comment=""))
    except FeedbackError as error:
        log.warning("%s", error)
        return gr.update(visible=False), FEEDBACK_FAILED, {}
    return gr.update(visible=True), FEEDBACK_THANKS, chosen


def record_comment(store: FeedbackStore, text: str, chosen: dict) -> tuple:
    text = (text or "").strip()
    if not chosen or not text:
        return "", gr.update(visible=bool(chosen)), "", chosen
    try:
        store.add(feedback_of(chosen, comment=text))
    except FeedbackError as error:
        log.warning("%s", error)
        return text, gr.update(visible=True), FEEDBACK_FAILED, chosen
    return "", gr.update(visible=False), FEEDBACK_SAVED, {}


def feedback_of(turn: dict, *, comment: str) -> Feedback:
    return Feedback(question=turn["question"], answer=turn.get("answer", ""), verdict=Verdict(turn["verdict"]),
                    found=turn.get("found"), citations=tuple(turn.get("citations") or ()), comment=comment,
                    generation=turn.get("generation"), channel=Channel.CHAT, answer_id=turn.get("answer_id", ""))
