// Sortable, filterable tables (issue 12): every <table class="data"> gets a text filter above
// it and clickable headers (click again to reverse). Numbers sort as numbers ("1,234",
// "12.5%", "3–7" by its first number; "–" and "-" last). No inline script: the CSP forbids it.
(function () {
  "use strict";

  function cellValue(cell) {
    var raw = cell.getAttribute("data-sort");
    var text = raw !== null ? raw : cell.textContent.trim();
    var number = text.replace(/[,\u202f\u00a0 ]/g, "").match(/^[-+]?\d*\.?\d+(e[-+]?\d+)?/i);
    if (text === "" || text === "–" || text === "-") { return { empty: true, text: "" }; }
    if (number && /^[-+]?[\d.,\u202f\u00a0 ]+(%|–\d+)?/.test(text)) {
      return { empty: false, num: parseFloat(number[0]), text: text };
    }
    return { empty: false, num: null, text: text.toLowerCase() };
  }

  function compare(a, b) {
    if (a.empty || b.empty) { return a.empty === b.empty ? 0 : (a.empty ? 1 : -1); }
    if (a.num !== null && b.num !== null) { return a.num - b.num; }
    return a.text < b.text ? -1 : (a.text > b.text ? 1 : 0);
  }

  function sortBy(table, index, header) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var c1 = r1.cells[index], c2 = r2.cells[index];
      if (!c1 || !c2) { return 0; }
      var order = compare(cellValue(c1), cellValue(c2));
      var empty = cellValue(c1).empty || cellValue(c2).empty;
      return ascending || empty ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function addFilter(table, number) {
    var label = document.createElement("label");
    label.className = "table-filter";
    label.textContent = "Filter rows ";
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = "type to filter";
    input.setAttribute("aria-controls", table.id || "");
    input.id = "filter-" + (table.id || number);
    label.appendChild(input);
    var count = document.createElement("span");
    count.className = "muted filter-count";
    label.appendChild(count);
    var holder = table.closest(".table-wrap") || table;
    holder.parentNode.insertBefore(label, holder);
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0, rows = table.tBodies[0] ? table.tBodies[0].rows : [];
      Array.prototype.forEach.call(rows, function (row) {
        var text = row.textContent.toLowerCase();
        var keep = words.every(function (w) { return text.indexOf(w) !== -1; });
        row.hidden = !keep;
        if (keep) { shown += 1; }
      });
      count.textContent = words.length ? " " + shown + " of " + rows.length + " rows" : "";
    });
  }

  function enhance(root) {
    var tables = (root || document).querySelectorAll("table.data");
    Array.prototype.forEach.call(tables, function (table, number) {
      if (table.getAttribute("data-enhanced") || !table.tHead) { return; }
      table.setAttribute("data-enhanced", "yes");
      addFilter(table, number);
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "sort";
        while (th.firstChild) { button.appendChild(th.firstChild); }
        th.appendChild(button);
        button.addEventListener("click", function () { sortBy(table, index, th); });
      });
    });
  }

  window.marketscoutTables = enhance;  // the overview calls it again after a re-rank
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
}());
