// The outcome form offers only the chosen kind's subtypes. Without JavaScript every subtype stays
// listed (grouped by kind) and the server refuses a pair that does not belong together.
(function () {
  "use strict";
  function narrow(kindSelect, subtypeSelect) {
    var kind = kindSelect.value;
    Array.prototype.forEach.call(subtypeSelect.options, function (option) {
      var other = Boolean(kind) && option.dataset.kind && option.dataset.kind !== kind;
      option.hidden = other;
      option.disabled = other;
      if (other && option.selected) {
        subtypeSelect.value = "";
      }
    });
    Array.prototype.forEach.call(subtypeSelect.querySelectorAll("optgroup"), function (group) {
      group.hidden = !Array.prototype.some.call(group.children, function (option) {
        return !option.hidden;
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector('[data-testid="outcome-form"]');
    if (!form) {
      return;
    }
    var kindSelect = form.querySelector("select[name=kind]");
    var subtypeSelect = form.querySelector("select[name=subtype]");
    if (!kindSelect || !subtypeSelect) {
      return;
    }
    kindSelect.addEventListener("change", function () {
      narrow(kindSelect, subtypeSelect);
    });
    narrow(kindSelect, subtypeSelect);
  });
})();
