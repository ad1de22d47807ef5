/* A filter box above a long list of checkboxes (organisations, networks, insatser).
 *
 * Progressive enhancement: the server renders plain checkboxes in a fieldset with a legend, which
 * work without this script. The script adds a labelled search field, a scroll box, a polite live
 * region with the number of matches, and a line naming what is chosen (chosen items may be hidden
 * by the filter). Keys: Enter in the field does not submit the form, Escape empties the field,
 * Arrow down moves to the first visible checkbox. Texts come from #checkbox-filter-texts (translated
 * on the server).
 */
(function () {
  "use strict";
  const texts = document.getElementById("checkbox-filter-texts");
  if (!texts) return;
  const t = texts.dataset;

  function normalise(text) {
    return text.toLocaleLowerCase("sv").replace(/\s+/g, " ").trim();
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, (match, key) => values[key]);
  }

  function enhance(wrapper) {
    const fieldset = wrapper.querySelector("fieldset");
    const legend = fieldset && fieldset.querySelector("legend");
    const list = legend && legend.nextElementSibling;
    if (!list) return;
    const items = Array.from(list.querySelectorAll(".form-check"));
    if (!items.length) {
      const empty = document.createElement("p");
      empty.className = "small text-muted mb-0";
      empty.textContent = t.empty;
      list.replaceWith(empty);
      return;
    }
    // What is already chosen (when editing) comes first, so it is seen without scrolling the box.
    items
      .filter((item) => item.querySelector("input").checked)
      .reverse()
      .forEach((item) => list.prepend(item));
    items.sort((a, b) => Number(b.querySelector("input").checked) - Number(a.querySelector("input").checked));
    const id = wrapper.id.replace(/^div_/, "");
    const legendText = legend.textContent.replace("*", "").trim();

    const bar = document.createElement("div");
    bar.className = "checkbox-filter-bar";
    const label = document.createElement("label");
    label.className = "form-label small mb-1";
    label.htmlFor = id + "_filter";
    label.textContent = format(t.label, { name: legendText.toLocaleLowerCase("sv") });
    const input = document.createElement("input");
    input.type = "search";
    input.id = id + "_filter";
    input.className = "form-control form-control-sm";
    input.autocomplete = "off";
    input.setAttribute("aria-controls", id + "_options");
    input.setAttribute("aria-describedby", id + "_filter_status");
    const status = document.createElement("p");
    status.id = id + "_filter_status";
    status.className = "small text-muted mb-1 mt-1";
    status.setAttribute("aria-live", "polite");
    bar.append(label, input, status);
    legend.after(bar);

    list.id = id + "_options";
    list.classList.add("checkbox-filter-options");
    const chosen = document.createElement("p");
    chosen.className = "checkbox-filter-chosen small mb-1";
    list.after(chosen);
    wrapper.classList.add("is-enhanced");

    function update() {
      const words = normalise(input.value).split(" ").filter(Boolean);
      let shown = 0;
      for (const item of items) {
        const text = normalise(item.textContent);
        const match = words.every((word) => text.includes(word));
        item.hidden = !match;
        if (match) shown += 1;
      }
      status.textContent = words.length
        ? shown
          ? format(t.shown, { shown: shown, total: items.length })
          : t.none
        : format(t.all, { total: items.length });
      const names = items
        .filter((item) => item.querySelector("input").checked)
        .map((item) => item.querySelector("label").textContent.trim());
      chosen.textContent = names.length ? format(t.chosen, { count: names.length }) + " " + names.join("; ") : t.nothing;
    }

    input.addEventListener("input", update);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
      } else if (event.key === "Escape" && input.value) {
        event.preventDefault();
        input.value = "";
        update();
      } else if (event.key === "ArrowDown") {
        const first = items.find((item) => !item.hidden);
        if (first) {
          event.preventDefault();
          first.querySelector("input").focus();
        }
      }
    });
    list.addEventListener("change", update);
    update();
  }

  document.querySelectorAll(".checkbox-filter").forEach(enhance);
})();
