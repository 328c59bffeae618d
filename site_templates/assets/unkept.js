// Sortable tables: a click on a column's header button sorts the rows by that column,
// again to reverse. Cells carry their sort value in data-value. No dependencies.
(function () {
  "use strict";

  function value(row, index, numeric) {
    var cell = row.cells[index];
    var raw = cell ? cell.getAttribute("data-value") : "";
    if (!numeric) return (raw || "").toLocaleLowerCase();
    return raw === "" || raw === null ? -Infinity : parseFloat(raw);
  }

  function sortBy(table, th) {
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = th.querySelector("button").getAttribute("data-sort") === "number";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a, index, numeric), y = value(b, index, numeric);
      var order = x < y ? -1 : x > y ? 1 : 0;
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(th.parentNode.children, function (other) {
      other.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function setUp() {
    document.querySelectorAll("table.unkept-sortable").forEach(function (table) {
      table.querySelectorAll("thead th").forEach(function (th) {
        var button = th.querySelector("button");
        if (button) button.addEventListener("click", function () { sortBy(table, th); });
      });
    });
  }

  // On the 404 page, an address that names a case (/cases/<id>/) shows that id, linked to
  // a search for its words: a mistyped or renamed case is one click away.
  function explainNotFound() {
    var line = document.getElementById("unkept-404-case");
    if (!line) return;
    var match = window.location.pathname.match(/\/cases\/([a-z0-9][a-z0-9-]{1,79})\/?/);
    if (!match) return;
    var link = document.createElement("a");
    link.href = line.getAttribute("data-search") + "?q=" + encodeURIComponent(match[1].replace(/-/g, " "));
    link.textContent = match[1];
    line.appendChild(link);
    line.hidden = false;
  }

  function start() {
    setUp();
    explainNotFound();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
