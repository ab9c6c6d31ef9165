/* Behaviour every page shares, bound from data-* attributes: the Content-Security-Policy allows
 * no inline script and no on*= handler attributes in the markup.
 *   data-autosubmit   on a <select> (or any input): submit its form when the value changes.
 *   data-print        on a button: print the page.
 *   data-submit-once  on a <form>: a second click while it is being submitted does nothing.
 *   data-confirm      on a <form>: ask (the attribute's text) before submitting; "cancel" keeps it.
 *   data-nav-toggle   on a button: show or hide the element its aria-controls names (the menu on
 *                     narrow screens).
 */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof Element && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.submit();
    }
  });

  document.addEventListener("click", function (event) {
    var toggle = event.target instanceof Element ? event.target.closest("[data-nav-toggle]") : null;
    var menu = toggle ? document.getElementById(toggle.getAttribute("aria-controls") || "") : null;
    if (menu) {
      var open = menu.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (target) {
      event.preventDefault();
      window.print();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm") && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-submit-once")) {
      return;
    }
    var button = form.querySelector("button[type=submit]");
    if (!button) {
      return;
    }
    if (button.disabled) {
      event.preventDefault();
    } else {
      // After this event: disabling now would drop the button's own name/value from the submission.
      setTimeout(function () { button.disabled = true; }, 0);
    }
  });
})();
