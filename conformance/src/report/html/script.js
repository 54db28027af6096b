// The HTML report's script: the status filter, expand/collapse all, and links that
// open the clause and scenario they point into. Without it the page still reads: every
// clause expands on its own (<details>).
(function () {
  "use strict";
  var filter = document.getElementById("filter");
  var boxes = Array.prototype.slice.call(filter.querySelectorAll("input[data-status]"));
  var clauses = Array.prototype.slice.call(document.querySelectorAll("details.clause"));
  var shown = document.getElementById("shown");

  function apply() {
    var wanted = {};
    boxes.forEach(function (box) { wanted[box.dataset.status] = box.checked; });
    var visible = 0;
    clauses.forEach(function (row) {
      row.hidden = !wanted[row.dataset.status];
      if (!row.hidden) { visible += 1; }
    });
    shown.textContent = visible + " of " + clauses.length + " clauses shown";
  }

  function openAll(open) {
    clauses.forEach(function (row) { if (!row.hidden) { row.open = open; } });
  }

  // Opens every <details> around the element a link points to, and shows its clause.
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) { return; }
    for (var el = target; el; el = el.parentElement) {
      if (el.tagName === "DETAILS") { el.open = true; }
      if (el.classList && el.classList.contains("clause")) { el.hidden = false; }
    }
    target.scrollIntoView();
  }

  boxes.forEach(function (box) { box.addEventListener("change", apply); });
  document.getElementById("expand-all").addEventListener("click", function () { openAll(true); });
  document.getElementById("collapse-all").addEventListener("click", function () { openAll(false); });
  window.addEventListener("hashchange", reveal);
  filter.hidden = false;
  apply();
  reveal();
})();
