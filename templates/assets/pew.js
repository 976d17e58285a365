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

// Sortable tables (table.pew-sortable, e.g. All platforms). An enhancement only: without
// JavaScript the table is in its documented default order. Each column header gets a button
// (keyboard: Tab, then Enter or Space); pressing it sorts by that column (data-sort values,
// else the cell text; th data-sort-type="number" compares numbers), pressing it again reverses
// the order. Ties keep the default order. aria-sort is set on the sorted header only, and a
// polite live region says how the table is now sorted.
(function () {
  "use strict";

  function key(row, i) {
    var cell = row.cells[i];
    return cell ? (cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim()) : "";
  }

  function sortable(table) {
    if (table.dataset.pewSortable) { return; }
    table.dataset.pewSortable = "1";
    var body = table.tBodies[0];
    var heads = Array.prototype.slice.call(table.tHead ? table.tHead.rows[0].cells : []);
    if (!body || !heads.length) { return; }
    Array.prototype.forEach.call(body.rows, function (row, n) { row.dataset.pewOrder = String(n); });
    var status = document.createElement("p");
    status.className = "pew-sort-status";
    status.setAttribute("aria-live", "polite");
    table.parentNode.insertAdjacentElement("afterend", status);
    heads.forEach(function (th, i) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "pew-sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        var numeric = th.getAttribute("data-sort-type") === "number";
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a, i), y = key(b, i), c;
          if (numeric) { c = (parseFloat(x) || 0) - (parseFloat(y) || 0); } else { c = x.localeCompare(y); }
          if (dir === "descending") { c = -c; }
          return c || (Number(a.dataset.pewOrder) - Number(b.dataset.pewOrder));
        });
        rows.forEach(function (row) { body.appendChild(row); });
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir);
        status.textContent = "Sorted by " + button.textContent.trim() + ", " + dir + ".";
      });
    });
  }

  function enhance() { document.querySelectorAll("table.pew-sortable").forEach(sortable); }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", enhance); } else { enhance(); }
})();
