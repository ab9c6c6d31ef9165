// The decision-table test panel: pick one of the draft's tables, type a value per input (and any
// other process data as JSON), and see the rows that matched and the outputs, as the server
// computes them for a business-rule task at run time. Every value is shown with textContent.
// The server evaluates the saved draft: a page that edits tables passes `beforeTry`, which saves
// what is pending (false: not saved, nothing is tried), and `setTables` when the columns change.
function field(labelText, input) {
  const label = document.createElement("label");
  label.append(labelText, input);
  return label;
}

function render(result, box, labels) {
  box.replaceChildren();
  const rows = document.createElement("p");
  rows.dataset.testid = "decision-matched";
  rows.textContent = result.matched.length
    ? `${labels.matched} ${result.matched.map((m) => `#${m.row} ${m.description || m.id}`).join("；")}`
    : labels.no_match;
  const output = document.createElement("pre");
  output.dataset.testid = "decision-output";
  output.textContent = JSON.stringify(result.output, null, 2);
  box.append(rows, output);
}

export function decisionPanel(config, csrf, { beforeTry } = {}) {
  const panel = document.getElementById("decision-test");
  if (!panel || !config.decisions.length) return null;
  const labels = config.labels.decisions;
  const choose = panel.querySelector("select[name=decision]");
  const inputs = panel.querySelector("[data-inputs]");
  const data = panel.querySelector("textarea[name=data]");
  const box = panel.querySelector("[data-result]");
  let tables = config.decisions;
  const table = () => tables.find((t) => t.decision_id === choose.value);
  const showInputs = () => {
    // What was typed stays typed for the columns that are still there.
    const typed = {};
    inputs.querySelectorAll("input").forEach((input) => {
      typed[input.name] = input.value;
    });
    inputs.replaceChildren();
    (table() || { inputs: [] }).inputs.forEach((column) => {
      const input = document.createElement("input");
      input.name = column.id;
      input.value = typed[column.id] || "";
      input.dataset.testid = `decision-input-${column.id}`;
      input.placeholder = column.type_ref;
      inputs.append(field(`${column.label || column.id} · ${column.expression}`, input));
    });
  };
  const setTables = (next) => {
    const chosen = choose.value;
    tables = next;
    choose.replaceChildren();
    tables.forEach((t) => {
      const option = document.createElement("option");
      option.value = t.decision_id;
      option.textContent = `${t.name || t.decision_id} (${t.file})`;
      choose.append(option);
    });
    if (tables.some((t) => t.decision_id === chosen)) choose.value = chosen;
    showInputs();
  };
  choose.addEventListener("change", showInputs);
  setTables(tables);
  panel.querySelector("form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (beforeTry && !(await beforeTry())) {
      box.textContent = labels.not_saved || "";
      return;
    }
    const values = {};
    inputs.querySelectorAll("input").forEach((input) => {
      if (input.value.trim()) values[input.name] = input.value;
    });
    let extra = {};
    if (data.value.trim()) {
      try {
        extra = JSON.parse(data.value);
      } catch (error) {
        box.textContent = labels.bad_json;
        return;
      }
    }
    const response = await fetch(config.decision_url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ decision: choose.value, values, variables: extra }),
    });
    const body = await response.json().catch(() => ({}));
    if (response.ok) {
      render(body, box, labels);
    } else {
      const english = (document.documentElement.lang || "").startsWith("en");
      const details = (body.fields || []).map((f) => (english ? f.message_en : f.message)).filter(Boolean);
      box.textContent = [english ? body.message_en : body.message, ...details].filter(Boolean).join("；");
    }
  });
  return { setTables };
}
