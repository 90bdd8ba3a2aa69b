// The query page of `kg serve` (the project's own code; YASGUI itself is vendored beside it).
// One tab per canned query; above the tabs, the active query's parameters as `kg query --list`
// shows them: a list where the query allows only some values, a date or number field by type.
// "Run" asks the server for the query with those values bound (/canned/<name>, made by kg.query
// as `kg query -p` makes it; an empty field binds nothing), puts it in the tab and runs it.
// Results show plain values: numbers, strings and dates without datatype or language tag, IRIs
// as links named by the project's prefixes (kg:Lender, id:…).
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("kg-page-data").textContent);
  const endpoint = window.location.origin + "/sparql";
  const fields = document.getElementById("kg-params-fields");
  const status = document.getElementById("kg-params-status");
  const INPUT_TYPES = { integer: "number", decimal: "number", date: "date" };

  // offline: bundled prefixes (no prefix.cc), no LOV class/property completion
  Yasgui.defaults.yasqe.autocompleters = ["variables", "prefixes"];
  Yasgui.defaults.yasqe.prefixCcApi = null;
  Yasgui.defaults.yasr.prefixes = data.prefixes;
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    persistenceId: null, autoAddOnInit: false, populateFromUrl: false, copyEndpointOnNewTab: true,
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }], keys: [] },
  });

  const canned = {}; // tab id → { query, values: the form's values for that tab }
  data.queries.forEach(function (q, i) {
    const tab = yasgui.addTab(i === 0, {
      name: q.title, requestConfig: { endpoint: endpoint, method: "POST" }, yasqe: { value: q.text },
      yasr: { settings: { selectedPlugin: "table", pluginsConfig: { table: { compact: true } } } },
    });
    canned[tab.getId()] = { query: q, values: {} };
  });

  function field(param, value) {
    let input;
    if (param.allowed.length) {
      input = document.createElement("select");
      input.append(new Option("(any)", ""));
      param.allowed.forEach((v) => input.append(new Option(v, v)));
    } else {
      input = document.createElement("input");
      input.type = INPUT_TYPES[param.type] || "text";
      if (param.type === "integer") input.step = "1";
      if (param.type === "decimal") input.step = "any";
      input.placeholder = param.description;
    }
    input.name = param.name;
    input.value = value || "";
    input.title = `${param.name} (${param.type}): ${param.description}`;
    const label = document.createElement("label");
    label.append(param.name, input);
    return label;
  }

  function current() {
    const tab = yasgui.getTab();
    return tab && canned[tab.getId()];
  }

  function showForm(tabId) {
    const entry = tabId ? canned[tabId] : current();
    status.textContent = "";
    fields.replaceChildren(...(entry ? entry.query.params.map((p) => field(p, entry.values[p.name])) : []));
    document.getElementById("kg-params").hidden = !(entry && entry.query.params.length);
  }

  fields.addEventListener("input", function (event) {
    const entry = current();
    if (entry && event.target.name) entry.values[event.target.name] = event.target.value;
  });

  document.getElementById("kg-params").addEventListener("submit", async function (event) {
    event.preventDefault();
    const tab = yasgui.getTab();
    const entry = current();
    if (!entry) return;
    const given = new URLSearchParams();
    entry.query.params.forEach(function (p) {
      const value = (entry.values[p.name] || "").trim();
      if (value) given.append(p.name, value);
    });
    status.textContent = "";
    const answer = await fetch(`/canned/${encodeURIComponent(entry.query.name)}?${given}`);
    if (!answer.ok) {
      status.textContent = (await answer.text()).trim();
      return;
    }
    tab.setQuery((await answer.json()).query);
    tab.query();
  });

  yasgui.on("tabSelect", (_, tabId) => showForm(tabId));
  showForm();
  window.kgYasgui = yasgui;
})();
