// "Add another place" on the insats form: copy the formset's empty row and count it in TOTAL_FORMS.
// Without JavaScript the form still works: it always ends with one empty row, save to get another.
(function () {
  "use strict";
  var button = document.getElementById("add-place");
  var template = document.getElementById("place-template");
  var rows = document.getElementById("place-rows");
  var total = document.getElementById("id_places-TOTAL_FORMS");
  var max = document.getElementById("id_places-MAX_NUM_FORMS");
  if (!button || !template || !rows || !total) return;
  button.classList.remove("d-none");
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) return;
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var added = rows.lastElementChild;
    var legend = added.querySelector("legend");
    if (legend) legend.textContent = legend.textContent.trim() + " " + String(index + 1);
    var first = added.querySelector("input:not([type=hidden])");
    if (first) first.focus();
  });
})();
