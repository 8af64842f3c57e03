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
  var open = false;

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
    if (open && !frame) {
      frame = document.createElement("iframe");
      frame.className = "newsqa-widget-frame";
      frame.title = title;
      frame.src = embedUrl();
      frame.setAttribute("allow", "clipboard-write");
      document.body.appendChild(frame);
    }
    button.setAttribute("aria-expanded", String(open));
    layout();
    if (open && frame) frame.focus();
  }

  button.addEventListener("click", function () { setOpen(!open); });
  window.addEventListener("message", function (event) {
    if (!frame || event.source !== frame.contentWindow || event.origin !== serverOrigin) return;
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
