/* Draws the task's process diagram with bpmn-js and marks where the case stands.
 * The page works without it: if the library or the diagram fails, a note replaces the canvas. */
(function () {
  "use strict";

  function showNote(container, text) {
    var note = document.getElementById("task-diagram-note");
    container.hidden = true;
    if (note) {
      note.textContent = text || "";
      note.hidden = false;
    }
  }

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

  function start() {
    var container = document.getElementById("task-diagram");
    var source = document.getElementById("task-diagram-data");
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
      viewer.get("canvas").zoom("fit-viewport");
      mark(viewer, payload);
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
