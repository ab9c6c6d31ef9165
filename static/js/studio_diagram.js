/* The studio's model page (the diagram drawn by bpmn_view.js): the live counts per activity
 * (open tasks, waiting timers, errors), what changed since the compared version, zoom, fit and full screen. */
(function () {
  "use strict";

  function badge(text, kind, title) {
    // Built with textContent: counts and labels never become markup.
    var span = document.createElement("span");
    span.className = "count-badge " + kind;
    span.textContent = text;
    span.title = title;
    return span;
  }

  function mark(viewer, payload) {
    var canvas = viewer.get("canvas");
    var overlays = viewer.get("overlays");
    var registry = viewer.get("elementRegistry");
    var labels = payload.labels || {};
    var known = function (id) { return Boolean(id && registry.get(id)); };
    (payload.added || []).filter(known).forEach(function (id) { canvas.addMarker(id, "diff-added"); });
    (payload.changed || []).filter(known).forEach(function (id) { canvas.addMarker(id, "diff-changed"); });
    Object.keys(payload.counts || {}).filter(known).forEach(function (id) {
      var counts = payload.counts[id];
      var box = document.createElement("span");
      box.className = "activity-counts";
      box.dataset.activity = id;
      if (counts.tasks) { box.appendChild(badge(String(counts.tasks), "tasks", counts.tasks + " " + labels.tasks)); }
      if (counts.timers) { box.appendChild(badge(String(counts.timers), "timers", counts.timers + " " + labels.timers)); }
      if (counts.errors) { box.appendChild(badge(String(counts.errors), "errors", counts.errors + " " + labels.errors)); }
      overlays.add(id, { position: { bottom: 8, left: -8 }, html: box });
    });
  }

  function fit(canvas) {
    var margin = 40;
    var inner = canvas.viewbox().inner;
    canvas.viewbox({
      x: inner.x - margin,
      y: inner.y - margin,
      width: inner.width + 2 * margin,
      height: inner.height + 2 * margin
    });
  }

  window.nqiBpmnView(
    { container: "studio-diagram", data: "studio-diagram-data", note: "studio-diagram-note" },
    function (viewer, payload, container) {
      fit(viewer.get("canvas"));
      mark(viewer, payload);
      window.nqiDiagramTools(viewer, container, function () { fit(viewer.get("canvas")); });
      container.dataset.ready = "true";
    }
  );
}());
