// Sortable tables: a click (or Enter, Space: the headers are buttons) on a column's header
// sorts the rows by that column, again to reverse; figures sort largest first, names from A.
// Cells carry their sort key in data-sort, else data-value (the CSV's figure), never the
// formatted text. No dependencies.
(function () {
  "use strict";

  function value(row, index, numeric) {
    var cell = row.cells[index];
    var raw = cell ? (cell.getAttribute("data-sort") || cell.getAttribute("data-value")) : "";
    if (!numeric) return (raw || "").toLocaleLowerCase();
    return raw === "" || raw === null ? -Infinity : parseFloat(raw);
  }

  function sortBy(table, th) {
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = th.querySelector("button").getAttribute("data-sort") === "number";
    var current = th.getAttribute("aria-sort");
    var ascending = current ? current !== "ascending" : !numeric;
    if (th.getAttribute("data-col") === "rank") ascending = current !== "ascending";
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

  // On a narrow screen the ranking shows rank, brand, overdue and rate; this button, shown
  // there only, reveals the other columns (the table then scrolls sideways) and hides them.
  function setUpColumns() {
    document.querySelectorAll(".unkept-columns-toggle button").forEach(function (button) {
      var table = document.getElementById(button.getAttribute("aria-controls"));
      if (!table) return;
      button.addEventListener("click", function () {
        var all = table.classList.toggle("unkept-all-columns");
        button.setAttribute("aria-expanded", all ? "true" : "false");
        button.textContent = button.getAttribute(all ? "data-fewer" : "data-more");
      });
    });
  }

  // A chart's bars are too small to read on a phone: there, its table is opened instead.
  function openChartTables() {
    if (!window.matchMedia || !window.matchMedia("(max-width: 30em)").matches) return;
    document.querySelectorAll("details.unkept-chart-data").forEach(function (details) {
      details.open = true;
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
    setUpColumns();
    openChartTables();
    explainNotFound();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
