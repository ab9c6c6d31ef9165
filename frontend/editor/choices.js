// What the entries offer and show, set by the editor page: the roles and handlers the server
// registered, the forms and decisions in the draft as it stands, and the last save's problems.
const store = {
  roles: [],
  handlers: [],
  files: () => ({}),
  problems: new Map(),
};

export function configure({ roles, handlers, files }) {
  store.roles = roles;
  store.handlers = handlers;
  store.files = files;
}

export function setProblems(byElement) {
  store.problems = byElement;
}

function decisionsIn(text) {
  const doc = new DOMParser().parseFromString(text, "application/xml");
  return Array.from(doc.getElementsByTagNameNS("*", "decision")).map((node) => ({
    id: node.getAttribute("id") || "",
    name: node.getAttribute("name") || "",
  }));
}

export function choices() {
  return {
    roles: store.roles,
    handlers: store.handlers,
    forms: () => Object.keys(store.files()).filter((name) => name.toLowerCase().endsWith(".json")).sort(),
    decisions: () =>
      Object.entries(store.files())
        .filter(([name]) => name.toLowerCase().endsWith(".dmn"))
        .flatMap(([, text]) => decisionsIn(text))
        .filter((decision) => decision.id),
    problemsOf: (id) => store.problems.get(id) || [],
  };
}
