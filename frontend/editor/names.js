// The English name (nameEn; workflows/catalog.py) of the process or of a step: what an English page
// shows instead of the Chinese name; empty, the Chinese name is shown there too. A property like
// the task settings, on the element itself, or on the process of a selected pool.
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

import { PropertyText } from "./entries.js";

// What holds the English name of the selected element: the process (the canvas, or a pool's
// process) or a flow node; null for anything else (lanes name roles, flows are not shown).
export function nameHolder(element) {
  const bo = getBusinessObject(element);
  if (is(element, "bpmn:Participant")) return bo.get("processRef") || null;
  if (is(element, "bpmn:Process") || is(element, "bpmn:FlowNode")) return bo;
  return null;
}

export function NameEnEntry({ element, id }) {
  return (
    <PropertyText
      element={element}
      id={id}
      bo={nameHolder(element)}
      name="nameEn"
      label="Name shown on English pages"
      description="Empty: the Chinese name is shown there too."
    />
  );
}
