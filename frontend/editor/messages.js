// A message event's (or receive / send task's) message and correlation, as Spiff's parser reads
// them for workflows/messages.py: the bpmn:message named by messageRef (its name is what senders
// and receivers match on); on a catch, spiffworkflow:messageVariable (the variable receiving the
// payload) and spiffworkflow:processVariableCorrelation (the correlation property and the value
// this instance waits for, from its variables); on a throw, spiffworkflow:messagePayload. Where
// the value is in a message's payload is the correlation property's retrieval expression for that
// message (bpmn:correlationProperty / correlationPropertyRetrievalExpression).
import { SelectEntry, TextAreaEntry, TextFieldEntry } from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

import { addExtension, dropExtension, firstExtension, run, update } from "./extensions.js";

const NEW = "__new__";
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const CATCHES = ["bpmn:StartEvent", "bpmn:IntermediateCatchEvent", "bpmn:BoundaryEvent", "bpmn:ReceiveTask"];

// What holds messageRef and the spiffworkflow extensions: the task itself, or the event's
// message event definition.
export function messageHolder(element) {
  const bo = getBusinessObject(element);
  if (is(element, "bpmn:ReceiveTask") || is(element, "bpmn:SendTask")) return bo;
  if (!is(element, "bpmn:Event")) return null;
  return (bo.get("eventDefinitions") || []).find((d) => is(d, "bpmn:MessageEventDefinition")) || null;
}

function isCatch(element) {
  return CATCHES.some((type) => is(element, type));
}

function definitionsOf(element) {
  let node = getBusinessObject(element);
  while (node && !is(node, "bpmn:Definitions")) node = node.$parent;
  return node;
}

function rootsOf(element, type) {
  const definitions = definitionsOf(element);
  return definitions ? definitions.get("rootElements").filter((root) => is(root, type)) : [];
}

function messageOf(element) {
  const holder = messageHolder(element);
  return (holder && holder.get("messageRef")) || null;
}

function correlationOf(element) {
  return firstExtension(messageHolder(element), "spiffworkflow:ProcessVariableCorrelation");
}

// The retrieval expression of correlation property `name` for the element's message.
function retrievalOf(element, name) {
  const message = messageOf(element);
  const property = rootsOf(element, "bpmn:CorrelationProperty").find((p) => p.get("id") === name);
  const found = property && property.get("correlationPropertyRetrievalExpression").find((r) => r.get("messageRef") === message);
  return { property, retrieval: found };
}

function currentKey(element) {
  if (isCatch(element)) {
    const correlation = correlationOf(element);
    return (correlation && correlation.get("propertyId")) || "";
  }
  const message = messageOf(element);
  const property = rootsOf(element, "bpmn:CorrelationProperty").find((p) =>
    p.get("correlationPropertyRetrievalExpression").some((r) => r.get("messageRef") === message),
  );
  return (property && property.get("id")) || "";
}

function setHolderBody(injector, element, type, value) {
  const holder = messageHolder(element);
  const commands = [];
  const found = firstExtension(holder, type);
  if (found && !value) dropExtension(element, found, commands, holder);
  else if (found) commands.push(update(element, found, { value }));
  else if (value) addExtension(injector, element, injector.get("bpmnFactory").create(type, { value }), commands, holder);
  run(injector, commands);
}

function setMessage(injector, element, value, newName) {
  const holder = messageHolder(element);
  const commands = [];
  let message = rootsOf(element, "bpmn:Message").find((m) => m.get("id") === value) || undefined;
  if (value === NEW) {
    const definitions = definitionsOf(element);
    message = injector.get("bpmnFactory").create("bpmn:Message", { name: newName });
    message.$parent = definitions;
    commands.push(update(element, definitions, { rootElements: [...definitions.get("rootElements"), message] }));
  }
  commands.push(update(element, holder, { messageRef: message }));
  run(injector, commands);
}

// Correlate the element on property `name`: the property (with a retrieval expression for the
// element's message, the payload's field of that name at first) and, on a catch, the value this
// instance waits for (its variable of that name at first).
function setKey(injector, element, name) {
  const factory = injector.get("bpmnFactory");
  const commands = [];
  const holder = messageHolder(element);
  const correlation = correlationOf(element);
  const definitions = definitionsOf(element);
  if (!name) {
    if (correlation) dropExtension(element, correlation, commands, holder);
    else dropRetrieval(element, definitions, commands);
    run(injector, commands);
    return;
  }
  let { property, retrieval } = retrievalOf(element, name);
  if (!property) {
    property = factory.create("bpmn:CorrelationProperty", { id: name, name, correlationPropertyRetrievalExpression: [] });
    property.$parent = definitions;
    commands.push(update(element, definitions, { rootElements: [...definitions.get("rootElements"), property] }));
  }
  if (!retrieval) {
    const path = factory.create("bpmn:FormalExpression", { body: name });
    retrieval = factory.create("bpmn:CorrelationPropertyRetrievalExpression", { messageRef: messageOf(element), messagePath: path });
    path.$parent = retrieval;
    retrieval.$parent = property;
    const list = property.get("correlationPropertyRetrievalExpression");
    commands.push(update(element, property, { correlationPropertyRetrievalExpression: [...list, retrieval] }));
  }
  if (isCatch(element) && correlation) {
    commands.push(update(element, correlation, { propertyId: name }));
  } else if (isCatch(element)) {
    const created = factory.create("spiffworkflow:ProcessVariableCorrelation", { propertyId: name, expression: name });
    addExtension(injector, element, created, commands, holder);
  }
  run(injector, commands);
}

// A throw no longer correlating: its message's retrieval expression goes, and the property with
// it when it has none left (Spiff refuses a property without one), from the correlation keys too.
function dropRetrieval(element, definitions, commands) {
  const { property, retrieval } = retrievalOf(element, currentKey(element));
  if (!retrieval) return;
  const left = property.get("correlationPropertyRetrievalExpression").filter((r) => r !== retrieval);
  if (left.length) {
    commands.push(update(element, property, { correlationPropertyRetrievalExpression: left }));
    return;
  }
  commands.push(update(element, definitions, { rootElements: definitions.get("rootElements").filter((r) => r !== property) }));
  rootsOf(element, "bpmn:Collaboration").forEach((collaboration) =>
    collaboration.get("correlationKeys").forEach((key) => {
      const refs = key.get("correlationPropertyRef");
      if (refs.includes(property)) {
        commands.push(update(element, key, { correlationPropertyRef: refs.filter((ref) => ref !== property) }));
      }
    }),
  );
}

export function MessageEntry({ element, id }) {
  const translate = useService("translate");
  const injector = useService("injector");
  const message = messageOf(element);
  const current = (message && message.get("id")) || "";
  const options = rootsOf(element, "bpmn:Message").map((m) => ({ value: m.get("id"), label: m.get("name") || m.get("id") }));
  return (
    <SelectEntry
      element={element}
      id={id}
      label={translate("Message")}
      description={translate("Picked from the messages of this diagram, or a new one.")}
      getValue={() => current}
      setValue={(value) => setMessage(injector, element, value, translate("New message"))}
      getOptions={() => [{ value: "", label: translate("(none)") }, ...options, { value: NEW, label: translate("New message…") }]}
    />
  );
}

function Text({ element, id, label, description, getValue, setValue, validate, area }) {
  const translate = useService("translate");
  const debounce = useService("debounceInput");
  const Entry = area ? TextAreaEntry : TextFieldEntry;
  return (
    <Entry
      element={element}
      id={id}
      rows={area ? 3 : undefined}
      monospace={area || undefined}
      label={translate(label)}
      description={description && translate(description)}
      debounce={debounce}
      validate={validate}
      getValue={getValue}
      setValue={(value) => setValue((value || "").trim())}
    />
  );
}

export function MessageNameEntry({ element, id }) {
  const injector = useService("injector");
  const message = messageOf(element);
  return (
    <Text
      element={element}
      id={id}
      label="Message name"
      description="What senders and receivers match on; renaming it renames it for every event of this message."
      getValue={() => message.get("name") || ""}
      setValue={(value) => run(injector, [update(element, message, { name: value || undefined })])}
    />
  );
}

export function MessageVariableEntry({ element, id }) {
  const injector = useService("injector");
  return (
    <Text
      element={element}
      id={id}
      label="Variable receiving the message"
      description="The process variable that receives the message's payload (empty: the payload is not kept)."
      getValue={() => (firstExtension(messageHolder(element), "spiffworkflow:MessageVariable") || { get: () => "" }).get("value") || ""}
      setValue={(value) => setHolderBody(injector, element, "spiffworkflow:MessageVariable", value)}
    />
  );
}

export function MessagePayloadEntry({ element, id }) {
  const injector = useService("injector");
  return (
    <Text
      element={element}
      id={id}
      area
      label="Message payload"
      description={'An expression giving what is sent, e.g. {"case_no": case_no, "opinion": opinion}.'}
      getValue={() => (firstExtension(messageHolder(element), "spiffworkflow:MessagePayload") || { get: () => "" }).get("value") || ""}
      setValue={(value) => setHolderBody(injector, element, "spiffworkflow:MessagePayload", value)}
    />
  );
}

export function CorrelationKeyEntry({ element, id }) {
  const translate = useService("translate");
  const injector = useService("injector");
  return (
    <Text
      element={element}
      id={id}
      label="Correlation key"
      description="The property that tells which instance a message is for, e.g. case_no (empty: none)."
      validate={(value) => (value && !NAME.test(value) ? translate("A name: letters, digits, _ . and -.") : null)}
      getValue={() => currentKey(element)}
      setValue={(value) => (!value || NAME.test(value)) && setKey(injector, element, value)}
    />
  );
}

export function RetrievalEntry({ element, id }) {
  const injector = useService("injector");
  const { retrieval } = retrievalOf(element, currentKey(element));
  const path = retrieval && retrieval.get("messagePath");
  return (
    <Text
      element={element}
      id={id}
      label="Key in the message"
      description="An expression over the message's payload giving the key's value, e.g. case_no."
      getValue={() => (path && path.get("body")) || ""}
      setValue={(value) => {
        const created = injector.get("bpmnFactory").create("bpmn:FormalExpression", { body: value });
        created.$parent = retrieval;
        run(injector, [update(element, retrieval, { messagePath: created })]);
      }}
    />
  );
}

export function CorrelationValueEntry({ element, id }) {
  const injector = useService("injector");
  const correlation = correlationOf(element);
  return (
    <Text
      element={element}
      id={id}
      label="Key in this process"
      description="An expression over this instance's variables giving the value it waits for, e.g. case_no."
      getValue={() => correlation.get("expression") || ""}
      setValue={(value) => run(injector, [update(element, correlation, { expression: value })])}
    />
  );
}

export function messageEntries(element) {
  const entries = [{ id: "nqi-message", component: MessageEntry, kind: "select" }];
  if (!messageOf(element)) return entries;
  entries.push({ id: "nqi-message-name", component: MessageNameEntry, kind: "text" });
  const catching = isCatch(element);
  entries.push(
    catching
      ? { id: "nqi-message-variable", component: MessageVariableEntry, kind: "text" }
      : { id: "nqi-message-payload", component: MessagePayloadEntry, kind: "area" },
  );
  entries.push({ id: "nqi-correlation-key", component: CorrelationKeyEntry, kind: "text" });
  const key = currentKey(element);
  if (key && retrievalOf(element, key).retrieval) entries.push({ id: "nqi-correlation-retrieval", component: RetrievalEntry, kind: "text" });
  if (key && catching && correlationOf(element)) entries.push({ id: "nqi-correlation-value", component: CorrelationValueEntry, kind: "text" });
  return entries;
}
