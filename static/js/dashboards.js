// Dashboards: a box that ticks every learner on the at-risk page. The form works without it.
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    var wrapper = box.closest(".select-all");
    if (wrapper) { wrapper.hidden = false; }
    box.addEventListener("change", function () {
      var name = box.getAttribute("data-select-all");
      document.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (each) {
        each.checked = box.checked;
      });
    });
  });
})();
