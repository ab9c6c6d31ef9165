// The last save's problems, shown three ways: a marker and a badge on each element concerned,
// the list under the diagram (a click selects the element), and the panel's "Problems" group.
import { setProblems } from "./choices.js";

function text(problem, english) {
  return english ? problem.message : problem.message_zh || problem.message;
}

export class ProblemView {
  constructor(modeler, list, summary, config) {
    this.modeler = modeler;
    this.list = list;
    this.summary = summary;
    this.english = config.language.startsWith("en");
    this.labels = config.labels;
    this.marked = [];
  }

  show(problems, mainFile) {
    const canvas = this.modeler.get("canvas");
    const overlays = this.modeler.get("overlays");
    const registry = this.modeler.get("elementRegistry");
    this.marked.forEach((id) => canvas.removeMarker(id, "nqi-invalid"));
    overlays.remove({ type: "nqi-problem" });
    const byElement = new Map();
    problems.forEach((problem) => {
      const id = problem.file === mainFile ? problem.element_id : "";
      if (id && registry.get(id)) {
        byElement.set(id, [...(byElement.get(id) || []), text(problem, this.english)]);
      }
    });
    this.marked = [...byElement.keys()];
    byElement.forEach((messages, id) => {
      canvas.addMarker(id, "nqi-invalid");
      const badge = document.createElement("span");
      badge.className = "nqi-problem-badge";
      badge.textContent = "!";
      badge.title = messages.join("\n");
      badge.dataset.element = id;
      overlays.add(id, "nqi-problem", { position: { top: -10, right: 10 }, html: badge });
    });
    setProblems(byElement);
    this.renderList(problems, registry);
    this.modeler.get("eventBus").fire("propertiesPanel.providersChanged");
  }

  renderList(problems, registry) {
    this.list.replaceChildren();
    problems.forEach((problem) => {
      const item = document.createElement("li");
      const where = document.createElement("code");
      where.textContent = problem.element_id || problem.file;
      item.append(where, " ", text(problem, this.english));
      const element = problem.element_id && registry.get(problem.element_id);
      if (element) {
        item.classList.add("selectable");
        item.addEventListener("click", () => {
          this.modeler.get("selection").select(element);
          this.modeler.get("canvas").scrollToElement(element);
        });
      }
      this.list.append(item);
    });
    this.summary.textContent = problems.length
      ? this.labels.problems.replace("%(n)s", String(problems.length))
      : this.labels.no_problems;
    this.summary.dataset.count = String(problems.length);
  }
}
