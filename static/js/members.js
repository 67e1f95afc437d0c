// Members page: a box in the table's header ticks every row of the page for the bulk form.
// The form works without it (tick rows one by one, or "all that match").
(function () {
  "use strict";
  function reveal() {
    document.querySelectorAll(".select-page[hidden]").forEach(function (label) { label.hidden = false; });
  }
  reveal();
  document.addEventListener("htmx:afterSwap", reveal);
  document.addEventListener("change", function (event) {
    var box = event.target;
    var form = box.getAttribute && box.getAttribute("data-select-page");
    if (!form) { return; }
    document.querySelectorAll('input[type="checkbox"][name="ids"][form="' + form + '"]').forEach(function (each) {
      each.checked = box.checked;
    });
  });
})();
