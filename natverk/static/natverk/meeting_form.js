// Meeting form: add and remove rows of a Django formset (decisions, other attendees) from its empty_form.
// Without JavaScript the buttons stay hidden and "Save and add more" gives a fresh empty row instead.
(function () {
  "use strict";
  document.querySelectorAll("[data-formset]").forEach(function (box) {
    var prefix = box.getAttribute("data-formset");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-template");
    var list = box.querySelector("[data-formset-rows]");
    var add = box.querySelector("[data-formset-add]");
    if (!total || !template || !list || !add) { return; }

    function showRemoveButtons(root) {
      root.querySelectorAll("[data-formset-remove]").forEach(function (button) { button.hidden = false; });
    }

    add.hidden = false;
    showRemoveButtons(list);
    add.addEventListener("click", function () {
      // Indexes only grow: a removed row leaves a gap that the formset reads as an empty, ignored form.
      var index = parseInt(total.value, 10);
      var html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(list.children.length + 1));
      list.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var row = list.lastElementChild;
      showRemoveButtons(row);
      var first = row.querySelector("textarea, select");
      if (first) { first.focus(); }
    });
    list.addEventListener("click", function (event) {
      var button = event.target.closest("[data-formset-remove]");
      if (!button) { return; }
      button.closest("[data-formset-row]").remove();
      add.focus();
    });
  });
})();
