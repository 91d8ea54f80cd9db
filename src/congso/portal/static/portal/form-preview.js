/*
 * Administrator's form preview — progressive enhancement. Without it the preview updates when the
 * administrator presses "Xem trước" (a normal form submit). With it, editing the JSON refreshes the
 * preview after a short pause: the same form is POSTed with fetch to ?manh=1, which returns only the
 * preview fragment, and the fragment replaces #preview-output.
 */
(function () {
  "use strict";

  var DELAY_MS = 600;

  function init() {
    var form = document.querySelector("form[data-form-preview]");
    var output = document.getElementById("preview-output");
    if (!form || !output || !window.fetch || !window.FormData) {
      return;
    }
    var timer = null;
    var latest = 0;

    function refresh() {
      var ticket = latest + 1;
      latest = ticket;
      var body = new FormData(form);
      body.set("_action", "preview");
      var url = form.getAttribute("action") + "?manh=1";
      window.fetch(url, {method: "POST", body: body, credentials: "same-origin",
                         headers: {"X-Requested-With": "fetch"}})
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html === null || ticket !== latest) {
            return;
          }
          output.innerHTML = html;
          output.dispatchEvent(new CustomEvent("congso:preview-updated", {bubbles: true}));
        })
        .catch(function () { /* keep the last preview; the button still works */ });
    }

    function schedule(event) {
      if (!event.target.matches("textarea[name='_schema'], textarea[name='_ui']")) {
        return;
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DELAY_MS);
    }

    form.addEventListener("input", schedule);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
