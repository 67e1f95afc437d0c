// Site script: kept tiny. Pages work without it; it adds conveniences on top.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  // htmx requests carry the CSRF token in a header, as Flask-WTF expects.
  document.addEventListener("htmx:configRequest", function (event) {
    if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
  });
  // The language selector submits itself on change; the button stays for no-JS users.
  var lang = document.getElementById("lang-select");
  if (lang) {
    lang.addEventListener("change", function () { lang.form.submit(); });
  }
  // Copy-to-clipboard buttons: <button data-copy="text">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button || !navigator.clipboard) { return; }
    navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
      button.setAttribute("data-copied", "true");
    });
  });
})();
