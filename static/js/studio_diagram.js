/* The studio's model page: draws a version's diagram with bpmn-js, puts the live counts per
 * activity on it (open tasks, errors), colours what changed since the compared version, and
 * gives zoom, fit and full screen. The page works without it: a note replaces the canvas. */
(function () {
  "use strict";

  function showNote(container, text) {
    var note = document.getElementById("studio-diagram-note");
    container.hidden = true;
    if (note) {
      note.textContent = text || "";
      note.hidden = false;
    }
  }

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

  function tools(viewer, container) {
    var canvas = viewer.get("canvas");
    var actions = {
      "zoom-in": function () { canvas.zoom(canvas.zoom() * 1.25); },
      "zoom-out": function () { canvas.zoom(canvas.zoom() / 1.25); },
      "fit": function () { fit(canvas); },
      "fullscreen": function () {
        if (document.fullscreenElement) {
          document.exitFullscreen();
        } else if (container.requestFullscreen) {
          container.requestFullscreen();
        }
      }
    };
    document.querySelectorAll("[data-diagram]").forEach(function (button) {
      button.addEventListener("click", function () {
        var act = actions[button.dataset.diagram];
        if (act) { act(); }
      });
    });
    document.addEventListener("fullscreenchange", function () {
      canvas.resized();
      fit(canvas);
    });
  }

  function start() {
    var container = document.getElementById("studio-diagram");
    var source = document.getElementById("studio-diagram-data");
    if (!container || !source) {
      return;
    }
    var payload;
    try {
      payload = JSON.parse(source.textContent);
    } catch (error) {
      showNote(container, container.dataset.failed);
      return;
    }
    if (typeof window.BpmnJS !== "function") {
      showNote(container, container.dataset.unavailable);
      return;
    }
    var viewer;
    try {
      viewer = new window.BpmnJS({ container: container });
    } catch (error) {
      showNote(container, container.dataset.unavailable);
      return;
    }
    viewer.importXML(payload.xml).then(function () {
      fit(viewer.get("canvas"));
      mark(viewer, payload);
      tools(viewer, container);
      container.dataset.ready = "true";
    }).catch(function (error) {
      if (window.console) { window.console.warn("diagram:", error); }
      viewer.destroy();
      showNote(container, container.dataset.failed);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
