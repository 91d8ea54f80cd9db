/* Names for what Django's admin leaves unnamed to a screen reader (axe: label, select-name,
 * aria-input-field-name, aria-prohibited-attr), on the page and in every inline row added later:
 * - the autocomplete boxes (select2, autocomplete_fields) were comboboxes named only by their current
 *   value (the value inside, a "textbox", by nothing), so an empty one had no name: both are labelled by
 *   the field's <label>;
 * - a tabular inline's fields had only a column heading: each is named by its column;
 * - a multiple autocomplete's search box and a two-list selector's help icon. */
(function () {
  "use strict";

  function nameAutocompletes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = select.id && document.querySelector('label[for="' + select.id + '"]');
      var container = select.nextElementSibling;
      var combo = container && container.querySelector('.select2-selection[role="combobox"]');
      if (!label || !combo) {
        return;
      }
      if (!label.id) {
        label.id = select.id + "-label";
      }
      var ids = (combo.getAttribute("aria-labelledby") || "").split(" ").filter(Boolean);
      if (ids.indexOf(label.id) === -1) {
        combo.setAttribute("aria-labelledby", [label.id].concat(ids).join(" "));
      }
      // The value shown inside (role "textbox") is named by the label too.
      var shown = combo.querySelector('[role="textbox"]');
      if (shown) {
        shown.setAttribute("aria-labelledby", label.id);
      }
    });
  }

  // A tabular inline's fields have a column heading, no label: each is named by its column.
  function nameTabularFields() {
    document.querySelectorAll(".tabular table").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr.form-row").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          var head = heads[index];
          if (!head) {
            return;
          }
          cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (field) {
            var labelled = field.id && document.querySelector('label[for="' + field.id + '"]');
            if (!labelled && !field.hasAttribute("aria-label") && !field.hasAttribute("aria-labelledby")) {
              field.setAttribute("aria-label", head);
            }
          });
        });
      });
    });
  }

  // What Django's widgets leave unnamed: the search box of a multiple autocomplete (named by the
  // field's label) and the help icon of a two-list selector (an image with its text).
  function nameWidgets() {
    document.querySelectorAll("select.admin-autocomplete[multiple]").forEach(function (select) {
      var label = select.id && document.querySelector('label[for="' + select.id + '"]');
      var search = select.nextElementSibling && select.nextElementSibling.querySelector(".select2-search__field");
      if (label && search && !search.hasAttribute("aria-label")) {
        search.setAttribute("aria-label", label.textContent.replace(/:\s*$/, "").trim());
      }
    });
    document.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function nameAll() {
    nameAutocompletes();
    nameTabularFields();
    nameWidgets();
  }

  // Select2 builds its boxes when jQuery is ready (after this script, at a moment of its own) and again
  // for each inline row added: label whatever appears.
  document.addEventListener("DOMContentLoaded", function () {
    nameAll();
    new MutationObserver(function (records) {
      if (records.some(function (record) { return record.addedNodes.length > 0; })) {
        nameAll();
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
