// Keyboard and screen-reader users keep their place when htmx swaps part of a page. Without this,
// a swap that replaces the focused control drops focus to <body> and the next Tab starts over
// from the footer. One rule for every swap, so no page needs code of its own:
//   1. the focused control is still there (htmx refocuses an element with the same id): keep it;
//   2. the new region holds a control of the same kind and name (a sort link, "Next"): focus it;
//   3. otherwise focus the region's first heading (or the heading of the section it sits in),
//      or the region itself.
// A polite live region then says which region changed and what its status line now says. It
// says so too when focus was elsewhere (a search box that updates the results as one types):
// focus stays where it was, and only the announcement tells of the new results.
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

  function labelledBy(el) {
    var by = el.getAttribute("aria-labelledby");
    return (by && document.getElementById(by.split(" ")[0])) || null;
  }

  // The section a region without a heading of its own sits in: its search results under the
  // section's "Learners" heading, for example.
  function sectionHeading(region) {
    var section = region.parentElement && region.parentElement.closest("section[aria-labelledby]");
    return section ? labelledBy(section) : null;
  }

  function statusesOf(region) {
    return Array.prototype.map.call(region.querySelectorAll("[role=status]"), function (el) {
      return squash(el.textContent);
    }).filter(Boolean);
  }

  // The region's name, then what its status lines say: those that changed with the swap (the
  // e-mail check's "Match" under the unchanged "Valid"), else the first. A status message
  // swapped in with the region is new, so screen readers would not read it by themselves.
  // Without one, the current filter or tab (aria-current) says what the region now shows.
  function labelOf(region, before) {
    var parts = [];
    var labelled = labelledBy(region);
    var heading = region.querySelector(HEADINGS) || sectionHeading(region);
    var label = labelled ? nameOf(labelled) : squash(region.getAttribute("aria-label")) || (heading && nameOf(heading));
    if (label) { parts.push(label); }
    var statuses = statusesOf(region);
    var fresh = statuses.filter(function (text) { return before.indexOf(text) === -1; });
    var current = region.querySelector("[aria-current]");
    if (fresh.length) { parts = parts.concat(fresh); }
    else if (statuses.length) { parts.push(statuses[0]); }
    else if (current && squash(current.textContent)) { parts.push(squash(current.textContent)); }
    return parts.join(". ");
  }

  // A region that is itself a live region (the quiz's "Saved") speaks for itself.
  function speaksForItself(region) {
    return region.matches("[role=status], [role=alert], [aria-live]");
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
    // Focus elsewhere on the page (outside the region) stays there: the plan only announces.
    var plan = { id: target.id, target: target, before: statusesOf(target) };
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
      focusOn(counterpart(region, plan) || region.querySelector(HEADINGS) || sectionHeading(region) || region);
    }
    if (!speaksForItself(region)) { announce(labelOf(region, plan.before)); }
  });
})();
