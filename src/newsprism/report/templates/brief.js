// Filters the claims table as you type. The page works without it.
(function () {
  "use strict";
  document.querySelectorAll("input.claim-filter").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("data-target"));
    if (!table) { return; }
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var text = row.querySelector(".claim-col").textContent.toLowerCase();
        row.classList.toggle("hidden", q !== "" && text.indexOf(q) < 0);
      });
    });
  });
})();
