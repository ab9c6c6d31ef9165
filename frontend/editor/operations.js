// A user task's approval operations (issue 17; workflows/task_settings.py): whether completing it
// needs an opinion (opinionRequired) and which operations it offers (operations: a comma list;
// absent means the defaults, "none" means none). One checkbox per operation; the list is written
// only when it differs from the defaults, so an untouched task stays as it was.
import { CheckboxEntry } from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";

import { PropertyText } from "./entries.js";
import { setTaskProperty, taskProperty } from "./extensions.js";

// Code, label, offered by default: the same table as workflows/task_settings.OPERATIONS.
export const OPERATIONS = [
  ["opinion", "Opinion (审批意见)", true],
  ["return", "Return to an earlier step (退回)", true],
  ["recall", "Recall (撤回)", true],
  ["add_signers", "Add signers (加签)", true],
  ["delegate", "Delegate (委派)", true],
  ["transfer", "Transfer (转办)", true],
  ["urge", "Urge (催办)", true],
  ["copy", "Copy to (抄送)", false],
];
const DEFAULTS = OPERATIONS.filter(([, , on]) => on).map(([code]) => code);

function offered(element) {
  const value = taskProperty(element, "operations");
  if (!value && !hasProperty(element)) return DEFAULTS;
  if (value.trim() === "none") return [];
  return value.split(",").map((code) => code.trim()).filter(Boolean);
}

function hasProperty(element) {
  const holder = (element.businessObject.get("extensionElements") || { get: () => [] }).get("values") || [];
  return holder.some(
    (ext) => ext.$type === "spiffworkflow:Properties" && ext.get("properties").some((p) => p.get("name") === "operations"),
  );
}

function write(injector, element, codes) {
  const ordered = OPERATIONS.map(([code]) => code).filter((code) => codes.includes(code));
  const same = ordered.length === DEFAULTS.length && ordered.every((code, i) => code === DEFAULTS[i]);
  setTaskProperty(injector, element, "operations", same ? "" : ordered.length ? ordered.join(",") : "none");
}

export function OpinionRequiredEntry({ element, id }) {
  const translate = useService("translate");
  const injector = useService("injector");
  return (
    <CheckboxEntry
      element={element}
      id={id}
      label={translate("Opinion required")}
      getValue={() => taskProperty(element, "opinionRequired") === "true"}
      setValue={(checked) => setTaskProperty(injector, element, "opinionRequired", checked ? "true" : "")}
    />
  );
}

function OperationEntry({ element, id, code, label }) {
  const translate = useService("translate");
  const injector = useService("injector");
  return (
    <CheckboxEntry
      element={element}
      id={id}
      label={translate(label)}
      getValue={() => offered(element).includes(code)}
      setValue={(checked) => {
        const now = offered(element).filter((c) => c !== code);
        write(injector, element, checked ? [...now, code] : now);
      }}
    />
  );
}

export function operationEntries() {
  return OPERATIONS.map(([code, label]) => ({
    id: `nqi-operation-${code}`,
    component: (props) => <OperationEntry {...props} code={code} label={label} />,
  }));
}

// Resubmitting a task that was sent back goes straight back to the step that returned it
// (resubmit=returner, 直接提交至退回节点) instead of through the steps in between again.
export function ResubmitEntry({ element, id }) {
  const translate = useService("translate");
  const injector = useService("injector");
  return (
    <CheckboxEntry
      element={element}
      id={id}
      label={translate("When sent back, resubmit straight to the returner (直接提交至退回节点)")}
      getValue={() => taskProperty(element, "resubmit") === "returner"}
      setValue={(checked) => setTaskProperty(injector, element, "resubmit", checked ? "returner" : "")}
    />
  );
}

// Readers copied whenever the task is completed (copyTo): user names or role@org-unit groups.
export function CopyToEntry({ element, id }) {
  return (
    <PropertyText
      element={element}
      id={id}
      name="copyTo"
      label="Always copy to (抄送)"
      description="User names or role@org-unit, separated by commas."
    />
  );
}

// The completion button's words (submitLabel), e.g. 通过; empty: 办结 at the end, else 提交.
export function SubmitLabelEntry({ element, id }) {
  const translate = useService("translate");
  return (
    <PropertyText
      element={element}
      id={id}
      name="submitLabel"
      label="Button label"
      description="Empty: 办结 where the task ends the process, 提交 elsewhere."
      validate={(value) => ((value || "").trim().length > 20 ? translate("At most 20 characters.") : null)}
    />
  );
}

// Where the task is really done, when that is another page of the site (workPage): a path with
// {{ name }} placeholders from the case data, e.g. /scorecard/{{ self_eval.evaluation_id }}/.
export function WorkPageEntry({ element, id }) {
  const translate = useService("translate");
  return (
    <PropertyText
      element={element}
      id={id}
      name="workPage"
      label="Done on the page"
      description="A path of this site, e.g. /scorecard/{{ self_eval.evaluation_id }}/; empty: the task's own form."
      validate={(value) => (value && !/^\/(?!\/)/.test(value.trim()) ? translate("A path starting with a single /.") : null)}
    />
  );
}
