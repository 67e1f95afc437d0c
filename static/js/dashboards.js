// Dashboards: a box that ticks every row of a list (data-select-all names the checkboxes, space-separated). The form works without it.
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    var wrapper = box.closest(".select-all");
    if (wrapper) { wrapper.hidden = false; }
    box.addEventListener("change", function () {
      box.getAttribute("data-select-all").split(" ").forEach(function (name) {
        document.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (each) {
          each.checked = box.checked;
        });
      });
    });
  });
})();
