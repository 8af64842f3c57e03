/*
 * The compact chat shown in the widget's frame (/embed). It calls /api/v1/ask on its own
 * server and builds every message with textContent and DOM nodes: nothing from a question or
 * an article is ever parsed as HTML.
 */
(function () {
  "use strict";

  var MAX_TURNS = 10;
  var RELATED = "没有找到直接回答这个问题的报道;以下是可能相关的段落:";
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

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function add(node) {
    log.appendChild(node);
    scrollDown();
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
    if (!answer.found && answer.citations && answer.citations.length) bubble.appendChild(el("p", "hint", RELATED));
    var english = isEnglish(answer.question || "");
    (answer.citations || []).forEach(function (c) { bubble.appendChild(citationNode(c, english)); });
    scrollDown();
  }

  function showError(bubble, message) {
    bubble.className = "msg bot error";
    bubble.textContent = message;
  }

  async function ask(question) {
    add(el("div", "msg user", question));
    var bubble = add(el("div", "msg bot pending", "正在检索…"));
    send.disabled = true;
    try {
      var response = await fetch("api/v1/ask", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ question: question, history: history.slice(-MAX_TURNS) }),
      });
      var body = await response.json().catch(function () { return {}; });
      if (!response.ok) {
        showError(bubble, typeof body.detail === "string" ? body.detail : "请求失败(" + response.status + ")。");
        return;
      }
      showAnswer(bubble, body);
      history.push({ question: question, answer: body.answer || "" });
    } catch (err) {
      showError(bubble, "无法连接服务器,请稍后再试。");
    } finally {
      send.disabled = false;
      scrollDown();
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

    var opening = (params.get("q") || "").trim();
    if (opening) ask(opening); else input.focus();
  }

  setUp();
})();
