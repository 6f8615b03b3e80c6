// The console's small behaviours, from a static file (the CSP allows no inline script):
// the phone menu, copy buttons, and moving focus to a form's error summary.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", fn); }
    else { fn(); }
  }

  function menu() {
    var toggle = document.querySelector(".menu-toggle");
    var target = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
    if (!target) { return; }
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      target.classList.toggle("open", open);
    });
  }

  function copyButtons() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var source = document.getElementById(button.getAttribute("data-copy"));
        var text = source ? (source.value || source.textContent || "").trim() : "";
        var done = function () {
          var label = button.textContent;
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = label; }, 2000);
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () { select(source); });
        } else { select(source); done(); }
      });
    });
  }

  function select(node) {
    if (!node) { return; }
    if (node.select) { node.select(); return; }
    var range = document.createRange();
    range.selectNodeContents(node);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    try { document.execCommand("copy"); } catch (e) { /* the text stays selected */ }
  }

  function errorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); summary.scrollIntoView({ block: "start" }); }
  }

  ready(function () { menu(); copyButtons(); errorSummary(); });
})();
