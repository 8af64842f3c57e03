/*
 * The compact chat shown in the widget's frame (/embed). It calls /embed/ask (the API's ask, needing no key) on its own
 * server and builds every message with textContent and DOM nodes: nothing from a question or
 * an article is ever parsed as HTML.
 */
(function () {
  "use strict";

  var MAX_TURNS = 10;
  var COLOR = /^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|(rgb|hsl)a?\([0-9.,%\s]+\))$/;
  var params = new URLSearchParams(location.search);
  var log = document.getElementById("log");
  var form = document.getElementById("ask");
  var input = document.getElementById("question");
  var send = document.getElementById("send");
  var history = [];

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // a new reply is shown from its first line (with the question above it when both fit), never
  // scrolled to its end, where the quotes would look like the answer
  function showFrom(question, reply) {
    var top = reply.offsetTop - log.offsetTop;
    var above = question ? question.offsetTop - log.offsetTop : top;
    log.scrollTop = top - above < log.clientHeight / 2 ? above - 8 : top - 8;
  }

  function add(node) {
    log.appendChild(node);
    return node;
  }

  // the quote with its answering span (offsets into the quote) in <mark>, as text nodes
  function quoteNode(quote, highlight) {
    var p = el("div", "quote");
    var lo = 0, hi = 0;
    if (highlight && highlight.length === 2) {
      lo = Math.max(0, Math.min(highlight[0], quote.length));
      hi = Math.max(lo, Math.min(highlight[1], quote.length));
    }
    p.appendChild(document.createTextNode(quote.slice(0, lo)));
    if (hi > lo) p.appendChild(el("mark", null, quote.slice(lo, hi)));
    p.appendChild(document.createTextNode(quote.slice(hi)));
    return p;
  }

  // as ArticleDate.label: "2022-05-23", "2022年5月" / "May 2022", "约2018年" / "about 2018"
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"];

  function isEnglish(text) {
    var latin = (text.match(/[A-Za-z]/g) || []).length;
    var cjk = (text.match(/[\u4e00-\u9fff]/g) || []).length;
    return latin > 2 * cjk && latin >= 3;
  }

  function dateLabel(c, english) {
    if (!c.date) return english ? "date unknown" : "日期不详";
    var parts = String(c.date).split("-");
    var shown = c.date;
    if (parts.length === 2) shown = english ? MONTHS[Number(parts[1]) - 1] + " " + parts[0] : parts[0] + "年" + Number(parts[1]) + "月";
    if (parts.length === 1) shown = english ? parts[0] : parts[0] + "年";
    var inferred = String(c.date_source || "").split("+").some(function (p) { return p.indexOf("inferred") === 0; });
    if (!inferred) return shown;
    return english ? "about " + shown : "约" + shown;
  }

  function citationNode(c, english) {
    var block = el("blockquote");
    var cite = el("span", "cite");
    cite.appendChild(el("strong", null, "[" + c.id + "] " + (c.title || "")));
    cite.appendChild(document.createTextNode(" · " + dateLabel(c, english) + " · " + (c.source || "")));
    block.appendChild(cite);
    block.appendChild(quoteNode(c.quote || "", c.highlight));
    return block;
  }

  function showAnswer(bubble, answer) {
    bubble.className = "msg bot";
    bubble.textContent = "";
    bubble.appendChild(el("p", "text", answer.answer || ""));
    var english = isEnglish(answer.question || "");
    (answer.citations || []).forEach(function (c) { bubble.appendChild(citationNode(c, english)); });
    bubble.appendChild(feedbackNode(answer));
  }

  function showError(bubble, message) {
    bubble.className = "msg bot error";
    bubble.textContent = message;
  }

  // one Chinese sentence per refusal: the page speaks Chinese whatever the server's API says
  function errorMessage(response) {
    if (response.status === 429) {
      var wait = parseInt(response.headers.get("Retry-After") || "", 10);
      return "提问太频繁了," + (wait > 0 ? "请在" + wait + "秒后再试。" : "请稍后再试。");
    }
    if (response.status === 413 || response.status === 422) return "问题为空或太长(最多500字),请修改后再问。";
    if (response.status === 400) return "问题里没有可检索的文字,请输入一个问题。";
    if (response.status === 503) return "服务器正忙,请稍后再试。";
    return "请求失败(" + response.status + "),请稍后再试。";
  }

  var answerCount = 0;

  function newId() {
    answerCount += 1;
    var random = window.crypto && crypto.getRandomValues ? crypto.getRandomValues(new Uint32Array(2)).join("") : String(Math.random()).slice(2);
    return "w" + Date.now().toString(36) + random + answerCount;
  }

  // 👍/👎 and an optional comment, sent to the server's append-only feedback store
  function feedbackNode(answer) {
    var box = el("div", "feedback");
    var id = newId();
    var verdict = null;
    var note = el("span", "feedback-note", "");
    var up = el("button", "vote up", "👍");
    var down = el("button", "vote down", "👎");
    up.type = down.type = "button";
    up.setAttribute("aria-label", "有帮助");
    down.setAttribute("aria-label", "没有帮助");
    var form = el("form", "comment");
    form.hidden = true;
    var input = el("input");
    input.type = "text";
    input.maxLength = 2000;
    input.placeholder = "补充说明(可选)";
    input.setAttribute("aria-label", "补充说明");
    var submit = el("button", null, "提交");
    submit.type = "submit";
    form.appendChild(input);
    form.appendChild(submit);

    function post(comment) {
      var body = {
        question: answer.question || "", answer: answer.answer || "", found: !!answer.found, verdict: verdict,
        comment: comment || "", answer_id: id,
        citations: (answer.citations || []).map(function (c) {
          return { id: c.id, title: c.title, date: c.date, date_precision: c.date_precision, date_source: c.date_source,
            source: c.source, article_id: c.article_id, start: c.start, end: c.end };
        }),
      };
      return fetch("embed/feedback", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); });
    }

    function vote(value, button) {
      verdict = value;
      up.setAttribute("aria-pressed", String(value === "up"));
      down.setAttribute("aria-pressed", String(value === "down"));
      post("").then(function () {
        note.textContent = "谢谢反馈!";
        form.hidden = false;
      }, function () { note.textContent = "反馈暂时无法保存,请稍后再试。"; });
    }

    up.addEventListener("click", function () { vote("up", up); });
    down.addEventListener("click", function () { vote("down", down); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text || !verdict) return;
      post(text).then(function () {
        note.textContent = "谢谢,说明已记录。";
        form.hidden = true;
        input.value = "";
      }, function () { note.textContent = "反馈暂时无法保存,请稍后再试。"; });
    });
    box.appendChild(up);
    box.appendChild(down);
    box.appendChild(note);
    box.appendChild(form);
    return box;
  }

  async function ask(question) {
    var asked = add(el("div", "msg user", question));
    var bubble = add(el("div", "msg bot pending", "正在检索…"));
    showFrom(asked, bubble);
    send.disabled = true;
    try {
      var response = await fetch("embed/ask", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ question: question, history: history.slice(-MAX_TURNS) }),
      });
      var body = await response.json().catch(function () { return {}; });
      if (!response.ok) {
        showError(bubble, errorMessage(response));
        return;
      }
      showAnswer(bubble, body);
      history.push({ question: question, answer: body.answer || "" });
    } catch (err) {
      showError(bubble, "无法连接服务器,请稍后再试。");
    } finally {
      send.disabled = false;
      showFrom(asked, bubble);
    }
  }

  function setUp() {
    var title = params.get("title");
    if (title) {
      document.title = title;
      document.getElementById("title").textContent = title;
    }
    var color = params.get("color");
    if (color && COLOR.test(color)) document.documentElement.style.setProperty("--accent", color);

    var close = document.getElementById("close");
    if (window.parent === window) close.hidden = true;
    close.addEventListener("click", function () {
      // the message carries no data, so any parent may hear it; the widget checks our origin
      window.parent.postMessage({ type: "newsqa:close" }, "*");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && window.parent !== window) window.parent.postMessage({ type: "newsqa:close" }, "*");
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var question = input.value.trim();
      if (!question || send.disabled) return;
      input.value = "";
      ask(question);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });

    // tells the widget the chat loaded (a refused or failed frame never says it)
    if (window.parent !== window) window.parent.postMessage({ type: "newsqa:ready" }, "*");

    var opening = (params.get("q") || "").trim();
    if (opening) ask(opening); else input.focus();
  }

  setUp();
})();
