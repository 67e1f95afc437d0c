// Keyboard and screen-reader users keep their place when htmx swaps part of a page. Without this,
// a swap that replaces the focused control drops focus to <body> and the next Tab starts over
// from the footer. One rule for every swap, so no page needs code of its own:
//   1. the focused control is still there (htmx refocuses an element with the same id): keep it;
//   2. the new region holds a control of the same kind and name (a sort link, "Next"): focus it;
//   3. otherwise focus the region's first heading, or the region itself.
// A polite live region then says which region changed.
(function () {
  "use strict";
  var plans = new WeakMap();   // keyed by the request: beforeSwap and afterSettle get different details
  var HEADINGS = "h1, h2, h3, h4, h5, h6";

  function squash(text) { return (text || "").replace(/\s+/g, " ").trim(); }

  // The text a screen reader would read, without decorations such as sort arrows.
  function nameOf(el) {
    if (el.getAttribute("aria-label")) { return squash(el.getAttribute("aria-label")); }
    var copy = el.cloneNode(true);
    copy.querySelectorAll("[aria-hidden=true]").forEach(function (hidden) { hidden.remove(); });
    return squash(copy.textContent);
  }

  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }

  function focusOn(el) {
    if (!el.matches("a[href], button, input, select, textarea, [tabindex]")) {
      el.setAttribute("tabindex", "-1");   // reachable by script only, not a new Tab stop
    }
    el.focus();
  }

  function counterpart(region, plan) {
    if (!plan.tag || !plan.name) { return null; }
    var same = Array.prototype.filter.call(region.getElementsByTagName(plan.tag), function (el) {
      return nameOf(el) === plan.name && !el.disabled && !el.closest("[hidden]");
    });
    return same[plan.index] || same[0] || null;
  }

  function labelOf(region) {
    var parts = [];
    var by = region.getAttribute("aria-labelledby");
    var labelled = by && document.getElementById(by.split(" ")[0]);
    var heading = region.querySelector(HEADINGS);
    var label = labelled ? nameOf(labelled) : squash(region.getAttribute("aria-label")) || (heading && nameOf(heading));
    if (label) { parts.push(label); }
    // A status message swapped in with the region is new, so screen readers would not read it.
    var status = region.querySelector("[role=status]");
    if (status && squash(status.textContent)) { parts.push(squash(status.textContent)); }
    return parts.join(". ");
  }

  var timer = null;
  function announce(text) {
    var live = document.getElementById("swap-announcer");
    if (!live || !text) { return; }
    // Emptied first so that the same text, said twice in a row, is read again.
    live.textContent = "";
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { live.textContent = text; }, 100);
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var active = document.activeElement;
    if (!target) { return; }
    var inside = active && active !== document.body && target.contains(active);
    if (!inside && !focusLost()) { return; }   // focus is elsewhere on the page: leave it there
    var plan = { id: target.id, target: target };
    if (inside) {
      plan.tag = active.tagName;
      plan.name = nameOf(active);
      plan.index = Array.prototype.filter.call(target.getElementsByTagName(active.tagName), function (el) {
        return nameOf(el) === plan.name;
      }).indexOf(active);
    }
    plans.set(event.detail.xhr, plan);
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var plan = event.detail.xhr && plans.get(event.detail.xhr);
    if (!plan) { return; }
    plans.delete(event.detail.xhr);   // out-of-band swaps settle for the same request: act once
    var region = (plan.id && document.getElementById(plan.id)) ||
      (plan.target.isConnected ? plan.target : null) ||
      (event.target.isConnected && event.target !== document ? event.target : null) ||
      document.getElementById("main");
    if (!region) { return; }
    if (focusLost()) {
      focusOn(counterpart(region, plan) || region.querySelector(HEADINGS) || region);
    }
    announce(labelOf(region));
  });
})();
