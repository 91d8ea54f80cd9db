// Officials' security keys (WebAuthn): the browser half of identity.webauthn_keys.
// A form marked data-webauthn="register" or "authenticate" stays hidden unless the browser supports
// WebAuthn. On submit it asks the server for options (POST to data-options-url, with the form's CSRF
// token), runs the ceremony, puts the credential (JSON) in the hidden "credential" field and submits
// the form for the server to check. No inline script: served from static under the strict CSP.
(function () {
  "use strict";

  function toBytes(b64url) {
    var b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) { b64 += "="; }
    var raw = atob(b64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes.buffer;
  }

  function toB64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i++) { raw += String.fromCharCode(bytes[i]); }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return { type: item.type, id: toBytes(item.id), transports: item.transports };
    });
  }

  function creationOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.user.id = toBytes(options.user.id);
    options.excludeCredentials = descriptors(options.excludeCredentials);
    return { publicKey: options };
  }

  function requestOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.allowCredentials = descriptors(options.allowCredentials);
    return { publicKey: options };
  }

  function serialise(credential) {
    var response = credential.response;
    var out = {
      id: credential.id,
      rawId: toB64url(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      response: { clientDataJSON: toB64url(response.clientDataJSON) }
    };
    if (credential.authenticatorAttachment) { out.authenticatorAttachment = credential.authenticatorAttachment; }
    if (response.attestationObject) {
      out.response.attestationObject = toB64url(response.attestationObject);
      out.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      out.response.authenticatorData = toB64url(response.authenticatorData);
      out.response.signature = toB64url(response.signature);
      if (response.userHandle) { out.response.userHandle = toB64url(response.userHandle); }
    }
    return JSON.stringify(out);
  }

  function showError(form, text) {
    var box = form.querySelector("[data-webauthn-error]");
    if (box) {
      box.textContent = text;
      box.hidden = false;
      box.focus();
    }
  }

  function run(form) {
    var mode = form.getAttribute("data-webauthn");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    fetch(form.getAttribute("data-options-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json" }
    })
      .then(function (answer) {
        if (!answer.ok) { throw new Error("options " + answer.status); }
        return answer.json();
      })
      .then(function (options) {
        return mode === "register"
          ? navigator.credentials.create(creationOptions(options))
          : navigator.credentials.get(requestOptions(options));
      })
      .then(function (credential) {
        form.querySelector("input[name=credential]").value = serialise(credential);
        form.submit();
      })
      .catch(function () {
        showError(form, form.getAttribute("data-error-text"));
      });
  }

  function start() {
    if (!window.PublicKeyCredential || !navigator.credentials) { return; }
    var forms = document.querySelectorAll("form[data-webauthn]");
    for (var i = 0; i < forms.length; i++) {
      var form = forms[i];
      var wrapper = form.closest("[data-webauthn-section]") || form;
      wrapper.hidden = false;
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        run(event.currentTarget);
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
