// The properties-panel entries for what the service reads of a diagram, so that an admin picks
// and types values instead of XML: a lane's role, a user task's form, instructions, due days and
// priority, a service task's handler and parameters, a flow's condition, the called process or
// decision. The choices (roles, handlers, forms, decisions) come from the page (editor.js).
import { SelectEntry, TextAreaEntry, TextFieldEntry } from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

import {
  bodyOf,
  operatorOf,
  parametersOf,
  setBody,
  setHandler,
  setOperatorAttribute,
  setParameter,
  setTaskProperty,
  taskProperty,
} from "./extensions.js";
import { choices } from "./choices.js";
import { laneOf, lanesDrawn, lanesOf, processOf } from "./lanes.js";

function withNone(translate, options) {
  return [{ value: "", label: translate("(none)") }, ...options];
}

// A value the diagram holds but the list does not offer stays visible, marked as unknown.
function keepCurrent(translate, options, current) {
  if (current && !options.some((option) => option.value === current)) {
    return [...options, { value: current, label: `${current} (${translate("unknown")})` }];
  }
  return options;
}

export function RoleEntry({ element, id }) {
  const translate = useService("translate");
  const modeling = useService("modeling");
  const current = getBusinessObject(element).get("name") || "";
  return (
    <SelectEntry
      element={element}
      id={id}
      label={translate("Role")}
      description={translate("Everyone holding this role (in the instance's organization) works the tasks in this lane.")}
      getValue={() => current}
      setValue={(value) => modeling.updateProperties(element, { name: value })}
      getOptions={() => keepCurrent(translate, withNone(translate, choices().roles), current)}
    />
  );
}

export function TaskLaneEntry({ element, id }) {
  const translate = useService("translate");
  const commandStack = useService("commandStack");
  const modeling = useService("modeling");
  const registry = useService("elementRegistry");
  const lane = laneOf(element);
  const current = lane ? lane.get("name") || "" : "";
  const drawn = lanesDrawn(registry);
  const options = () => {
    const named = lanesOf(processOf(element))
      .map((l) => l.get("name") || "")
      .filter(Boolean)
      .map((name) => ({ value: name, label: name }));
    // Drawn lanes are the choice; otherwise any role, its lane added when needed.
    const roles = drawn ? [] : choices().roles.filter((role) => !named.some((n) => n.value === role.value));
    return keepCurrent(translate, withNone(translate, [...named, ...roles]), current);
  };
  const setValue = (value) => {
    if (!drawn) {
      commandStack.execute("nqi.lane.assign", { element, role: value });
      return;
    }
    // Where lanes are drawn, a node is in the lane it is drawn in: move it there.
    const target = registry.filter((shape) => is(shape, "bpmn:Lane") && (shape.businessObject.name || "") === value)[0];
    if (target) {
      const middle = target.y + target.height / 2;
      modeling.moveElements([element], { x: 0, y: Math.round(middle - (element.y + element.height / 2)) });
    }
  };
  return (
    <SelectEntry
      element={element}
      id={id}
      label={translate("Lane (role)")}
      description={translate(drawn ? "Picking a lane moves the step into it." : "Who works this task: the lane of that role.")}
      getValue={() => current}
      setValue={setValue}
      getOptions={options}
    />
  );
}

// A task property as a one-line text (trimmed); empty removes it. Shared by the panel's groups.
// `bo`: the business object holding it, when not the element's own (a pool's process).
export function PropertyText({ element, id, name, label, description, validate, bo }) {
  const translate = useService("translate");
  const injector = useService("injector");
  const debounce = useService("debounceInput");
  return (
    <TextFieldEntry
      element={element}
      id={id}
      label={translate(label)}
      description={description && translate(description)}
      debounce={debounce}
      validate={validate}
      getValue={() => taskProperty(element, name, bo)}
      setValue={(value) => setTaskProperty(injector, element, name, (value || "").trim(), bo)}
    />
  );
}

function digits(translate, max) {
  return (value) => {
    if (!value) return null;
    if (!/^\d+$/.test(value) || Number(value) > max) {
      return translate("A whole number from 0 to {max}.", { max });
    }
    return null;
  };
}

export function FormEntry({ element, id }) {
  const translate = useService("translate");
  const injector = useService("injector");
  const current = taskProperty(element, "formJsonSchemaFilename");
  const forms = choices().forms().map((name) => ({ value: name, label: name }));
  return (
    <SelectEntry
      element={element}
      id={id}
      label={translate("Form")}
      description={translate("What the person working the task fills in.")}
      getValue={() => current}
      setValue={(value) => setTaskProperty(injector, element, "formJsonSchemaFilename", value)}
      getOptions={() => keepCurrent(translate, withNone(translate, forms), current)}
    />
  );
}

export function InstructionsEntry({ element, id }) {
  const translate = useService("translate");
  const injector = useService("injector");
  const debounce = useService("debounceInput");
  return (
    <TextAreaEntry
      element={element}
      id={id}
      rows={4}
      label={translate("Instructions")}
      description={translate("Shown above the form; {{ name }} inserts a process variable.")}
      debounce={debounce}
      getValue={() => bodyOf(element, "spiffworkflow:InstructionsForEndUser")}
      setValue={(value) => setBody(injector, element, "spiffworkflow:InstructionsForEndUser", value)}
    />
  );
}

export function DueEntry({ element, id }) {
  const translate = useService("translate");
  return (
    <PropertyText
      element={element}
      id={id}
      name="dueInDays"
      label="Due in working days"
      description="Empty: no due date."
      validate={digits(translate, 365)}
    />
  );
}

export function PriorityEntry({ element, id }) {
  const translate = useService("translate");
  return (
    <PropertyText
      element={element}
      id={id}
      name="priority"
      label="Priority"
      description="0 to 100; higher comes first in the inbox (empty: 50)."
      validate={digits(translate, 100)}
    />
  );
}

export function HandlerEntry({ element, id }) {
  const translate = useService("translate");
  const injector = useService("injector");
  const operator = operatorOf(element);
  const current = operator ? operator.get("id") || "" : "";
  const handlers = choices().handlers;
  const handler = handlers.find((h) => h.name === current);
  return (
    <SelectEntry
      element={element}
      id={id}
      label={translate("Handler")}
      description={handler ? handler.description : translate("What the service does when the flow reaches this task.")}
      getValue={() => current}
      setValue={(value) => {
        const chosen = handlers.find((h) => h.name === value);
        setHandler(injector, element, value, chosen ? chosen.params : []);
      }}
      getOptions={() =>
        keepCurrent(translate, withNone(translate, handlers.map((h) => ({ value: h.name, label: h.label }))), current)
      }
    />
  );
}

export function ResultEntry({ element, id }) {
  const translate = useService("translate");
  const injector = useService("injector");
  const debounce = useService("debounceInput");
  const operator = operatorOf(element);
  return (
    <TextFieldEntry
      element={element}
      id={id}
      label={translate("Result variable")}
      description={translate("The process variable that receives what the handler answers.")}
      debounce={debounce}
      getValue={() => (operator && operator.get("resultVariable")) || ""}
      setValue={(value) => setOperatorAttribute(injector, element, "resultVariable", (value || "").trim())}
    />
  );
}

export function ParameterEntry({ element, id, parameter }) {
  const translate = useService("translate");
  const injector = useService("injector");
  const debounce = useService("debounceInput");
  const operator = operatorOf(element);
  const handler = choices().handlers.find((h) => operator && h.name === operator.get("id"));
  const declared = handler && handler.params.find((p) => p.name === parameter.get("id"));
  const type = parameter.get("type") || "str";
  return (
    <TextFieldEntry
      element={element}
      id={id}
      label={`${parameter.get("id")} (${type})`}
      description={(declared && declared.description) || translate("An expression, e.g. case_id or 'text'.")}
      debounce={debounce}
      getValue={() => parameter.get("value") || ""}
      setValue={(value) => setParameter(injector, element, parameter, value || "")}
    />
  );
}

export function parameterEntries(element) {
  return parametersOf(element).map((parameter, index) => ({
    id: `nqi-parameter-${index}`,
    component: ParameterEntry,
    parameter,
  }));
}

export function ConditionEntry({ element, id }) {
  const translate = useService("translate");
  const modeling = useService("modeling");
  const factory = useService("bpmnFactory");
  const debounce = useService("debounceInput");
  const expression = getBusinessObject(element).get("conditionExpression");
  return (
    <TextAreaEntry
      element={element}
      id={id}
      rows={2}
      monospace
      label={translate("Condition")}
      description={translate("A Python expression over the process variables, e.g. score > 70; checked by the server as you type.")}
      debounce={debounce}
      getValue={() => (expression && expression.get("body")) || ""}
      setValue={(value) =>
        modeling.updateProperties(element, {
          conditionExpression: value ? factory.create("bpmn:FormalExpression", { body: value }) : undefined,
        })
      }
    />
  );
}

export function CalledElementEntry({ element, id }) {
  const translate = useService("translate");
  const modeling = useService("modeling");
  const debounce = useService("debounceInput");
  return (
    <TextFieldEntry
      element={element}
      id={id}
      label={translate("Called process")}
      description={translate("The key of the deployed model this activity runs.")}
      debounce={debounce}
      getValue={() => getBusinessObject(element).get("calledElement") || ""}
      setValue={(value) => modeling.updateProperties(element, { calledElement: (value || "").trim() || undefined })}
    />
  );
}

// Which version of the called process runs (workflows/call_specs.py BINDINGS): empty means latest.
export function BindingEntry({ element, id }) {
  const translate = useService("translate");
  const injector = useService("injector");
  return (
    <SelectEntry
      element={element}
      id={id}
      label={translate("Version called")}
      description={translate("Newest: the callee's newest version at each call. With the caller: the version that was newest when the caller's version was deployed.")}
      getValue={() => taskProperty(element, "calledElementBinding") || "latest"}
      setValue={(value) => setTaskProperty(injector, element, "calledElementBinding", value === "latest" ? "" : value)}
      getOptions={() => [
        { value: "latest", label: translate("Newest version at each call") },
        { value: "deployment", label: translate("The version deployed with the caller") },
      ]}
    />
  );
}

export function DecisionEntry({ element, id }) {
  const translate = useService("translate");
  const injector = useService("injector");
  const current = bodyOf(element, "spiffworkflow:CalledDecisionId");
  const decisions = choices().decisions().map((d) => ({ value: d.id, label: d.name ? `${d.name} (${d.id})` : d.id }));
  return (
    <SelectEntry
      element={element}
      id={id}
      label={translate("Decision table")}
      description={translate("The decision this task evaluates, from the draft's .dmn files.")}
      getValue={() => current}
      setValue={(value) => setBody(injector, element, "spiffworkflow:CalledDecisionId", value)}
      getOptions={() => keepCurrent(translate, withNone(translate, decisions), current)}
    />
  );
}

export function ProblemsEntry({ element }) {
  const translate = useService("translate");
  const found = choices().problemsOf(element.id);
  return (
    <ul class="nqi-element-problems" data-testid="element-problems">
      {found.length ? found.map((text) => <li>{text}</li>) : <li class="ok">{translate("No problems found.")}</li>}
    </ul>
  );
}
