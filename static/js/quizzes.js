// Quiz pages: autosave feedback, a safe submit, and a countdown for timed attempts.
// Everything here is a convenience: the form works without it and the server decides
// what is saved, what is marked and when time is up.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form) { return; }
  var pending = 0;
  var submitting = false;

  function inForm(event) {
    var elt = event.detail && event.detail.elt;
    return elt && form.contains(elt);
  }

  function submitNow() {
    var button = document.getElementById("quiz-submit-button");
    if (!navigator.onLine && window.uprOffline) {   // offline: queued, submitted on reconnect
      submitting = false;
      window.uprOffline.queueSubmit(form);
      return;
    }
    if (button) { button.disabled = true; }
    HTMLFormElement.prototype.submit.call(form);
  }

  function submitWhenSaved() {
    submitting = true;
    if (pending === 0) { submitNow(); }
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!inForm(event)) { return; }
    if (submitting) { event.preventDefault(); return; }  // the submit carries every answer
    pending += 1;
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (!inForm(event)) { return; }
    pending = Math.max(0, pending - 1);
    if (submitting) {
      // A queued save may start right after this one; give it a moment to register.
      window.setTimeout(function () { if (pending === 0) { submitNow(); } }, 50);
    }
  });

  // Refusals (out-of-date page, finished attempt) come back as a short message: show it.
  // Anything else (a whole error page) is summed up by the "not saved" line instead.
  function isQuizMessage(xhr) {
    return (xhr.status === 400 || xhr.status === 409) && xhr.responseText.indexOf("quiz-save-error") !== -1;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (inForm(event) && isQuizMessage(event.detail.xhr)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  function notSaved(event) {
    if (!inForm(event)) { return; }
    var target = event.detail.target;
    if (target) {
      // Its own element and class: red with a cross, never the green of "Saved".
      var failed = document.createElement("span");
      failed.className = "quiz-save-failed";
      failed.textContent = form.getAttribute("data-not-saved") || "";
      target.replaceChildren(failed);
    }
  }
  document.addEventListener("htmx:sendError", notSaved);
  document.addEventListener("htmx:responseError", function (event) {
    if (!event.detail.xhr || !isQuizMessage(event.detail.xhr)) { notSaved(event); }
  });

  form.addEventListener("submit", function (event) {
    if (!navigator.onLine && window.uprOffline) {
      event.preventDefault();
      window.uprOffline.queueSubmit(form);
    } else if (pending > 0 || submitting) {
      event.preventDefault();
      submitWhenSaved();
    } else {
      submitting = true;
    }
  });

  // Typed answers are kept on this device until the server has them, so that a lost connection
  // or a reload never throws them away (the short-answer field has autocomplete="off").
  var draftKey = "upr-draft-" + form.getAttribute("action");
  function drafts() {
    try { return JSON.parse(localStorage.getItem(draftKey) || "{}"); } catch (e) { return {}; }
  }
  function keep(all) {
    try { localStorage.setItem(draftKey, JSON.stringify(all)); } catch (e) { /* storage full or off */ }
  }
  function fields(name) {
    return Array.prototype.filter.call(form.elements, function (el) { return el.name === name; });
  }
  function valuesOf(name) {
    return fields(name).filter(function (el) {
      return (el.type !== "radio" && el.type !== "checkbox") || el.checked;
    }).map(function (el) { return el.value; });
  }
  function remember(event) {
    var name = event.target && event.target.name;
    if (!name || !/^q\d+/.test(name)) { return; }
    var all = drafts();
    all[name] = valuesOf(name);
    keep(all);
  }
  form.addEventListener("input", remember);
  form.addEventListener("change", remember);
  document.addEventListener("htmx:afterRequest", function (event) {
    if (!inForm(event) || !event.detail.successful || !event.detail.xhr || event.detail.xhr.status !== 200) { return; }
    var all = drafts();
    Array.prototype.forEach.call(event.detail.elt.querySelectorAll("[name]"), function (el) { delete all[el.name]; });
    keep(all);
  });
  (function restore() {
    var all = drafts();
    Object.keys(all).forEach(function (name) {
      var changed = null;
      fields(name).forEach(function (el) {
        if (el.type === "radio" || el.type === "checkbox") {
          var on = all[name].indexOf(el.value) !== -1;
          if (el.checked !== on) { el.checked = on; changed = el; }
        } else if (all[name].length && el.value !== all[name][0]) {
          el.value = all[name][0];
          changed = el;
        }
      });
      if (changed && navigator.onLine) {   // send it once htmx is ready: autosave listens to change
        window.addEventListener("load", function () { changed.dispatchEvent(new Event("change", { bubbles: true })); });
      }
    });
  })();
  window.addEventListener("online", function () {   // answers typed offline: save them now
    Object.keys(drafts()).forEach(function (name) {
      var el = fields(name)[0];
      if (el) { el.dispatchEvent(new Event("change", { bubbles: true })); }
    });
  });

  // Countdown: the server rendered the seconds left; count down from page load.
  var timer = document.getElementById("quiz-timer");
  var display = document.getElementById("quiz-countdown");
  if (!timer || !display) { return; }
  var endAt = Date.now() + parseInt(timer.getAttribute("data-remaining"), 10) * 1000;
  var announce = document.getElementById("quiz-timer-announce");

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function tick() {
    var left = Math.max(0, Math.round((endAt - Date.now()) / 1000));
    var hours = Math.floor(left / 3600);
    var minutes = Math.floor((left % 3600) / 60);
    display.textContent = (hours ? hours + ":" + pad(minutes) : minutes) + ":" + pad(left % 60);
    if (left <= 60 && !timer.classList.contains("quiz-timer-low")) {
      timer.classList.add("quiz-timer-low");
      if (announce) { announce.textContent = announce.getAttribute("data-message") || ""; }
    }
    if (left === 0) {
      window.clearInterval(interval);
      if (!submitting) { submitWhenSaved(); }
    }
  }
  var interval = window.setInterval(tick, 1000);
  tick();
})();
