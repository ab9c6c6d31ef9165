// The studio's decision-table editor: dmn-js's Modeler on one .dmn file of the model's draft, in
// the page's language (zh.js), opened on the table itself. Every edit is saved into the draft
// through the same DraftSaver as the BPMN editor (a stale revision stops it and says who saved);
// each save answers the deploy checks' problems, of which this file's are listed. The test panel
// next to the table evaluates the saved draft, so it saves what is pending before it asks.
import DmnModeler from "dmn-js/lib/Modeler";

import { decisionPanel } from "../editor/decisions.js";
import { DraftSaver, csrfToken } from "../editor/draft.js";
import { translateModule } from "../editor/translate.js";
import zh from "./zh.js";

// Each view (table, DRD, literal expression) has an injector of its own: every one gets the
// translations and reports its edits.
const VIEWS = ["drd", "decisionTable", "literalExpression", "boxedExpression"];

function changesModule(onChange) {
  function Changes(eventBus) {
    eventBus.on("commandStack.changed", (event) => {
      // An import clears the stack: that is no edit.
      if (event.trigger !== "clear") onChange();
    });
  }
  Changes.$inject = ["eventBus"];
  return { __init__: ["nqiChanges"], nqiChanges: ["type", Changes] };
}

// The decision tables of this file as the test panel lists them (the server's
// decision_test.tables, read here from the model so that new columns show after a save).
function tablesOf(definitions, file) {
  return (definitions.drgElement || [])
    .filter((element) => element.$type === "dmn:Decision" && element.decisionLogic)
    .filter((decision) => decision.decisionLogic.$type === "dmn:DecisionTable")
    .map((decision) => ({
      decision_id: decision.id,
      name: decision.name || "",
      file,
      inputs: (decision.decisionLogic.input || []).map((input) => ({
        id: input.id,
        label: input.label || "",
        expression: (input.inputExpression && input.inputExpression.text) || "",
        type_ref: (input.inputExpression && input.inputExpression.typeRef) || "",
      })),
    }));
}

function problemText(problem, english) {
  return english ? problem.message : problem.message_zh || problem.message;
}

// The last save's problems in this file, under the table (the others belong to other files).
function showProblems(problems, config) {
  const list = document.getElementById("dmn-problems");
  const summary = document.getElementById("dmn-problem-count");
  const english = config.language.startsWith("en");
  const mine = problems.filter((problem) => problem.file === config.file);
  list.replaceChildren();
  mine.forEach((problem) => {
    const item = document.createElement("li");
    if (problem.element_id) {
      const where = document.createElement("code");
      where.textContent = problem.element_id;
      item.append(where, " ");
    }
    item.append(problemText(problem, english));
    list.append(item);
  });
  summary.textContent = mine.length
    ? config.labels.problems.replace("%(n)s", String(mine.length))
    : config.labels.no_problems;
  summary.dataset.count = String(mine.length);
}

function openTable(modeler) {
  // A file with a diagram (DMNDI) opens on its DRD; the admin came for the table.
  const active = modeler.getActiveView();
  if (active && active.type === "decisionTable") return;
  const table = modeler.getViews().find((view) => view.type === "decisionTable");
  if (table) modeler.open(table);
}

function tools(modeler, saver) {
  const stack = () => modeler.getActiveViewer().get("commandStack");
  const actions = {
    undo: () => stack().undo(),
    redo: () => stack().redo(),
    save: () => saver.save(),
  };
  document.querySelectorAll("[data-dmn]").forEach((button) => {
    button.addEventListener("click", () => actions[button.dataset.dmn]());
  });
}

// Saves what is pending, if anything (a save without a change would only bump the revision);
// true once nothing is, false if the draft could not be saved (the status says why).
async function savedNow(saver) {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    if (saver.stopped) return false;
    if (saver.saving) {
      await saver.saving;
    } else if (saver.dirty) {
      await saver.save();
    } else {
      return true;
    }
  }
  return false;
}

function start() {
  const holder = document.getElementById("dmn-config");
  if (!holder) return;
  const config = JSON.parse(holder.textContent);
  const container = document.getElementById("dmn-canvas");
  let saver = null;
  const onChange = () =>
    saver.changed(async () => {
      const { xml } = await modeler.saveXML({ format: true });
      // Only this file: the server keeps the draft's other files as they are at this revision.
      return { [config.file]: xml };
    });
  const modules = [translateModule(config.language, config.labels.dmn, zh), changesModule(onChange)];
  const options = { container };
  VIEWS.forEach((view) => {
    options[view] = { additionalModules: modules };
  });
  const modeler = new DmnModeler(options);
  // For the browser tests and the console: the modeler of this page.
  window.nqiDecisionEditor = modeler;
  const panel = decisionPanel(config, csrfToken(), { beforeTry: () => savedNow(saver) });
  saver = new DraftSaver({
    url: config.draft_url,
    csrf: csrfToken(),
    revision: config.revision,
    status: document.getElementById("dmn-status"),
    conflict: document.getElementById("dmn-conflict"),
    labels: config.labels.status,
    onSaved: (body) => {
      showProblems(body.problems, config);
      if (panel) panel.setTables(tablesOf(modeler.getDefinitions(), config.file));
    },
  });
  tools(modeler, saver);
  window.addEventListener("beforeunload", (event) => {
    if (saver.dirty || saver.saving) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  modeler
    .importXML(config.xml)
    .then(() => {
      openTable(modeler);
      showProblems(config.problems, config);
      container.dataset.ready = "1";
    })
    .catch((error) => {
      const note = document.getElementById("dmn-note");
      note.textContent = `${config.labels.failed} ${error.message || ""}`;
      note.hidden = false;
    });
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
