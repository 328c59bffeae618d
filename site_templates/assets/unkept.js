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

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
