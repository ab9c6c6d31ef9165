/* The scorecard as one self-saving form (casemgmt/scorecard/web/sheet_form.py). htmx saves each
 * input on change and swaps the part ([data-sc-part]) it belongs to; this file only adds what
 * htmx does not do by itself:
 *   - giving a file or a link for an item that is not ticked yet ticks it: evidence is only ever
 *     given for an item that is met, and the user sees the tick before it is saved;
 *   - what the user typed into a part while its save was under way is put back after the answer
 *     replaced the part, and saved in turn (nothing typed is lost to a swap);
 *   - while a saved part is edited again its "Saved" mark is hidden;
 *   - after saves that ran side by side, the summary is read again once they are all in;
 *   - a save that fails without an answer to show (connection lost, signed out, 403, 5xx) says
 *     so in the part (the sheet's data-sc-failed text) and leaves the part as it was.
 * No inline script or style: the Content-Security-Policy allows none.
 */
(function () {
  "use strict";

  var sent = {}; // part id → {field id: value} as the last save of that part sent them
  var carried = {}; // part id → {field id: value} typed while that save was under way
  var inflight = 0; // saves under way
  var overlapped = false; // two saves were under way at once since the summary was last right

  function partOf(node) {
    return node instanceof Element ? node.closest("[data-sc-part]") : null;
  }

  function valueOf(field) {
    return field.type === "checkbox" ? String(field.checked) : field.value;
  }

  function snapshot(part) {
    var values = {};
    part.querySelectorAll("input[id], textarea[id]").forEach(function (field) {
      if (field.type !== "file" && field.type !== "hidden") {
        values[field.id] = valueOf(field);
      }
    });
    return values;
  }

  // Capture phase: runs before htmx's own listener on the input reads the form's values.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!(field instanceof HTMLInputElement) || !field.hasAttribute("data-sc-evidence") || !field.value) {
      return;
    }
    var tick = field.form ? field.form.querySelector("[data-sc-tick]") : null;
    if (tick && !tick.checked) {
      tick.checked = true;
    }
  }, true);

  document.addEventListener("input", function (event) {
    var part = partOf(event.target);
    if (part) {
      part.classList.add("sc-editing");
    }
  });

  // Saves of different parts run side by side; each answer's summary is rendered when its own
  // save is done, so one that overtakes another may show totals without it. After such a race
  // the summary, subtotals and indicator points are read once more, when the last save is in.
  function refresh() {
    var ids = ["#sc-summary"];
    document.querySelectorAll("[id^='subtotal-'], [id^='points-']").forEach(function (node) {
      ids.push("#" + node.id);
    });
    htmx.ajax("GET", window.location.pathname, {
      target: "#sc-summary", select: "#sc-summary", swap: "outerHTML", selectOOB: ids.slice(1).join(",")
    });
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var part = partOf(event.target);
    if (!part || !part.id) {
      return;
    }
    sent[part.id] = snapshot(part);
    inflight += 1;
    overlapped = overlapped || inflight > 1;
    // The requesting input may be gone from the page when the answer is in (htmx then sends its
    // events to a detached element): the request's own end is what counts.
    event.detail.xhr.addEventListener("loadend", function () {
      inflight -= 1;
      if (inflight === 0 && overlapped) {
        overlapped = false;
        refresh();
      }
    });
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var part = event.detail.target;
    if (!(part instanceof Element) || !part.hasAttribute("data-sc-part") || !sent[part.id]) {
      return;
    }
    if (String(event.detail.serverResponse || "").indexOf('id="' + part.id + '"') < 0) {
      // Not this part's answer (e.g. the sign-in page after a session ended): keep the part.
      event.detail.shouldSwap = false;
      failed(event);
      return;
    }
    var before = sent[part.id];
    var now = snapshot(part);
    var edits = {};
    var any = false;
    Object.keys(now).forEach(function (id) {
      if (id in before && now[id] !== before[id]) {
        edits[id] = now[id];
        any = true;
      }
    });
    delete sent[part.id];
    if (any) {
      carried[part.id] = edits;
    }
  });

  document.addEventListener("htmx:afterSwap", function () {
    Object.keys(carried).forEach(function (partId) {
      var edits = carried[partId];
      delete carried[partId];
      var part = document.getElementById(partId);
      if (!part) {
        return;
      }
      var last = null;
      Object.keys(edits).forEach(function (id) {
        var field = document.getElementById(id);
        if (!field) {
          return;
        }
        if (field.type === "checkbox") {
          field.checked = edits[id] === "true";
        } else {
          field.value = edits[id];
        }
        last = field;
      });
      if (!last) {
        return;
      }
      part.classList.add("sc-editing");
      if (document.activeElement === last) {
        // Still being typed in: saved when the user leaves it (a restored value fires no change).
        last.setAttribute("data-sc-unsaved", "");
      } else {
        last.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  });

  document.addEventListener("focusout", function (event) {
    var field = event.target;
    if (field instanceof Element && field.hasAttribute("data-sc-unsaved")) {
      field.removeAttribute("data-sc-unsaved");
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });

  function failed(event) {
    var part = partOf(event.detail.elt);
    var sheet = document.querySelector("[data-sc-sheet]");
    if (!part || !sheet) {
      return;
    }
    var state = part.querySelector(".sc-state");
    if (state) {
      state.textContent = sheet.getAttribute("data-sc-failed");
      state.classList.add("sc-unsaved");
      state.setAttribute("role", "alert");
    }
  }

  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);
})();
