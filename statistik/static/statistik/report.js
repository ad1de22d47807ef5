// Live sums in the KIS report grid: the sum of the parts beside each total, flagged when it differs.
// The server checks the same rules again on save; this only helps while typing.
(function () {
  "use strict";
  var script = document.currentScript;
  var mismatchText = (script && script.dataset.mismatch) || "";

  function parse(text) {
    var cleaned = (text || "").replace(/[\s\u00a0\u202f\u2009]/g, "").replace(",", ".");
    if (cleaned === "") return null;
    if (/[eE]/.test(cleaned)) return NaN;  // the server refuses e-notation ("1e6") too
    var number = Number(cleaned);
    return isNaN(number) ? NaN : number;
  }

  function format(number) {
    return number.toLocaleString("sv-SE");
  }

  function update(row) {
    var output = row.querySelector(".kis-sum");
    var total = row.querySelector(".kis-total");
    if (!output) return;
    var sum = 0, count = 0, bad = false;
    row.querySelectorAll(".kis-part").forEach(function (input) {
      var value = parse(input.value);
      if (value === null) return;
      if (isNaN(value)) { bad = true; return; }
      sum += value; count += 1;
    });
    if (!count || bad) { output.textContent = ""; output.classList.remove("kis-mismatch"); return; }
    var totalValue = total ? parse(total.value) : null;
    var mismatch = totalValue !== null && !isNaN(totalValue) && Math.abs(totalValue - sum) > 1e-9;
    output.textContent = format(sum) + (mismatch ? " ≠ " + mismatchText : "");
    output.classList.toggle("kis-mismatch", mismatch);
  }

  document.querySelectorAll(".kis-grid tbody tr").forEach(function (row) {
    update(row);
    row.addEventListener("input", function () { update(row); });
  });
})();
