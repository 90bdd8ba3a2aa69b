(function () {
  "use strict";
  // Filters the server-drawn rows: by category, by kind and by a name (substring of any entity's
  // name or alias in the row). Only hides rows and writes a count: nothing from the data is ever
  // parsed as HTML.
  var table = document.getElementById("kg-timeline");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
  var category = document.getElementById("kg-tl-category");
  var kind = document.getElementById("kg-tl-kind");
  var entity = document.getElementById("kg-tl-entity");
  var count = document.getElementById("kg-tl-count");

  function apply() {
    var c = category.value, k = kind.value, name = entity.value.trim().toLowerCase(), shown = 0;
    rows.forEach(function (tr) {
      var ok = (!c || (" " + tr.getAttribute("data-categories") + " ").indexOf(" " + c + " ") !== -1) &&
               (!k || tr.getAttribute("data-kind") === k) &&
               (!name || tr.getAttribute("data-names").indexOf(name) !== -1);
      tr.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = "显示 " + shown + " / " + rows.length + " 条";
    count.setAttribute("data-shown", String(shown));
  }

  category.addEventListener("change", apply);
  kind.addEventListener("change", apply);
  entity.addEventListener("input", apply);
  apply();
  window.kgTimeline = { apply: apply, rows: rows.length };
})();
