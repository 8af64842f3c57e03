/*
 * NewsQA widget: add one tag to any page and a button opens a small chat about the archive.
 *
 *   <script src="https://newsqa.example.org/widget.js" defer
 *           data-title="问报纸" data-position="bottom-right" data-color="#c0392b"
 *           data-question="开发区有多少个重点项目开工了?"></script>
 *
 * Options (all optional): data-server (default: the folder this script came from, so a server
 * behind a proxy at https://example.org/newsqa/ works as is), data-title,
 * data-position (bottom-right | bottom-left), data-color (CSS colour), data-question (asked
 * when the chat first opens). The chat itself is the server's /embed page in an iframe, so
 * nothing from the answers ever touches this page's DOM; this script only builds a button and
 * a frame, never parses HTML, and needs nothing else.
 *
 * Before the first frame opens, the script asks the server (GET /embed/check) whether this site
 * may frame it. A site the server does not allow, a server that cannot be reached, or a frame
 * that does not report it loaded gets one line saying so with a close button, never a broken
 * frame over the page.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || script.getAttribute("data-newsqa-loaded")) return;
  script.setAttribute("data-newsqa-loaded", "1");

  var PHONE = "(max-width: 520px)";
  var COLOR = /^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|(rgb|hsl)a?\([0-9.,%\s]+\))$/;

  function serverBase() {
    var raw = script.getAttribute("data-server") || new URL(".", new URL(script.src, location.href)).href;
    var url = new URL(raw, location.href);
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("NewsQA: data-server must be an http(s) URL");
    return url.origin + url.pathname.replace(/\/+$/, "");
  }

  var base = serverBase();
  var serverOrigin = new URL(base).origin;
  var title = script.getAttribute("data-title") || "NewsQA 报纸问答";
  var side = script.getAttribute("data-position") === "bottom-left" ? "left" : "right";
  var color = script.getAttribute("data-color") || "";
  if (!COLOR.test(color)) color = "#1f6feb";
  var question = script.getAttribute("data-question") || "";

  function setStyles(el, styles) {
    for (var name in styles) el.style.setProperty(name, styles[name]);
  }

  function chatIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "28");
    svg.setAttribute("height", "28");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6v2h2V9H7zm4 0v2h2V9h-2zm4 0v2h2V9h-2z");
    svg.appendChild(path);
    return svg;
  }

  var button = document.createElement("button");
  button.type = "button";
  button.className = "newsqa-widget-button";
  button.setAttribute("aria-label", title);
  button.setAttribute("aria-expanded", "false");
  button.title = title;
  button.appendChild(chatIcon());
  setStyles(button, {
    position: "fixed", bottom: "20px", width: "56px", height: "56px", "border-radius": "50%",
    border: "none", background: color, color: "#fff", cursor: "pointer", padding: "0",
    display: "flex", "align-items": "center", "justify-content": "center",
    "box-shadow": "0 4px 14px rgba(0,0,0,.25)", "z-index": "2147483646",
  });
  button.style.setProperty(side, "20px");

  var frame = null;
  var notice = null;
  var open = false;
  var checked = null; // null: not asked yet; true: the server lets this site frame the chat
  var READY_MS = 15000;
  var REFUSED = "此网站未获准显示问答窗口。";
  var UNREACHABLE = "暂时无法连接问答服务,请稍后再试。";
  var FAILED = "问答窗口未能加载,请稍后再试。";

  function showNotice(text) {
    if (frame) { frame.remove(); frame = null; }
    if (!notice) {
      notice = document.createElement("div");
      notice.className = "newsqa-widget-notice";
      notice.setAttribute("role", "alert");
      var line = document.createElement("span");
      line.className = "newsqa-widget-notice-text";
      var close = document.createElement("button");
      close.type = "button";
      close.className = "newsqa-widget-notice-close";
      close.setAttribute("aria-label", "关闭");
      close.title = "关闭";
      close.textContent = "×";
      setStyles(close, { border: "none", background: "transparent", color: "inherit", "font-size": "20px",
        "line-height": "1", cursor: "pointer", padding: "0 4px", "margin-left": "8px" });
      close.addEventListener("click", function () { setOpen(false); button.focus(); });
      notice.appendChild(line);
      notice.appendChild(close);
      setStyles(notice, {
        position: "fixed", bottom: "88px", "max-width": "min(360px, calc(100vw - 40px))", padding: "10px 12px",
        background: "#fff", color: "#1d2939", "border-radius": "10px", "box-shadow": "0 6px 24px rgba(0,0,0,.25)",
        display: "flex", "align-items": "center", "z-index": "2147483647",
        font: "14px/1.5 system-ui, -apple-system, sans-serif",
      });
      notice.style.setProperty(side, "20px");
      document.body.appendChild(notice);
    }
    notice.firstChild.textContent = text;
    notice.style.display = open ? "flex" : "none";
    button.style.display = "flex";
  }

  function openFrame() {
    frame = document.createElement("iframe");
    frame.className = "newsqa-widget-frame";
    frame.title = title;
    frame.src = embedUrl();
    frame.setAttribute("allow", "clipboard-write");
    document.body.appendChild(frame);
    var shown = frame;
    setTimeout(function () {
      if (frame === shown && !shown.getAttribute("data-ready")) showNotice(FAILED);
    }, READY_MS);
    layout();
    frame.focus();
  }

  function embedUrl() {
    var params = new URLSearchParams({ title: title, color: color });
    if (question) params.set("q", question);
    return base + "/embed?" + params.toString();
  }

  function layout() {
    if (!frame) return;
    var phone = window.matchMedia(PHONE).matches;
    var common = { position: "fixed", border: "none", background: "#fff", "z-index": "2147483647" };
    setStyles(frame, common);
    if (phone) {
      setStyles(frame, { top: "0", bottom: "0", left: "0", right: "0", width: "100%", height: "100%", "border-radius": "0", "box-shadow": "none" });
    } else {
      setStyles(frame, {
        top: "auto", bottom: "88px", width: "380px", height: "min(600px, calc(100vh - 110px))",
        "border-radius": "12px", "box-shadow": "0 8px 30px rgba(0,0,0,.3)",
      });
      frame.style.setProperty(side, "20px");
      frame.style.setProperty(side === "left" ? "right" : "left", "auto");
    }
    frame.style.display = open ? "block" : "none";
    // on a phone the frame covers the page; its own close button brings the page back
    button.style.display = open && phone ? "none" : "flex";
  }

  function setOpen(value) {
    open = value;
    button.setAttribute("aria-expanded", String(open));
    if (notice) {
      notice.style.display = open ? "flex" : "none";
      if (open) return;
    }
    if (open && !frame && checked === null) {
      checked = false;
      fetch(base + "/embed/check", { credentials: "omit" })
        .then(function (r) { return r.ok ? r.json() : { allowed: false, failed: true }; })
        .then(function (body) {
          if (body && body.allowed === true) { checked = true; if (open) openFrame(); }
          else showNotice(body && body.failed ? UNREACHABLE : REFUSED);
        }, function () { showNotice(UNREACHABLE); });
      return;
    }
    if (open && !frame && checked) { openFrame(); return; }
    layout();
    if (open && frame) frame.focus();
  }

  button.addEventListener("click", function () { setOpen(!open); });
  window.addEventListener("message", function (event) {
    if (!frame || event.source !== frame.contentWindow || event.origin !== serverOrigin) return;
    if (event.data && event.data.type === "newsqa:ready") frame.setAttribute("data-ready", "1");
    if (event.data && event.data.type === "newsqa:close") {
      setOpen(false);
      button.focus();
    }
  });
  var media = window.matchMedia(PHONE);
  if (media.addEventListener) media.addEventListener("change", layout);

  function mount() { document.body.appendChild(button); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
