// Learner pages. Everything works without this file; it only lets htmx show refusals.
(function () {
  "use strict";
  // "Mark as complete" answers 409 with the lesson-status fragment when gating forbids it;
  // htmx ignores error responses by default, so let this one swap in its message.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (event.detail.xhr.status === 409 && target && target.id === "lesson-status") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
