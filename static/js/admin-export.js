// The admin's export page: "Select all" ticks or clears every field to export.
// django-import-export wires it with an inline onchange attribute, which the
// Content-Security-Policy (script-src 'self') does not run.
document.addEventListener("DOMContentLoaded", () => {
  for (const toggle of document.querySelectorAll("input.select-toggle")) {
    toggle.addEventListener("change", () => {
      const boxes = document.querySelectorAll(
        '.selectable-field-export-row input[type="checkbox"]',
      );
      for (const box of boxes) {
        box.checked = toggle.checked;
      }
    });
  }
});
