// Token simulation (bpmn-js-token-simulation) in the editor, in the page's language: the
// library writes its few labels and tooltips in English into the DOM, so they are put into the
// page's language as they appear (a MutationObserver over the canvas), from the same table the
// rest of the editor is translated with.
const TEXTS = [
  "Token Simulation",
  "Reset Simulation",
  "Play/Pause Simulation",
  "Toggle Simulation Log",
  "Set Sequence Flow",
  "Trigger Event",
  "Add pause point",
  "Remove pause point",
  "Set animation speed = Slow",
  "Set animation speed = Normal",
  "Set animation speed = Fast",
];

function localize(node, translate) {
  if (node.nodeType === Node.TEXT_NODE) {
    const text = node.textContent.trim();
    if (TEXTS.includes(text)) node.textContent = node.textContent.replace(text, translate(text));
    return;
  }
  if (node.nodeType !== Node.ELEMENT_NODE) return;
  const title = node.getAttribute("title");
  if (title && TEXTS.includes(title)) node.setAttribute("title", translate(title));
  node.childNodes.forEach((child) => localize(child, translate));
}

export function localizeSimulation(container, translate) {
  localize(container, translate);
  new MutationObserver((changes) => {
    changes.forEach((change) => {
      if (change.type === "attributes" && change.attributeName === "title") {
        localize(change.target, translate);
      }
      change.addedNodes.forEach((node) => localize(node, translate));
    });
  }).observe(container, { childList: true, subtree: true, attributes: true, attributeFilter: ["title"] });
}
