// A timer event's time, as workflows/timers.py reads it: the timer's kind (timeDuration, timeDate
// or timeCycle) and its text, either ISO 8601 written as is (P3D, 2026-12-31T09:00:00+08:00,
// R3/PT1H; never quoted) or an expression over the process variables (a variable holding such a
// text, days(reminder_days)). The builder writes the ISO text; the text itself can be typed, and
// the server checks it on every save like any expression.
import { NumberFieldEntry, SelectEntry, TextFieldEntry } from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

const KINDS = ["timeDuration", "timeDate", "timeCycle"];
const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/;
const CYCLE = /^R(\d*)\/(P\S+)$/;
const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?$/;

export function timerOf(element) {
  const definitions = getBusinessObject(element).get("eventDefinitions") || [];
  return definitions.find((definition) => is(definition, "bpmn:TimerEventDefinition"));
}

export function hasTimer(element) {
  return ["bpmn:StartEvent", "bpmn:IntermediateCatchEvent", "bpmn:BoundaryEvent"].some((t) => is(element, t)) && Boolean(timerOf(element));
}

function kindOf(timer) {
  return KINDS.find((kind) => timer.get(kind)) || "timeDuration";
}

function textOf(timer) {
  const expression = timer.get(kindOf(timer));
  return (expression && expression.get("body")) || "";
}

// Write the timer's text under `kind`, the other kinds removed (Spiff reads one of them).
function setTimer(injector, element, kind, text) {
  const timer = timerOf(element);
  const properties = {};
  KINDS.forEach((name) => {
    properties[name] = undefined;
  });
  if (text) {
    // A plain bpmn:Expression, written without xsi:type, as in the shipped diagrams.
    properties[kind] = injector.get("bpmnFactory").create("bpmn:Expression", { body: text });
    properties[kind].$parent = timer;
  }
  injector.get("modeling").updateModdleProperties(element, timer, properties);
}

// {days, hours, minutes} of a duration the builder can show ("" for a part it does not hold);
// null when the text is something else (another ISO form, an expression).
function durationParts(text) {
  const found = DURATION.exec(text || "");
  if (!found || text === "P" || text.endsWith("T")) return null;
  return { days: found[1] || "", hours: found[2] || "", minutes: found[3] || "" };
}

function durationText({ days, hours, minutes }) {
  const n = (value) => Number(value || 0);
  if (!n(days) && !n(hours) && !n(minutes)) return "";
  const time = (n(hours) ? `${n(hours)}H` : "") + (n(minutes) ? `${n(minutes)}M` : "");
  return `P${n(days) ? `${n(days)}D` : ""}${time ? `T${time}` : ""}`;
}

// The builder's parts of the timer's text: the duration (of a cycle, its interval) and a cycle's
// repetitions ("" for unbounded).
function partsOf(timer) {
  const kind = kindOf(timer);
  const text = textOf(timer);
  if (kind === "timeCycle") {
    const cycle = CYCLE.exec(text);
    const interval = cycle && durationParts(cycle[2]);
    return cycle && interval ? { ...interval, repetitions: cycle[1] } : null;
  }
  return kind === "timeDuration" ? durationParts(text) : null;
}

function withPart(timer, part, value) {
  const kind = kindOf(timer);
  const parts = { days: "", hours: "", minutes: "", repetitions: "", ...(partsOf(timer) || {}), [part]: value };
  const duration = durationText(parts);
  if (kind !== "timeCycle" || !duration) return duration;
  return `R${Number(parts.repetitions) > 0 ? Number(parts.repetitions) : ""}/${duration}`;
}

export function TimerKindEntry({ element, id }) {
  const translate = useService("translate");
  const injector = useService("injector");
  const timer = timerOf(element);
  return (
    <SelectEntry
      element={element}
      id={id}
      label={translate("Timer kind")}
      description={translate("Timers count calendar time: they do not skip non-working days.")}
      getValue={() => kindOf(timer)}
      setValue={(kind) => setTimer(injector, element, kind, textOf(timer))}
      getOptions={() => [
        { value: "timeDuration", label: translate("Duration (after waiting this long)") },
        { value: "timeDate", label: translate("Date (at this moment)") },
        { value: "timeCycle", label: translate("Cycle (repeatedly)") },
      ]}
    />
  );
}

function TimerPart({ element, id, part, label, max }) {
  const translate = useService("translate");
  const injector = useService("injector");
  const debounce = useService("debounceInput");
  const timer = timerOf(element);
  const parts = partsOf(timer);
  return (
    <NumberFieldEntry
      element={element}
      id={id}
      label={translate(label)}
      min={0}
      max={max}
      step={1}
      debounce={debounce}
      getValue={() => (parts ? parts[part] : "")}
      setValue={(value) => setTimer(injector, element, kindOf(timer), withPart(timer, part, String(value ?? "")))}
    />
  );
}

export function timerPartEntries(element) {
  const kind = kindOf(timerOf(element));
  if (kind === "timeDate") return [{ id: "nqi-timer-date", component: TimerDateEntry }];
  const parts = [
    { id: "nqi-timer-days", part: "days", label: "Days", max: 3650 },
    { id: "nqi-timer-hours", part: "hours", label: "Hours", max: 23 },
    { id: "nqi-timer-minutes", part: "minutes", label: "Minutes", max: 59 },
  ];
  if (kind === "timeCycle") {
    parts.unshift({ id: "nqi-timer-repetitions", part: "repetitions", label: "Repetitions (empty: without end)", max: 1000 });
  }
  return parts.map((entry) => ({ ...entry, component: TimerPart }));
}

function pad(n) {
  return String(n).padStart(2, "0");
}

// A date-time text as the browser's datetime-local input shows it (local time), and back (with
// the browser's offset, so that the engine reads the moment the admin meant).
function toLocalInput(text) {
  if (!DATE.test(text)) return "";
  const moment = new Date(text);
  if (Number.isNaN(moment.getTime())) return "";
  return `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}T${pad(moment.getHours())}:${pad(moment.getMinutes())}`;
}

function fromLocalInput(value) {
  if (!value) return "";
  const moment = new Date(value);
  if (Number.isNaN(moment.getTime())) return "";
  const offset = -moment.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${value.slice(0, 16)}:00${zone}`;
}

export function TimerDateEntry({ element, id }) {
  const translate = useService("translate");
  const injector = useService("injector");
  const timer = timerOf(element);
  const inputId = `bio-properties-panel-${id}`;
  return (
    <div class="bio-properties-panel-entry" data-entry-id={id}>
      <div class="bio-properties-panel-textfield">
        <label for={inputId} class="bio-properties-panel-label">
          {translate("Date and time")}
        </label>
        <input
          id={inputId}
          type="datetime-local"
          class="bio-properties-panel-input"
          value={toLocalInput(textOf(timer))}
          onChange={(event) => setTimer(injector, element, "timeDate", fromLocalInput(event.target.value))}
        />
      </div>
    </div>
  );
}

export function TimerTextEntry({ element, id }) {
  const translate = useService("translate");
  const injector = useService("injector");
  const debounce = useService("debounceInput");
  const timer = timerOf(element);
  return (
    <TextFieldEntry
      element={element}
      id={id}
      label={translate("Timer expression")}
      description={translate(
        "Written into the diagram as is: ISO 8601 (P3D, 2026-12-31T09:00:00+08:00, R3/PT1H) or an expression such as days(reminder_days) or a variable holding the text; checked by the server as you type.",
      )}
      debounce={debounce}
      getValue={() => textOf(timer)}
      setValue={(value) => setTimer(injector, element, kindOf(timer), (value || "").trim())}
    />
  );
}
