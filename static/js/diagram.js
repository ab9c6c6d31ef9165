/* The task page's diagram (drawn by bpmn_view.js): marks where the case stands. */
(function () {
  "use strict";

  function badge(text, kind) {
    // Built as an element with textContent: labels never become markup.
    var span = document.createElement("span");
    span.className = "badge " + kind;
    span.textContent = text;
    return span;
  }

  function mark(viewer, payload) {
    var canvas = viewer.get("canvas");
    var overlays = viewer.get("overlays");
    var registry = viewer.get("elementRegistry");
    var labels = payload.labels || {};
    var known = function (id) { return Boolean(id && registry.get(id)); };

    (payload.done || []).filter(known).forEach(function (id) {
      canvas.addMarker(id, "done");
    });
    (payload.current || []).filter(known).forEach(function (id) {
      canvas.addMarker(id, "current");
      if (id !== payload.task) {
        overlays.add(id, { position: { top: -12, left: 0 }, html: badge(labels.current, "current-badge") });
      }
    });
    if (known(payload.task)) {
      canvas.addMarker(payload.task, "selected");
      overlays.add(payload.task, { position: { top: -12, left: 0 }, html: badge(labels.task, "task-badge") });
    }
  }

  // fit-viewport puts the outermost shapes on the very edge, cutting circles and the badge above
  // the current task; fit the diagram's own bounds plus a margin instead, and let the box take
  // the diagram's proportions so that a wide, flat process does not float in empty space.
  function fit(canvas, container) {
    var margin = 40;
    var inner = canvas.viewbox().inner;
    var width = container.clientWidth || 800;
    var wanted = Math.round(width * (inner.height + 2 * margin) / (inner.width + 2 * margin));
    container.style.height = Math.max(220, Math.min(wanted, 600)) + "px";
    canvas.resized();
    canvas.viewbox({
      x: inner.x - margin,
      y: inner.y - margin,
      width: inner.width + 2 * margin,
      height: inner.height + 2 * margin
    });
  }

  window.nqiBpmnView(
    { container: "task-diagram", data: "task-diagram-data", note: "task-diagram-note" },
    function (viewer, payload, container) {
      fit(viewer.get("canvas"), container);
      mark(viewer, payload);
    }
  );
}());
