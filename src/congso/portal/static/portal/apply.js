/*
 * Online application — progressive enhancement only (every page works without it; strict CSP, no
 * inline script). Conditional sections and fields carry data-show-if, the same condition the server
 * evaluates (see docs/forms.md): {"field": path, "equals"|"not_equals"|"in"|"filled": …} or
 * {"all"|"any": [...]} or {"not": …}. This script shows them only when the answers on the page (or,
 * for questions on earlier pages, the saved answers in data-answers) satisfy it, and hides the
 * "Chỉ trả lời nếu…" hints meant for readers without script. The server still drops hidden answers.
 */
(function () {
  "use strict";

  var MISSING = {};

  function readField(form, path) {
    var field = form.elements.namedItem(path);
    if (!field) {
      return undefined;
    }
    if (field.length !== undefined && !field.tagName) {
      for (var i = 0; i < field.length; i += 1) {
        if (field[i].checked) {
          return field[i].value;
        }
      }
      return MISSING;
    }
    if (field.type === "checkbox") {
      return field.checked ? "true" : "false";
    }
    if (field.type === "radio") {
      return field.checked ? field.value : MISSING;
    }
    var value = (field.value || "").trim();
    return value === "" ? MISSING : value;
  }

  function lookup(element, path) {
    var form = element.closest("form");
    if (form) {
      var value = readField(form, path);
      if (value !== undefined) {
        return value;
      }
    }
    var holder = element.closest("[data-answers]");
    if (holder) {
      try {
        var answers = JSON.parse(holder.getAttribute("data-answers") || "{}");
        if (Object.prototype.hasOwnProperty.call(answers, path)) {
          return answers[path];
        }
      } catch (ignore) {
        return MISSING;
      }
    }
    return MISSING;
  }

  // Values travel as text in the page: compare as text ("true" and true are the same answer).
  function same(a, b) {
    return a !== MISSING && String(a) === String(b);
  }

  function holds(condition, element) {
    if (condition.all) {
      return condition.all.every(function (c) { return holds(c, element); });
    }
    if (condition.any) {
      return condition.any.some(function (c) { return holds(c, element); });
    }
    if (condition.not) {
      return !holds(condition.not, element);
    }
    var value = lookup(element, condition.field);
    if ("equals" in condition) {
      return same(value, condition.equals);
    }
    if ("not_equals" in condition) {
      return !same(value, condition.not_equals);
    }
    if ("in" in condition) {
      return condition["in"].some(function (option) { return same(value, option); });
    }
    return (value !== MISSING) === Boolean(condition.filled);
  }

  function update(root) {
    var targets = root.querySelectorAll("[data-show-if]");
    Array.prototype.forEach.call(targets, function (element) {
      var condition;
      try {
        condition = JSON.parse(element.getAttribute("data-show-if"));
      } catch (ignore) {
        return;
      }
      element.hidden = !holds(condition, element);
    });
  }

  function start(root) {
    var hints = root.querySelectorAll(".reveal-hint");
    Array.prototype.forEach.call(hints, function (hint) { hint.hidden = true; });
    update(root);
  }

  // The native file input is visually hidden (its label is the button, in the page's language):
  // name the files chosen next to it until they are uploaded.
  function showChosen(input) {
    var holder = input.closest(".file-upload");
    var out = holder && holder.querySelector(".file-upload__chosen");
    if (!out) {
      return;
    }
    var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
    out.textContent = names.length ? (out.getAttribute("data-prefix") || "") + " " + names.join(", ") : "";
  }

  function init() {
    start(document);
    document.addEventListener("change", function (event) {
      if (event.target && event.target.classList && event.target.classList.contains("file-upload__input")) {
        showChosen(event.target);
      }
    });
    document.addEventListener("change", function () { update(document); });
    document.addEventListener("input", function () { update(document); });
    // The form preview replaces its output: start the new content too.
    document.addEventListener("congso:preview-updated", function (event) { start(event.target); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
