// Platform Enforcement Watch: "Copy" buttons for the quotable texts. An enhancement only:
// every "Quote this" and "Cite this page" text is in the page without JavaScript. When
// copying, the site-relative page address in the text becomes the full address.
(function () {
  "use strict";
  var css = document.querySelector('link[href$="assets/pew.css"]');
  var root = css ? css.href.replace(/assets\/pew\.css.*$/, "") : document.baseURI;

  function absolute(text) {
    return text.replace(/(Platform Enforcement Watch, (?:\u201c[^\u201d]*\u201d, )?)([^\s]+?\.html(?:#[\w-]+)?)/,
      function (m, before, path) { return /^https?:/.test(path) ? m : before + new URL(path, root).href; });
  }

  function copy(text, button) {
    function done() { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy"; }, 1500); }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
    } else { fallback(text); done(); }
  }

  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* the text stays selectable on the page */ }
    document.body.removeChild(area);
  }

  function enhance() {
    document.querySelectorAll(".pew-quote-text").forEach(function (span) {
      if (span.nextElementSibling && span.nextElementSibling.classList.contains("pew-copy")) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "pew-copy";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy this text with its source");
      button.addEventListener("click", function () { copy(absolute(span.textContent), button); });
      span.insertAdjacentElement("afterend", button);
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", enhance); } else { enhance(); }
})();
