// Countersign (会签), or-sign (或签) and sequential sign-off (依次审批) on a human task, as
// workflows/countersign.py reads it: a multiInstanceLoopCharacteristics whose loopDataInputRef
// names the process variable listing the signers (user names or role@org-unit), whose
// inputDataItem is `signer`, and whose completionCondition is the completion rule over the
// aggregates (total, completed, approved, rejected). The spiffworkflow property countersignLabel
// names the part on the task (或签); parallel parts are 会签 and sequential ones 依次审批 without it.
import { SelectEntry, TextFieldEntry } from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

import { run, taskPropertyCommands, update } from "./extensions.js";

const SIGNER_ITEM = "signer";
const LABEL_PROPERTY = "countersignLabel";
const ANY_ONE = "completed >= 1";
const ANY_ONE_FORMS = ["completed>=1", "nrOfCompletedInstances>=1"];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function loopOf(element) {
  const loop = getBusinessObject(element).get("loopCharacteristics");
  return loop && is(loop, "bpmn:MultiInstanceLoopCharacteristics") ? loop : null;
}

function conditionOf(loop) {
  const condition = loop && loop.get("completionCondition");
  return (condition && condition.get("body")) || "";
}

export function signModeOf(element) {
  const loop = loopOf(element);
  if (!loop) return "";
  const condition = conditionOf(loop).replace(/\s+/g, "");
  if (loop.get("isSequential")) return condition ? "custom" : "sequential";
  if (!condition) return "all";
  return ANY_ONE_FORMS.includes(condition) ? "any" : "custom";
}

function signersOf(element) {
  const loop = loopOf(element);
  const ref = loop && loop.get("loopDataInputRef");
  return (ref && ref.get("id")) || "";
}

// A reference to the variable: bpmn-moddle writes a reference as the referenced element's id, so
// an element that stands for the variable (not in the diagram itself) writes its name.
function variableRef(moddle, name) {
  return moddle.create("bpmn:Property", { id: name });
}

function expression(factory, body, parent) {
  const created = factory.create("bpmn:Expression", { body });
  created.$parent = parent;
  return created;
}

function setMode(injector, element, mode) {
  const factory = injector.get("bpmnFactory");
  const moddle = injector.get("moddle");
  const bo = getBusinessObject(element);
  const commands = [];
  if (!mode) {
    commands.push(update(element, bo, { loopCharacteristics: undefined }));
    taskPropertyCommands(injector, element, LABEL_PROPERTY, "", commands);
    run(injector, commands);
    return;
  }
  let loop = loopOf(element);
  const previous = conditionOf(loop);
  if (!loop) {
    loop = factory.create("bpmn:MultiInstanceLoopCharacteristics");
    loop.$parent = bo;
    commands.push(update(element, bo, { loopCharacteristics: loop }));
  }
  const item = factory.create("bpmn:DataInput", { id: SIGNER_ITEM, name: SIGNER_ITEM });
  item.$parent = loop;
  const condition = {
    all: "",
    sequential: "",
    any: ANY_ONE,
    // A custom rule starts from the current one, unless that is a mode of its own.
    custom: previous && !ANY_ONE_FORMS.includes(previous.replace(/\s+/g, "")) ? previous : "approved >= total",
  }[mode];
  commands.push(
    update(element, loop, {
      isSequential: mode === "sequential" || (mode === "custom" && loop.get("isSequential")) || undefined,
      loopCardinality: undefined,
      loopDataInputRef: loop.get("loopDataInputRef") || variableRef(moddle, "signers"),
      inputDataItem: item,
      completionCondition: condition ? expression(factory, condition, loop) : undefined,
    }),
  );
  if (mode !== "custom") {
    taskPropertyCommands(injector, element, LABEL_PROPERTY, mode === "any" ? "或签" : "", commands);
  }
  run(injector, commands);
}

export function SignModeEntry({ element, id }) {
  const translate = useService("translate");
  const injector = useService("injector");
  return (
    <SelectEntry
      element={element}
      id={id}
      label={translate("Signing")}
      description={translate("Several people sign this task, one part each; the completion rule says when it is done.")}
      getValue={() => signModeOf(element)}
      setValue={(mode) => setMode(injector, element, mode)}
      getOptions={() => [
        { value: "", label: translate("One person (no countersign)") },
        { value: "all", label: translate("All must sign (countersign, 会签)") },
        { value: "any", label: translate("Any one signs (or-sign, 或签)") },
        { value: "sequential", label: translate("One after another (依次审批)") },
        { value: "custom", label: translate("Custom completion rule") },
      ]}
    />
  );
}

export function SignersEntry({ element, id }) {
  const translate = useService("translate");
  const injector = useService("injector");
  const debounce = useService("debounceInput");
  return (
    <TextFieldEntry
      element={element}
      id={id}
      label={translate("Signers (process variable)")}
      description={translate(
        "The variable holding the list of signers, each a user name or role@org-unit (e.g. 市场监管所@district-01); one part per signer.",
      )}
      debounce={debounce}
      validate={(value) => (value && !NAME.test(value) ? translate("A variable name: letters, digits and _.") : null)}
      getValue={() => signersOf(element)}
      setValue={(value) => {
        const name = (value || "").trim();
        if (!NAME.test(name)) return;
        const moddle = injector.get("moddle");
        run(injector, [update(element, loopOf(element), { loopDataInputRef: variableRef(moddle, name) })]);
      }}
    />
  );
}

export function CompletionEntry({ element, id }) {
  const translate = useService("translate");
  const injector = useService("injector");
  const debounce = useService("debounceInput");
  const loop = loopOf(element);
  return (
    <TextFieldEntry
      element={element}
      id={id}
      label={translate("Completion rule")}
      description={translate(
        "An expression over total, completed, approved and rejected, e.g. approved >= 2, approved >= total * 0.6, rejected > 0 (empty: all must sign).",
      )}
      debounce={debounce}
      getValue={() => conditionOf(loop)}
      setValue={(value) => {
        const text = (value || "").trim();
        const factory = injector.get("bpmnFactory");
        run(injector, [update(element, loop, { completionCondition: text ? expression(factory, text, loop) : undefined })]);
      }}
    />
  );
}

export function signingEntries(element) {
  const mode = signModeOf(element);
  const entries = [{ id: "nqi-sign-mode", component: SignModeEntry, kind: "select" }];
  if (mode) entries.push({ id: "nqi-signers", component: SignersEntry, kind: "text" });
  if (mode === "custom") entries.push({ id: "nqi-completion", component: CompletionEntry, kind: "text" });
  return entries;
}

// A loopDataInputRef names a variable, which is no element of the diagram: bpmn-moddle drops such
// an unresolved reference on import (it would be lost on the next save). Put it back from the
// import's warnings, as the variable's stand-in, without a command: it is what the file holds.
export function restoreLoopReferences(moddle, warnings) {
  (warnings || []).forEach((warning) => {
    const property = warning.property || "";
    const { element } = warning;
    const value = (warning.value || "").trim();
    if (!element || !value || !/^bpmn:loopData(Input|Output)Ref$/.test(property)) return;
    if (!element.get(property)) element.set(property, variableRef(moddle, value));
  });
}
