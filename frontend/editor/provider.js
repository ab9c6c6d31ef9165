// Adds the service's own groups to bpmn-js-properties-panel's BPMN groups, right after "General":
// the selected element's problems (from the last save), and what the service reads of it.
import { isSelectEntryEdited, isTextAreaEntryEdited, isTextFieldEntryEdited } from "@bpmn-io/properties-panel";
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

import { choices } from "./choices.js";
import {
  CalledElementEntry,
  ConditionEntry,
  DecisionEntry,
  DueEntry,
  FormEntry,
  HandlerEntry,
  InstructionsEntry,
  PriorityEntry,
  ProblemsEntry,
  ResultEntry,
  RoleEntry,
  TaskLaneEntry,
  parameterEntries,
} from "./entries.js";

// The tags the service runs as human tasks (workflows/validation.py HUMAN_TASK_TAGS).
const HUMAN_TASKS = ["bpmn:UserTask", "bpmn:ManualTask"];

function isHumanTask(element) {
  return HUMAN_TASKS.some((type) => is(element, type)) || getBusinessObject(element).$type === "bpmn:Task";
}

function takesCondition(element) {
  const bo = getBusinessObject(element);
  const source = bo.get("sourceRef");
  return Boolean(
    source &&
      (is(source, "bpmn:ExclusiveGateway") || is(source, "bpmn:InclusiveGateway")) &&
      source.get("default") !== bo,
  );
}

function ownGroups(element, translate) {
  const groups = [];
  if (choices().problemsOf(element.id).length) {
    groups.push({ id: "nqi-problems", label: translate("Problems"), entries: [{ id: "nqi-problem-list", component: ProblemsEntry }] });
  }
  if (is(element, "bpmn:Lane")) {
    groups.push({ id: "nqi-lane", label: translate("Role"), entries: [{ id: "nqi-role", component: RoleEntry, isEdited: isSelectEntryEdited }] });
  }
  if (isHumanTask(element)) {
    groups.push({
      id: "nqi-task",
      label: translate("Handling"),
      entries: [
        { id: "nqi-task-lane", component: TaskLaneEntry, isEdited: isSelectEntryEdited },
        { id: "nqi-form", component: FormEntry, isEdited: isSelectEntryEdited },
        { id: "nqi-instructions", component: InstructionsEntry, isEdited: isTextAreaEntryEdited },
        { id: "nqi-due", component: DueEntry, isEdited: isTextFieldEntryEdited },
        { id: "nqi-priority", component: PriorityEntry, isEdited: isTextFieldEntryEdited },
      ],
    });
  }
  if (is(element, "bpmn:ServiceTask")) {
    groups.push({
      id: "nqi-service",
      label: translate("Service handler"),
      entries: [
        { id: "nqi-handler", component: HandlerEntry, isEdited: isSelectEntryEdited },
        { id: "nqi-result", component: ResultEntry, isEdited: isTextFieldEntryEdited },
        ...parameterEntries(element).map((entry) => ({ ...entry, isEdited: isTextFieldEntryEdited })),
      ],
    });
  }
  if (is(element, "bpmn:SequenceFlow") && takesCondition(element)) {
    groups.push({ id: "nqi-condition", label: translate("Condition"), entries: [{ id: "nqi-condition-expression", component: ConditionEntry, isEdited: isTextAreaEntryEdited }] });
  }
  if (is(element, "bpmn:CallActivity")) {
    groups.push({ id: "nqi-call", label: translate("Called process"), entries: [{ id: "nqi-called-element", component: CalledElementEntry, isEdited: isTextFieldEntryEdited }] });
  }
  if (is(element, "bpmn:BusinessRuleTask")) {
    groups.push({ id: "nqi-decision", label: translate("Decision table"), entries: [{ id: "nqi-called-decision", component: DecisionEntry, isEdited: isSelectEntryEdited }] });
  }
  // Open at first: these are what an admin comes to the panel for.
  return groups.map((group) => ({ shouldOpen: true, ...group }));
}

export default class NqiPropertiesProvider {
  constructor(propertiesPanel, translate) {
    this.translate = translate;
    propertiesPanel.registerProvider(400, this);
  }

  getGroups(element) {
    return (groups) => {
      const at = groups.findIndex((group) => group.id === "general") + 1;
      groups.splice(at, 0, ...ownGroups(element, this.translate));
      return groups;
    };
  }
}

NqiPropertiesProvider.$inject = ["propertiesPanel", "translate"];
