// Which lane (and so which role) a flow node is in, for diagrams whose lanes are not drawn (a
// process without a pool keeps its lanes in the model only, as the shipped diagrams do): the
// panel sets it with the command registered here, which moves the node's lane reference and,
// when no lane stands for the chosen role yet, adds one, all undone in one step. Where lanes are
// drawn, a node's lane is where it is drawn, and moving it is how to change it.
import { add as collectionAdd, remove as collectionRemove } from "diagram-js/lib/util/Collections";
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

export function processOf(element) {
  let bo = getBusinessObject(element);
  while (bo && !is(bo, "bpmn:Process")) {
    bo = bo.$parent;
  }
  return bo;
}

export function lanesOf(process) {
  const lanes = [];
  const walk = (laneSet) =>
    (laneSet ? laneSet.get("lanes") : []).forEach((lane) => {
      lanes.push(lane);
      walk(lane.get("childLaneSet"));
    });
  (process ? process.get("laneSets") : []).forEach(walk);
  return lanes;
}

export function laneOf(element) {
  const lanes = getBusinessObject(element).get("lanes") || [];
  return lanes[lanes.length - 1];
}

class AssignLaneHandler {
  constructor(bpmnFactory) {
    this.factory = bpmnFactory;
  }

  execute(context) {
    const { element, role } = context;
    const node = getBusinessObject(element);
    const process = processOf(element);
    context.previous = [...(node.get("lanes") || [])];
    context.previous.forEach((lane) => {
      collectionRemove(lane.get("flowNodeRef"), node);
      collectionRemove(node.get("lanes"), lane);
    });
    let lane = lanesOf(process).find((candidate) => (candidate.get("name") || "") === role);
    if (!lane && role) {
      let laneSet = process.get("laneSets")[0];
      if (!laneSet) {
        laneSet = this.factory.create("bpmn:LaneSet", { lanes: [] });
        laneSet.$parent = process;
        process.get("laneSets").push(laneSet);
        context.createdLaneSet = laneSet;
      }
      lane = this.factory.create("bpmn:Lane", { name: role, flowNodeRef: [] });
      lane.$parent = laneSet;
      laneSet.get("lanes").push(lane);
      context.createdLane = lane;
    }
    if (lane) {
      collectionAdd(lane.get("flowNodeRef"), node);
      collectionAdd(node.get("lanes"), lane);
    }
    context.lane = lane;
    return element;
  }

  revert(context) {
    const { element, lane, createdLane, createdLaneSet, previous } = context;
    const node = getBusinessObject(element);
    if (lane) {
      collectionRemove(lane.get("flowNodeRef"), node);
      collectionRemove(node.get("lanes"), lane);
    }
    if (createdLane) {
      collectionRemove(createdLane.$parent.get("lanes"), createdLane);
    }
    if (createdLaneSet) {
      collectionRemove(processOf(element).get("laneSets"), createdLaneSet);
    }
    previous.forEach((old) => {
      collectionAdd(old.get("flowNodeRef"), node);
      collectionAdd(node.get("lanes"), old);
    });
    return element;
  }
}

AssignLaneHandler.$inject = ["bpmnFactory"];

function registerLaneCommand(commandStack) {
  commandStack.registerHandler("nqi.lane.assign", AssignLaneHandler);
}

registerLaneCommand.$inject = ["commandStack"];

export const laneCommandModule = {
  __init__: ["nqiLaneCommand"],
  nqiLaneCommand: ["type", registerLaneCommand],
};

// Lanes are drawn when any lane of the diagram has a shape.
export function lanesDrawn(elementRegistry) {
  return elementRegistry.filter((shape) => is(shape, "bpmn:Lane")).length > 0;
}
