// The API docs page (Swagger UI): names the controls Swagger UI renders without an
// accessible name, and lets the keyboard reach scrolling code samples. Swagger UI
// re-renders as operations open and close, so this runs on every change.
(function () {
  "use strict";

  function label(root) {
    root.querySelectorAll("tr[data-param-name]").forEach(function (row) {
      var name = row.getAttribute("data-param-name");
      row.querySelectorAll("select, input, textarea").forEach(function (control) {
        if (!control.hasAttribute("aria-label") && !control.labels.length) {
          control.setAttribute("aria-label", name);
        }
      });
    });
    root.querySelectorAll(".highlight-code pre:not([tabindex])").forEach(function (pre) {
      pre.setAttribute("tabindex", "0");
    });
  }

  var pending = false;
  new MutationObserver(function () {
    if (pending) {
      return;
    }
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      label(document);
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
