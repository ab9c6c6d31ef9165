// Adds the service's own groups to bpmn-js-properties-panel's BPMN groups, right after "General":
// the selected element's problems (from the last save), and what the service reads of it.
import {
  isCheckboxEntryEdited,
  isNumberFieldEntryEdited,
  isSelectEntryEdited,
  isTextAreaEntryEdited,
  isTextFieldEntryEdited,
} from "@bpmn-io/properties-panel";
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

import { choices } from "./choices.js";
import {
  BindingEntry,
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
import { messageEntries, messageHolder } from "./messages.js";
import { NameEnEntry, nameHolder } from "./names.js";
import {
  CopyToEntry,
  OpinionRequiredEntry,
  ResubmitEntry,
  SubmitLabelEntry,
  WorkPageEntry,
  operationEntries,
} from "./operations.js";
import { signingEntries } from "./signing.js";
import { TimerKindEntry, TimerTextEntry, hasTimer, timerPartEntries } from "./timers.js";

const EDITED = { select: isSelectEntryEdited, text: isTextFieldEntryEdited, area: isTextAreaEntryEdited };

// The library's own groups for what ours write as the engine reads it: not shown beside ours.
const REPLACED = { "nqi-timer": "timer", "nqi-signing": "multiInstance", "nqi-message": "message" };

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
  if (nameHolder(element)) {
    groups.push({ id: "nqi-names", label: translate("English name"), entries: [{ id: "nqi-name-en", component: NameEnEntry, isEdited: isTextFieldEntryEdited }] });
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
    groups.push({
      id: "nqi-operations",
      label: translate("Approval operations"),
      entries: [
        { id: "nqi-opinion-required", component: OpinionRequiredEntry, isEdited: isCheckboxEntryEdited },
        ...operationEntries().map((entry) => ({ ...entry, isEdited: isCheckboxEntryEdited })),
        { id: "nqi-resubmit", component: ResubmitEntry, isEdited: isCheckboxEntryEdited },
        { id: "nqi-copy-to", component: CopyToEntry, isEdited: isTextFieldEntryEdited },
        { id: "nqi-submit-label", component: SubmitLabelEntry, isEdited: isTextFieldEntryEdited },
        { id: "nqi-work-page", component: WorkPageEntry, isEdited: isTextFieldEntryEdited },
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
    groups.push({ id: "nqi-call", label: translate("Called process"), entries: [
      { id: "nqi-called-element", component: CalledElementEntry, isEdited: isTextFieldEntryEdited },
      { id: "nqi-called-binding", component: BindingEntry, isEdited: isSelectEntryEdited },
    ] });
  }
  if (is(element, "bpmn:BusinessRuleTask")) {
    groups.push({ id: "nqi-decision", label: translate("Decision table"), entries: [{ id: "nqi-called-decision", component: DecisionEntry, isEdited: isSelectEntryEdited }] });
  }
  if (hasTimer(element)) {
    groups.push({
      id: "nqi-timer",
      label: translate("Timer"),
      entries: [
        { id: "nqi-timer-kind", component: TimerKindEntry, isEdited: isSelectEntryEdited },
        ...timerPartEntries(element).map((entry) => ({ ...entry, isEdited: isNumberFieldEntryEdited })),
        { id: "nqi-timer-text", component: TimerTextEntry, isEdited: isTextFieldEntryEdited },
      ],
    });
  }
  if (isHumanTask(element)) {
    const entries = signingEntries(element).map((entry) => ({ ...entry, isEdited: EDITED[entry.kind] }));
    groups.push({ id: "nqi-signing", label: translate("Countersign"), entries });
  }
  if (messageHolder(element)) {
    const entries = messageEntries(element).map((entry) => ({ ...entry, isEdited: EDITED[entry.kind] }));
    groups.push({ id: "nqi-message", label: translate("Message and correlation"), entries });
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
      const own = ownGroups(element, this.translate);
      const replaced = new Set(own.map((group) => REPLACED[group.id]).filter(Boolean));
      const kept = groups.filter((group) => !replaced.has(group.id));
      const at = kept.findIndex((group) => group.id === "general") + 1;
      kept.splice(at, 0, ...own);
      return kept;
    };
  }
}

NqiPropertiesProvider.$inject = ["propertiesPanel", "translate"];
