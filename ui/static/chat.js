/*
 * The chat page's own behaviour on top of Gradio's Chatbot (loaded from the page head).
 *
 * - Copy: Gradio's copy buttons copy a message's source, which is markup-safe text full of
 *   character references (2022&#45;05&#45;23). They are taken over here and copy what the reader
 *   sees: the message's rendered text.
 * - Labels: each message's aria-label is set to its visible text; the chat's icon buttons get
 *   Chinese labels.
 * - Scroll: Gradio's autoscroll is off. When a new reply appears, the chat scrolls so that the
 *   reader's question and the reply's first line are in view, and stays there while quotes
 *   stream in below.
 * Nothing here parses HTML: it reads text (innerText) and sets attributes and scroll positions.
 */
(function () {
  "use strict";

  var LABELS = {
    "Copy message": "复制这条消息",
    "Copy conversation": "复制整个对话",
    "Copied message": "已复制",
    "Copied conversation": "已复制",
    "Clear": "清空对话",
    "Like": "有帮助",
    "Dislike": "没有帮助",
    "Undo": "撤销",
    "Retry": "重试",
  };
  var ROLE = { user: "提问", bot: "回答" };

  function chat() { return document.getElementById("newsqa-chat"); }

  function messageText(node) {
    var content = node.querySelector(".message-content") || node;
    return (content.innerText || content.textContent || "").replace(/\n{3,}/g, "\n\n").trim();
  }

  function messages(root) {
    return Array.prototype.slice.call(root.querySelectorAll("[data-testid='user'], [data-testid='bot']"));
  }

  function conversationText(root) {
    return messages(root).map(function (node) {
      return ROLE[node.getAttribute("data-testid")] + ":\n" + messageText(node);
    }).join("\n\n");
  }

  function copy(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) return navigator.clipboard.writeText(text);
    var area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
    return Promise.resolve();
  }

  // which message a per-message copy button belongs to: the message row just before its button bar
  function messageOf(button) {
    var bar = button.closest(".message-buttons, .message-buttons-left, .message-buttons-right");
    var node = bar ? bar.previousElementSibling : null;
    while (node && !node.querySelector("[data-testid='user'], [data-testid='bot']")) node = node.previousElementSibling;
    return node ? node.querySelector("[data-testid='user'], [data-testid='bot']") : null;
  }

  document.addEventListener("click", function (event) {
    var root = chat();
    var button = event.target.closest ? event.target.closest("button") : null;
    if (!root || !button || !root.contains(button)) return;
    var label = button.getAttribute("data-newsqa-action");
    if (label !== "copy" && label !== "copy-all") return;
    event.preventDefault();
    event.stopImmediatePropagation();
    var text = label === "copy-all" ? conversationText(root) : messageText(messageOf(button) || root);
    copy(text).then(function () {
      button.setAttribute("data-newsqa-copied", "1");
    }, function () {});
  }, true);

  function label(root) {
    root.querySelectorAll("button").forEach(function (button) {
      var current = button.getAttribute("aria-label") || "";
      var original = button.getAttribute("data-newsqa-label") || current;
      if (/^Copy message|^Copied message/.test(original)) button.setAttribute("data-newsqa-action", "copy");
      if (/^Copy conversation|^Copied conversation/.test(original)) button.setAttribute("data-newsqa-action", "copy-all");
      var chinese = LABELS[current];
      if (chinese) {
        button.setAttribute("data-newsqa-label", current);
        button.setAttribute("aria-label", chinese);
        button.setAttribute("title", chinese);
      } else if (!current && !button.textContent.trim()) {
        button.setAttribute("aria-label", "操作");
      }
    });
    messages(root).forEach(function (node) {
      var wanted = ROLE[node.getAttribute("data-testid")] + ":" + messageText(node);
      if (node.getAttribute("aria-label") !== wanted) node.setAttribute("aria-label", wanted);
    });
  }

  var seenReplies = 0;

  function scrollToReply(root) {
    var replies = root.querySelectorAll("[data-testid='bot']");
    if (replies.length === seenReplies) return;
    var fewer = replies.length < seenReplies;
    seenReplies = replies.length;
    if (fewer || !replies.length) return;
    var reply = replies[replies.length - 1];
    var rows = root.querySelectorAll("[data-testid='user']");
    var question = rows.length ? rows[rows.length - 1] : null;
    var box = root.querySelector(".bubble-wrap") || root;
    // the question above the reply when both fit, else the reply's first line at the top
    var target = question && reply.getBoundingClientRect().top - question.getBoundingClientRect().top < box.clientHeight / 2
      ? question : reply;
    box.scrollTop += target.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
    var top = reply.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight - 40) window.scrollBy(0, top - Math.min(80, window.innerHeight / 4));
  }

  var pending = false;
  function update() {
    pending = false;
    var root = chat();
    if (!root) return;
    label(root);
    scrollToReply(root);
  }

  new MutationObserver(function () {
    if (!pending) {
      pending = true;
      requestAnimationFrame(update);
    }
  }).observe(document.documentElement, { childList: true, subtree: true, characterData: true, attributes: true,
    attributeFilter: ["aria-label"] });
})();
