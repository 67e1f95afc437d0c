// Learner pages. Everything works without this file; it lets htmx show refusals and opens the
// course outline on wide screens (on phones it stays a closed drawer).
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

  // The same breakpoint as the sidebar layout in learning.css.
  var wide = window.matchMedia("(min-width: 40.0625rem)");
  function placeOutline() {
    var drawer = document.querySelector("details[data-outline]");
    if (drawer) {
      drawer.open = wide.matches;
    }
  }
  placeOutline();
  if (wide.addEventListener) {
    wide.addEventListener("change", placeOutline);
  }
  // In the sidebar the summary is a heading: a click must not fold the outline away.
  document.addEventListener("click", function (event) {
    var summary = event.target.closest && event.target.closest("details[data-outline] > summary");
    if (summary && wide.matches) {
      event.preventDefault();
    }
  });
})();
