// The studio's editor page: bpmn-js Modeler with the properties panel (the BPMN groups plus the
// service's own, provider.js), in the page's language, on the server's draft of the model. Every
// edit is saved to the draft (draft.js) and checked by the server's deploy checks, whose problems
// are shown on the diagram and in the panel (problems.js).
import BpmnModeler from "bpmn-js/lib/Modeler";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";
import TokenSimulationModule from "bpmn-js-token-simulation";

import { configure } from "./choices.js";
import { decisionPanel } from "./decisions.js";
import { DraftSaver, csrfToken } from "./draft.js";
import { laneCommandModule } from "./lanes.js";
import { ProblemView } from "./problems.js";
import { localizeSimulation } from "./simulation.js";
import NqiPropertiesProvider from "./provider.js";
import { restoreLoopReferences } from "./signing.js";
import spiffworkflow from "./spiffworkflow.json";
import { translateModule } from "./translate.js";
import zh from "./zh.js";

function fit(canvas) {
  canvas.zoom("fit-viewport", "auto");
}

function tools(modeler, saver) {
  const canvas = modeler.get("canvas");
  const commandStack = modeler.get("commandStack");
  const actions = {
    undo: () => commandStack.undo(),
    redo: () => commandStack.redo(),
    "zoom-in": () => canvas.zoom(canvas.zoom() * 1.25),
    "zoom-out": () => canvas.zoom(canvas.zoom() / 1.25),
    fit: () => fit(canvas),
    save: () => saver.save(),
  };
  document.querySelectorAll("[data-editor]").forEach((button) => {
    button.addEventListener("click", () => actions[button.dataset.editor]());
  });
}

function start() {
  const holder = document.getElementById("editor-config");
  if (!holder) return;
  const started = performance.now();
  const config = JSON.parse(holder.textContent);
  const draft = config.draft;
  const files = { ...draft.files };
  const mainFile = draft.main_file;
  const container = document.getElementById("editor-canvas");
  const modeler = new BpmnModeler({
    container,
    keyboard: { bindTo: document },
    propertiesPanel: { parent: "#editor-panel" },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      laneCommandModule,
      TokenSimulationModule,
      { __init__: ["nqiProperties"], nqiProperties: ["type", NqiPropertiesProvider] },
      translateModule(config.language, config.labels.bpmn, zh),
    ],
    moddleExtensions: { spiffworkflow },
  });
  // A countersign's signers variable is no element of the diagram: keep it (signing.js).
  modeler.on("import.parse.complete", ({ warnings }) => restoreLoopReferences(modeler.get("moddle"), warnings));
  // For the browser tests and the console: the modeler of this page.
  window.nqiEditor = modeler;
  configure({ roles: config.roles, handlers: config.handlers, files: () => files });
  const problems = new ProblemView(
    modeler,
    document.getElementById("editor-problems"),
    document.getElementById("editor-problem-count"),
    config,
  );
  const saver = new DraftSaver({
    url: config.draft_url,
    csrf: csrfToken(),
    revision: draft.revision,
    status: document.getElementById("editor-status"),
    conflict: document.getElementById("editor-conflict"),
    labels: config.labels.status,
    onSaved: (body) => problems.show(body.problems, mainFile),
  });
  tools(modeler, saver);
  localizeSimulation(container, modeler.get("translate"));
  decisionPanel(config, csrfToken());
  modeler.on("commandStack.changed", () =>
    saver.changed(async () => {
      const { xml } = await modeler.saveXML({ format: true });
      files[mainFile] = xml;
      return { [mainFile]: xml };
    }),
  );
  // Submitting for review acts on the saved draft: save what is pending first.
  const submitForm = document.getElementById("editor-submit");
  submitForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = submitForm.querySelector("button[type=submit]");
    if (button.disabled || !submitForm.reportValidity()) return;
    button.disabled = true; // once: a second click does not submit again
    await saver.save();
    if (saver.dirty || saver.stopped) {
      button.disabled = false; // not saved (the status says why): nothing was submitted
      return;
    }
    submitForm.submit();
  });
  window.addEventListener("beforeunload", (event) => {
    if (saver.dirty || saver.saving) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  modeler
    .importXML(files[mainFile])
    .then(() => {
      fit(modeler.get("canvas"));
      problems.show(draft.problems, mainFile);
      container.dataset.readyMs = String(Math.round(performance.now() - started));
      container.dataset.ready = "1";
    })
    .catch((error) => {
      const note = document.getElementById("editor-note");
      note.textContent = `${config.labels.failed} ${error.message || ""}`;
      note.hidden = false;
    });
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
