/* The interactive network (Cytoscape.js): /api/networks/{name} with the form's filters. */
"use strict";
(function () {
  var I = window.ISCM;
  var form = document.getElementById("filters");
  var status = document.getElementById("graph-status");
  var panel = document.getElementById("details");
  var fields = ["network", "type", "region", "theme", "role", "min_weight"];
  var optionsFor = null;
  var cy = null;

  function params() {
    var data = new FormData(form), out = new URLSearchParams();
    fields.forEach(function (f) { var v = (data.get(f) || "").trim(); if (v) { out.set(f, v); } });
    return out;
  }
  function fillForm() {
    var q = new URLSearchParams(window.location.search);
    fields.forEach(function (f) { var el = form.elements[f]; if (el && q.get(f)) { el.value = q.get(f); } });
  }
  function fillOptions(data) {
    var themes = {}, regions = {};
    data.nodes.forEach(function (n) {
      String(n.themes || "").split("|").forEach(function (t) { if (t) { themes[t] = 1; } });
      [n.region, n.subregion].concat(String(n.regions || "").split("|")).forEach(function (r) { if (r) { regions[r] = 1; } });
    });
    var theme = form.elements.theme, keep = theme.value;
    theme.innerHTML = '<option value="">any</option>' + Object.keys(themes).sort().map(function (t) {
      return '<option value="' + I.esc(t) + '">' + I.esc(t.replace(/-/g, " ")) + "</option>";
    }).join("");
    theme.value = keep;
    document.getElementById("regions").innerHTML = Object.keys(regions).sort().map(function (r) {
      return '<option value="' + I.esc(r) + '">';
    }).join("");
  }
  function elements(data) {
    var degree = {};
    data.edges.forEach(function (e) { degree[e.source] = (degree[e.source] || 0) + 1; degree[e.target] = (degree[e.target] || 0) + 1; });
    var nodes = data.nodes.map(function (n) {
      return { group: "nodes", data: Object.assign({}, n, { id: n.id, name: n.short || n.label, deg: degree[n.id] || 0, colour: I.typeColour(n) }) };
    });
    var edges = data.edges.map(function (e, i) {
      return { group: "edges", data: Object.assign({}, e, { id: "e" + i, w: Number(e.weight || 1) }) };
    });
    return nodes.concat(edges);
  }
  function render(data) {
    var els = elements(data);
    var nodeCount = data.nodes.length, edgeCount = data.edges.length;
    var maxDeg = Math.max(1, Math.max.apply(null, els.filter(function (e) { return e.group === "nodes"; }).map(function (e) { return e.data.deg; }).concat([1])));
    var maxW = Math.max(1e-9, Math.max.apply(null, data.edges.map(function (e) { return Number(e.weight || 1); }).concat([1e-9])));
    if (cy) { cy.destroy(); }
    document.body.dataset.graphReady = "0";
    cy = window.cy = cytoscape({
      container: document.getElementById("cy"),
      elements: els,
      wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: {
          "background-color": "data(colour)", label: "data(name)", "font-size": 9, color: "#222",
          "text-valign": "bottom", "text-margin-y": 2,
          width: "mapData(deg, 0, " + maxDeg + ", 8, 46)", height: "mapData(deg, 0, " + maxDeg + ", 8, 46)" } },
        { selector: "edge", style: {
          width: "mapData(w, 0, " + maxW + ", 0.5, 8)", "line-color": "#8fa3b8", opacity: 0.55, "curve-style": "haystack" } },
        { selector: ":selected", style: { "border-width": 3, "border-color": "#f0a500", "line-color": "#f0a500", opacity: 1 } }
      ],
      layout: { name: nodeCount > 400 ? "concentric" : "cose", animate: false, randomize: true, nodeRepulsion: 9000,
                idealEdgeLength: 70, numIter: 1500, concentric: function (n) { return n.data("deg"); } }
    });
    cy.on("tap", "node", function (evt) {
      var d = evt.target.data(), page = I.pageOf(d.id);
      panel.innerHTML = "<h2>" + I.esc(d.label) + "</h2>" +
        (page ? '<p><a class="button" href="' + I.esc(page) + '">Open its page</a></p>' : "") +
        '<dl class="facts">' + I.details(Object.assign({}, d, { colour: "", name: "", deg: "" })) + "</dl>";
    });
    cy.on("tap", "edge", function (evt) {
      var d = evt.target.data();
      panel.innerHTML = "<h2>" + I.esc(cy.getElementById(d.source).data("name")) + " – " +
        I.esc(cy.getElementById(d.target).data("name")) + '</h2><dl class="facts">' +
        I.details(Object.assign({}, d, { id: "", w: "" })) + "</dl>";
    });
    status.textContent = nodeCount + " nodes, " + edgeCount + " edges" +
      (data.graph && data.graph.title ? " — " + data.graph.title : "");
    status.dataset.nodes = String(nodeCount);
    status.dataset.edges = String(edgeCount);
    document.body.dataset.graphReady = "1";
  }
  function load() {
    var q = params(), name = q.get("network") || "shared_membership";
    q.delete("network");
    status.textContent = "Loading…";
    history.replaceState(null, "", "?" + params().toString());
    var base = "/api/networks/" + encodeURIComponent(name);
    var first = optionsFor === name ? Promise.resolve(null) : I.fetchJSON(base);
    return first.then(function (all) {
      if (all) { fillOptions(all); optionsFor = name; }
      return I.fetchJSON(base + (q.toString() ? "?" + q.toString() : ""));
    }).then(render).catch(function (err) { status.textContent = "Could not load the network: " + err.message; });
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); load(); });
  form.elements.network.addEventListener("change", load);
  fillForm();
  if (typeof cytoscape === "undefined") { status.textContent = "Cytoscape.js is not installed (npm ci)."; return; }
  load();
})();
