/* The admin's few behaviours; every page works without them. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    // Changelist: "select all" and the "n of m selected" counter.
    var toggle = document.getElementById("action-toggle");
    var boxes = Array.prototype.slice.call(document.querySelectorAll("input.action-select"));
    var counter = document.querySelector(".action-counter");
    function update() {
      var checked = boxes.filter(function (box) { return box.checked; }).length;
      if (counter) counter.textContent = checked + " of " + boxes.length + " selected";
      if (toggle) {
        toggle.checked = checked === boxes.length && checked > 0;
        toggle.indeterminate = checked > 0 && checked < boxes.length;
      }
      boxes.forEach(function (box) {
        var row = box.closest("tr");
        if (row) row.classList.toggle("selected", box.checked);
      });
    }
    if (toggle) {
      toggle.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = toggle.checked; });
        update();
      });
    }
    boxes.forEach(function (box) { box.addEventListener("change", update); });
    update();

    // Inlines: "Add another" copies the blank row, numbered after the last one.
    document.querySelectorAll("[data-inline-prefix]").forEach(function (group) {
      var prefix = group.getAttribute("data-inline-prefix");
      var template = group.querySelector("template.empty-row");
      var button = group.querySelector("button.add-row");
      var total = group.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
      var body = group.querySelector("tbody");
      if (!template || !button || !total || !body) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        var index = parseInt(total.value, 10) || 0;
        var html = template.innerHTML.split("__prefix__").join(String(index));
        body.insertAdjacentHTML("beforeend", html);
        total.value = String(index + 1);
        var first = body.lastElementChild && body.lastElementChild.querySelector("input, select, textarea");
        if (first) first.focus();
      });
    });

    // Narrow screens start with the navigation and filters folded.
    if (window.matchMedia && window.matchMedia("(max-width: 800px)").matches) {
      document.querySelectorAll("details.sidebar, details.filters").forEach(function (el) {
        el.removeAttribute("open");
      });
    }
  });
})();
