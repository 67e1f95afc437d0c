// Site script: kept tiny. Pages work without it; it adds conveniences on top.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  // htmx requests carry the CSRF token in a header, as Flask-WTF expects.
  document.addEventListener("htmx:configRequest", function (event) {
    if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
  });
  // The language selector submits itself on change; the button stays for no-JS users.
  // What was typed into the page's forms is kept across the switch (this tab only, never
  // passwords, files or hidden fields) and put back when the same page comes back translated.
  var KEY = "lms-keep-form:" + location.pathname + location.search;
  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !/^(password|file|hidden|submit|button)$/.test(el.type) && el.name !== "csrf_token";
    });
  }
  var lang = document.getElementById("lang-select");
  if (lang) {
    lang.form.addEventListener("submit", function () {
      var kept = [];
      Array.prototype.forEach.call(document.forms, function (form, index) {
        if (form === lang.form) { return; }
        fieldsOf(form).forEach(function (el) {
          var value = (el.type === "checkbox" || el.type === "radio") ? el.checked : el.value;
          kept.push([index, el.name, el.type, el.value, value]);
        });
      });
      try { sessionStorage.setItem(KEY, JSON.stringify(kept)); } catch (e) { /* storage off: nothing kept */ }
    });
    lang.addEventListener("change", function () { lang.form.requestSubmit ? lang.form.requestSubmit() : lang.form.submit(); });
  }
  var saved = null;
  try { saved = sessionStorage.getItem(KEY); sessionStorage.removeItem(KEY); } catch (e) { saved = null; }
  if (saved) {
    JSON.parse(saved).forEach(function (entry) {
      var form = document.forms[entry[0]];
      if (!form) { return; }
      fieldsOf(form).forEach(function (el) {
        if (el.name !== entry[1] || el.type !== entry[2]) { return; }
        if (el.type === "checkbox" || el.type === "radio") {
          if (el.value === entry[3]) { el.checked = entry[4]; }
        } else { el.value = entry[4]; }
      });
    });
  }
  // Copy-to-clipboard buttons: <button data-copy="text" hidden>, shown only where they can work
  // (without JavaScript the share link printed beside them is there to copy).
  function revealCopyButtons() {
    if (!navigator.clipboard) { return; }
    document.querySelectorAll("[data-copy][hidden]").forEach(function (button) { button.hidden = false; });
  }
  revealCopyButtons();
  document.addEventListener("htmx:afterSwap", revealCopyButtons);
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button || !navigator.clipboard) { return; }
    navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
      button.setAttribute("data-copied", "true");
    });
  });
})();
