// Reading and writing the spiffworkflow extension elements the service reads (task properties,
// instructions, service-task operator, called decision). Every write goes through the command
// stack in one command, so one undo takes back one edit.
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

// `bo`: the business object holding the extensions, when it is not the element's own (a pool's
// process).
export function extensionsOf(element, type, bo = getBusinessObject(element)) {
  const extensions = bo.get("extensionElements");
  return extensions ? extensions.get("values").filter((value) => is(value, type)) : [];
}

export function firstExtension(element, type, bo = getBusinessObject(element)) {
  return extensionsOf(element, type, bo)[0];
}

export function taskProperty(element, name, bo = getBusinessObject(element)) {
  const holder = firstExtension(element, "spiffworkflow:Properties", bo);
  const found = holder && holder.get("properties").find((property) => property.get("name") === name);
  return found ? found.get("value") || "" : "";
}

export function update(element, moddleElement, properties) {
  return { cmd: "element.updateModdleProperties", context: { element, moddleElement, properties } };
}

export function run(injector, commands) {
  if (commands.length) {
    injector.get("commandStack").execute("properties-panel.multi-command-executor", commands);
  }
}

// The extensionElements of `bo` (the element's own, or one of its parts such as a message event
// definition), created (as commands still to run) when it has none.
function extensionHolder(injector, element, commands, bo = getBusinessObject(element)) {
  let extensions = bo.get("extensionElements");
  if (!extensions) {
    extensions = injector.get("bpmnFactory").create("bpmn:ExtensionElements", { values: [] });
    extensions.$parent = bo;
    commands.push(update(element, bo, { extensionElements: extensions }));
  }
  return extensions;
}

// Put `child` (a new extension element) into the extensionElements of the element (or `bo`).
export function addExtension(injector, element, child, commands, bo = getBusinessObject(element)) {
  const extensions = extensionHolder(injector, element, commands, bo);
  child.$parent = extensions;
  commands.push(update(element, extensions, { values: [...extensions.get("values"), child] }));
}

export function dropExtension(element, child, commands, bo = getBusinessObject(element)) {
  const extensions = bo.get("extensionElements");
  commands.push(update(element, extensions, { values: extensions.get("values").filter((v) => v !== child) }));
}

export function setTaskProperty(injector, element, name, value, bo = getBusinessObject(element)) {
  const commands = [];
  taskPropertyCommands(injector, element, name, value, commands, bo);
  run(injector, commands);
}

// The commands that set (or, with no value, remove) a spiffworkflow:property of the element (of
// `bo`, when given).
export function taskPropertyCommands(injector, element, name, value, commands, bo = getBusinessObject(element)) {
  const factory = injector.get("bpmnFactory");
  let holder = firstExtension(element, "spiffworkflow:Properties", bo);
  const existing = holder && holder.get("properties").find((property) => property.get("name") === name);
  if (existing && !value) {
    commands.push(update(element, holder, { properties: holder.get("properties").filter((p) => p !== existing) }));
  } else if (existing) {
    commands.push(update(element, existing, { value }));
  } else if (value) {
    if (!holder) {
      holder = factory.create("spiffworkflow:Properties", { properties: [] });
      addExtension(injector, element, holder, commands, bo);
    }
    const property = factory.create("spiffworkflow:Property", { name, value });
    property.$parent = holder;
    commands.push(update(element, holder, { properties: [...holder.get("properties"), property] }));
  }
}

// A text held as the body of a one-per-element extension (instructions, called decision).
export function bodyOf(element, type) {
  const found = firstExtension(element, type);
  return found ? found.get("value") || "" : "";
}

export function setBody(injector, element, type, value) {
  const commands = [];
  const found = firstExtension(element, type);
  if (found && !value) {
    dropExtension(element, found, commands);
  } else if (found) {
    commands.push(update(element, found, { value }));
  } else if (value) {
    addExtension(injector, element, injector.get("bpmnFactory").create(type, { value }), commands);
  }
  run(injector, commands);
}

export function operatorOf(element) {
  return firstExtension(element, "spiffworkflow:ServiceTaskOperator");
}

export function parametersOf(element) {
  const operator = operatorOf(element);
  const list = operator && operator.get("parameterList");
  return list ? list.get("parameters") : [];
}

// Name the service task's handler; the parameters the new handler declares are added (empty) and
// those it does not know are kept, so changing one's mind loses nothing typed.
export function setHandler(injector, element, handler, declared) {
  const factory = injector.get("bpmnFactory");
  const commands = [];
  let operator = operatorOf(element);
  if (!operator) {
    operator = factory.create("spiffworkflow:ServiceTaskOperator", { id: handler });
    addExtension(injector, element, operator, commands);
  } else {
    commands.push(update(element, operator, { id: handler }));
  }
  let list = operator.get("parameterList");
  if (!list) {
    list = factory.create("spiffworkflow:Parameters", { parameters: [] });
    list.$parent = operator;
    commands.push(update(element, operator, { parameterList: list }));
  }
  const have = new Set(list.get("parameters").map((p) => p.get("id")));
  const added = (declared || [])
    .filter((param) => !have.has(param.name))
    .map((param) => {
      const created = factory.create("spiffworkflow:Parameter", { id: param.name, type: param.type || "str", value: "" });
      created.$parent = list;
      return created;
    });
  if (added.length) {
    commands.push(update(element, list, { parameters: [...list.get("parameters"), ...added] }));
  }
  run(injector, commands);
}

export function setParameter(injector, element, parameter, value) {
  run(injector, [update(element, parameter, { value })]);
}

export function setOperatorAttribute(injector, element, name, value) {
  const operator = operatorOf(element);
  if (operator) {
    run(injector, [update(element, operator, { [name]: value || undefined })]);
  }
}
