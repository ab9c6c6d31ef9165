/* The task page's diagram (drawn by bpmn_view.js): marks where the case stands; zoom, fit and
 * full screen; a click on a step says when it ran and who did it. */
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

  // The step clicked: its runs (who, when) from the approval record, as plain text.
  function explain(viewer, payload) {
    var panel = document.getElementById("task-diagram-step");
    if (!panel) { return; }
    var history = payload.history || {};
    var labels = payload.labels || {};
    viewer.get("eventBus").on("element.click", function (event) {
      var element = event.element;
      if (!element || !element.businessObject || element.type === "bpmn:Process") { return; }
      var runs = history[element.id] || [];
      var name = element.businessObject.name || element.id;
      var lines = runs.length
        ? runs.map(function (run) { return run.who + " · " + run.when; })
        : [labels.not_run || ""];
      panel.textContent = "";
      var title = document.createElement("strong");
      title.textContent = name;
      panel.appendChild(title);
      lines.forEach(function (line) {
        var row = document.createElement("div");
        row.textContent = line;
        panel.appendChild(row);
      });
      panel.hidden = false;
    });
  }

  window.nqiBpmnView(
    { container: "task-diagram", data: "task-diagram-data", note: "task-diagram-note" },
    function (viewer, payload, container) {
      var canvas = viewer.get("canvas");
      fit(canvas, container);
      mark(viewer, payload);
      window.nqiDiagramTools(viewer, container, function () { fit(canvas, container); });
      explain(viewer, payload);
      container.dataset.ready = "true";
    }
  );
}());
