// Grouped checkboxes (core.widgets.CheckboxPicker): shows a search box that hides
// the choices that do not match every word typed, ignoring case and accents. The
// checked ones always stay in view, so nobody loses sight of what they chose. With
// data-picker-follows, only the group keyed by that field's value is shown (the
// clauses of the chosen outcome document). Without this script the page shows every
// group, and the server checks the choice anyway.
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function setUp(picker) {
    var search = picker.querySelector("[data-picker-search]");
    var input = search.querySelector("input");
    var status = search.querySelector("[role=status]");
    var options = Array.prototype.map.call(
      picker.querySelectorAll("[data-picker-option]"),
      function (item) {
        return {
          item: item,
          box: item.querySelector("input"),
          text: fold(item.textContent),
          group: item.closest("[data-picker-group]"),
        };
      }
    );
    var groups = picker.querySelectorAll(".picker-group");
    var followsName = picker.getAttribute("data-picker-follows");
    var follows = followsName && picker.closest("form").elements.namedItem(followsName);

    function update(announce) {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var wanted = follows ? follows.value : null;
      var total = 0;
      var shown = 0;
      options.forEach(function (option) {
        var inGroup = !follows || (option.group && option.group.getAttribute("data-picker-group") === wanted);
        if (inGroup) {
          total += 1;
        }
        var matches = words.every(function (word) {
          return option.text.indexOf(word) !== -1;
        });
        var visible = option.box.checked || (inGroup && matches);
        option.item.hidden = !visible;
        if (visible) {
          shown += 1;
        }
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector("[data-picker-option]:not([hidden])");
      });
      if (follows && !wanted && !shown) {
        status.textContent = status.getAttribute("data-follows-hint") || "";
      } else if (announce) {
        status.textContent = shown
          ? status.getAttribute("data-shown").replace("%(shown)s", shown).replace("%(total)s", total)
          : status.getAttribute("data-none");
      } else {
        status.textContent = "";
      }
    }

    input.addEventListener("input", function () {
      update(true);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        // Typing in the box narrows the list; it does not submit the form.
        event.preventDefault();
      } else if (event.key === "Escape" && input.value) {
        event.preventDefault();
        input.value = "";
        update(true);
      }
    });
    if (follows) {
      follows.addEventListener("change", function () {
        update(true);
      });
    }
    search.hidden = false;
    update(false);
  }

  document.querySelectorAll("[data-picker]").forEach(setUp);
})();
