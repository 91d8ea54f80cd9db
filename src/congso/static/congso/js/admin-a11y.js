/* The admin's autocomplete boxes (select2, autocomplete_fields) are comboboxes named only by their
 * current value (the value inside, a "textbox", by nothing): empty, a screen reader announced a box with
 * no name. Both are now labelled by the field's <label>, on the page and in every inline row added later. */
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

  // Select2 builds its boxes when jQuery is ready (after this script, at a moment of its own) and again
  // for each inline row added: label whatever appears.
  document.addEventListener("DOMContentLoaded", function () {
    nameAutocompletes();
    new MutationObserver(function (records) {
      if (records.some(function (record) { return record.addedNodes.length > 0; })) {
        nameAutocompletes();
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
