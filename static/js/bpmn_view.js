/* Draws a diagram with bpmn-js's viewer, for the task page (diagram.js) and the studio's model
 * page (studio_diagram.js): the payload comes from a json_script block; if the library or the
 * diagram fails, a note replaces the canvas, so the page works without it.
 *
 *   window.nqiBpmnView({container, data, note}, drawn)
 *
 * `drawn(viewer, payload, container)` runs once the diagram is imported.
 *
 *   window.nqiDiagramTools(viewer, container, refit)
 *
 * wires the page's [data-diagram] buttons (zoom-in, zoom-out, fit, fullscreen); `refit()` puts the
 * whole diagram back in view (after "fit" and on leaving or entering full screen). */
(function () {
  "use strict";

  function showNote(container, noteId, text) {
    var note = document.getElementById(noteId);
    container.hidden = true;
    if (note) {
      note.textContent = text || "";
      note.hidden = false;
    }
  }

  function view(ids, drawn) {
    var container = document.getElementById(ids.container);
    var source = document.getElementById(ids.data);
    if (!container || !source) {
      return;
    }
    var payload;
    try {
      payload = JSON.parse(source.textContent);
    } catch (error) {
      showNote(container, ids.note, container.dataset.failed);
      return;
    }
    if (typeof window.BpmnJS !== "function") {
      showNote(container, ids.note, container.dataset.unavailable);
      return;
    }
    var viewer;
    try {
      viewer = new window.BpmnJS({ container: container });
    } catch (error) {
      showNote(container, ids.note, container.dataset.unavailable);
      return;
    }
    viewer.importXML(payload.xml).then(function () {
      drawn(viewer, payload, container);
    }).catch(function (error) {
      if (window.console) { window.console.warn("diagram:", error); }
      viewer.destroy();
      showNote(container, ids.note, container.dataset.failed);
    });
  }

  window.nqiDiagramTools = function (viewer, container, refit) {
    var canvas = viewer.get("canvas");
    var actions = {
      "zoom-in": function () { canvas.zoom(canvas.zoom() * 1.25); },
      "zoom-out": function () { canvas.zoom(canvas.zoom() / 1.25); },
      "fit": refit,
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
      refit();
    });
  };

  window.nqiBpmnView = function (ids, drawn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { view(ids, drawn); });
    } else {
      view(ids, drawn);
    }
  };
}());
