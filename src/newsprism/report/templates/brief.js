// Filters the claims table as you type, and opens a folded section a link points into.
// The page works without it (every fold opens by hand).
(function () {
  "use strict";
  function unfold(id) {
    var el = id && document.getElementById(id);
    var fold = el && el.querySelector(":scope > details.fold");  // a folded section itself
    if (fold) { fold.open = true; }
    for (; el; el = el.parentElement) { if (el.tagName === "DETAILS") { el.open = true; } }
  }
  function unfoldHash() { unfold(decodeURIComponent(location.hash.slice(1))); }
  window.addEventListener("hashchange", unfoldHash);
  unfoldHash();
  document.querySelectorAll("a[href^='#']").forEach(function (a) {
    a.addEventListener("click", function () { unfold(decodeURIComponent(a.getAttribute("href").slice(1))); });
  });
  document.querySelectorAll("input.claim-filter").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("data-target"));
    if (!table) { return; }
    input.addEventListener("input", function () {
      unfold(table.id);
      var q = input.value.trim().toLowerCase();
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var text = row.querySelector(".claim-col").textContent.toLowerCase();
        row.classList.toggle("hidden", q !== "" && text.indexOf(q) < 0);
      });
    });
  });
})();
