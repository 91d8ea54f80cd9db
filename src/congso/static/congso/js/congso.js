/*
 * congso — progressive enhancement only. Every page works without this file; it is loaded with
 * `defer` from the same origin (strict CSP: no inline script).
 *
 * 1. A form with errors starts with an error summary (.error-summary, see congso.css): move focus
 *    to it so keyboard and screen-reader users land on the list of what to fix.
 * 2. Forms marked data-prevent-double-submit ignore a second submit while the first is in flight,
 *    so a double click does not send a dossier or a payment twice. The server stays the authority
 *    (idempotency keys); this only spares the citizen a confusing duplicate.
 * 3. A <details data-open-wide> (the inbox's filters) starts open on a wide screen; on a phone it
 *    stays collapsed, below the results (congso.css), unless the page opened it.
 */
(function () {
  "use strict";

  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (!summary) {
      return;
    }
    if (!summary.hasAttribute("tabindex")) {
      summary.setAttribute("tabindex", "-1");
    }
    summary.focus();
  }

  function guardDoubleSubmit() {
    var forms = document.querySelectorAll("form[data-prevent-double-submit]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("data-submitting") === "true") {
          event.preventDefault();
          return;
        }
        form.setAttribute("data-submitting", "true");
        form.setAttribute("aria-busy", "true");
        // If the page is kept (validation in another tab, slow network, back button), allow a retry.
        window.setTimeout(function () {
          form.removeAttribute("data-submitting");
          form.removeAttribute("aria-busy");
        }, 10000);
      });
    });
  }

  // A page restored from the back-forward cache keeps its attributes: let its forms submit again.
  function resetOnRestore(event) {
    if (!event.persisted) {
      return;
    }
    var busy = document.querySelectorAll("form[data-submitting]");
    Array.prototype.forEach.call(busy, function (form) {
      form.removeAttribute("data-submitting");
      form.removeAttribute("aria-busy");
    });
  }

  function openWhenWide() {
    if (!window.matchMedia || !window.matchMedia("(min-width: 40em)").matches) {
      return;
    }
    var boxes = document.querySelectorAll("details[data-open-wide]");
    Array.prototype.forEach.call(boxes, function (box) {
      box.open = true;
    });
  }

  function start() {
    focusErrorSummary();
    guardDoubleSubmit();
    openWhenWide();
  }

  window.addEventListener("pageshow", resetOnRestore);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
