/* The interactive network (Cytoscape.js): /api/networks/{name} with the form's filters. */
"use strict";
(function () {
  var I = window.ISCM;
  var form = document.getElementById("filters");
  var status = document.getElementById("graph-status");
  var panel = document.getElementById("details");
  var fields = ["network", "colour", "type", "region", "theme", "role", "min_weight"];
  /* Names drawn on the picture: the best-connected nodes only, at most a dozen (more do not fit a 640-pixel
     canvas), and none whose name would cover one already drawn; the others show on hover, on a click or
     from the table. */
  var LABELLED = 12;
  var FONT = 10;
  var EDGE_MEANING = {
    state_iscm: "the role (member thickest)", shared_membership: "the number of member States in common",
    co_membership: "the number of ISCMs both are members of", thematic_similarity: "the share of themes in common",
    iscm_backbone: "the number of member States shared", state_backbone: "the number of ISCMs both are members of",
    cooperation: "the number of documented cooperations", iscm_organization: "the organization's role (secretariat thickest)",
    synergy: "the synergy score" };
  var optionsFor = null;
  var cy = null;
  var shown = { name: "", names: {} };  /* the network on the canvas and its community names */

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
  function elements(data, byCommunity) {
    var degree = {};
    data.edges.forEach(function (e) { degree[e.source] = (degree[e.source] || 0) + 1; degree[e.target] = (degree[e.target] || 0) + 1; });
    var nodes = data.nodes.map(function (n) {
      var colour = byCommunity ? I.communityColour(n.community) : I.typeColour(n);
      var name = n.short || n.label;
      return { group: "nodes", data: Object.assign({}, n, { id: n.id, name: name.length > 24 ? name.slice(0, 22) + "…" : name,
                                                            deg: degree[n.id] || 0, colour: colour }) };
    });
    var edges = data.edges.map(function (e, i) {
      return { group: "edges", data: Object.assign({}, e, { id: "e" + i, w: Number(e.weight || 1) }) };
    });
    return nodes.concat(edges);
  }
  function communityNames(data) {
    var names = {};
    ((data.graph && data.graph.communities) || []).forEach(function (c) { if (c.size > 1) { names[c.index] = c.name; } });
    return names;
  }
  function legendItems(data, byCommunity, names) {
    var seen = {}, items = [];
    data.nodes.forEach(function (n) {
      var key = byCommunity ? (names[n.community] !== undefined && n.community < 10 ? n.community : "rest") : I.typeKey(n);
      if (seen[key] === undefined) {
        seen[key] = items.length;
        items.push({ key: key, colour: byCommunity ? (key === "rest" ? "#999" : I.communityColour(key)) : I.typeColour(n),
                     text: byCommunity ? (key === "rest" ? "smaller groups and nodes on their own" : names[key]) : I.typeName(n), count: 0 });
      }
      items[seen[key]].count += 1;
    });
    items.sort(function (a, b) { return b.count - a.count || String(a.text).localeCompare(String(b.text)); });
    return items.map(function (it) { return { colour: it.colour, text: it.text + " (" + it.count + ")" }; });
  }
  /* The best-connected nodes whose name boxes (below the node, about 0.6 em a letter) do not overlap. */
  function pickLabelled() {
    var boxes = [];
    function clash(b) { return boxes.some(function (o) { return b.x1 < o.x2 && o.x1 < b.x2 && b.y1 < o.y2 && o.y1 < b.y2; }); }
    return cy.nodes().sort(function (a, b) { return b.data("deg") - a.data("deg") || a.id().localeCompare(b.id()); })
      .filter(function (n) {
        if (boxes.length >= LABELLED || !n.data("deg")) { return false; }
        var p = n.position(), w = n.data("name").length * FONT * 0.6, top = p.y + n.height() / 2;
        var box = { x1: p.x - w / 2, x2: p.x + w / 2, y1: top, y2: top + FONT * 1.4 };
        if (clash(box)) { return false; }
        boxes.push(box);
        return true;
      });
  }
  function drawLegend(name, data, byCommunity, names, maxDeg, labelled) {
    document.getElementById("graph-legend").innerHTML =
      "<h2>How to read it</h2><p>Colour: " + (byCommunity ? "the group (community) a node belongs to, named after its region and largest members" : "the kind of node") + "</p>" +
      I.legend(legendItems(data, byCommunity, names)) +
      '<p class="size-key">Node size: the number of links, from <span class="dot small"></span> 0 to <span class="dot large"></span> ' + maxDeg +
      ". Line width: " + I.esc(EDGE_MEANING[name] || "the weight") + ".</p><p>Names are drawn for " + labelled +
      " of the best-connected nodes (where they do not overlap); point at a node, click it or use the table for the others.</p>";
  }
  function drawTable(name, data, names) {
    var rows = data.nodes.slice().sort(function (a, b) { return cy.getElementById(b.id).data("deg") - cy.getElementById(a.id).data("deg") || a.label.localeCompare(b.label); })
      .map(function (n) {
        return ['<button type="button" class="linklike" data-node="' + I.esc(n.id) + '">' + I.esc(n.short || n.label) + "</button>",
                I.esc(I.typeName(n)), I.esc(names[n.community] || "on its own"), String(cy.getElementById(n.id).data("deg")),
                I.esc(I.round(n.eigenvector)), I.esc(I.round(n.betweenness))];
      });
    document.getElementById("graph-table").innerHTML = I.table(
      "The " + data.nodes.length + " nodes of the picture, most links first: " + (data.graph && data.graph.title || name),
      ["Name", "Kind", "Group (community)", "Links", "Centrality (eigenvector)", "Go-between (betweenness)"], rows);
  }
  function roleCounts(node) {
    var roles = {};
    node.connectedEdges().forEach(function (e) { var r = e.data("role"); if (r) { roles[r] = (roles[r] || 0) + 1; } });
    return roles;
  }
  function show(name, names, node) {
    var d = node.data(), page = I.pageOf(d.id);
    cy.nodes(".hover").removeClass("hover");
    cy.$(":selected").unselect();
    node.select();
    node.addClass("hover");
    panel.innerHTML = "<h2>" + I.esc(d.label) + "</h2>" +
      (page ? '<p><a class="button" href="' + I.esc(page) + '">Open its page</a></p>' : "") +
      I.describe.html(I.describe.node(name, d, roleCounts(node), names[d.community]));
  }
  function render(name, data) {
    var byCommunity = form.elements.colour.value === "community";
    var names = communityNames(data);
    shown = { name: name, names: names };
    var els = elements(data, byCommunity);
    var nodeCount = data.nodes.length, edgeCount = data.edges.length;
    var nodeEls = els.filter(function (e) { return e.group === "nodes"; });
    var maxDeg = Math.max.apply(null, nodeEls.map(function (e) { return e.data.deg; }).concat([1]));
    var maxW = Math.max(1e-9, Math.max.apply(null, data.edges.map(function (e) { return Number(e.weight || 1); }).concat([1e-9])));
    if (cy) { cy.destroy(); }
    document.body.dataset.graphReady = "0";
    cy = window.cy = cytoscape({
      container: document.getElementById("cy"),
      elements: els,
      wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: {
          "background-color": "data(colour)", label: "", "font-size": FONT, color: "#222",
          "text-valign": "bottom", "text-margin-y": 2, "text-background-color": "#fff", "text-background-opacity": 0.8,
          width: "mapData(deg, 0, " + maxDeg + ", 8, 46)", height: "mapData(deg, 0, " + maxDeg + ", 8, 46)" } },
        { selector: "node.named, node.hover", style: { label: "data(name)" } },
        { selector: "node.hover", style: { "z-index": 10, "font-weight": "bold" } },
        { selector: "edge", style: {
          width: "mapData(w, 0, " + maxW + ", 0.5, 8)", "line-color": "#8fa3b8", opacity: 0.55, "curve-style": "haystack" } },
        { selector: ":selected", style: { "border-width": 3, "border-color": "#f0a500", "line-color": "#f0a500", opacity: 1 } }
      ],
      layout: { name: nodeCount > 400 ? "concentric" : "cose", animate: false, randomize: true, nodeRepulsion: 9000,
                idealEdgeLength: 70, numIter: 1500, concentric: function (n) { return n.data("deg"); } }
    });
    var labelled = pickLabelled().addClass("named").length;
    cy.on("mouseover", "node", function (evt) { evt.target.addClass("hover"); });
    cy.on("mouseout", "node", function (evt) { if (!evt.target.selected()) { evt.target.removeClass("hover"); } });
    cy.on("tap", "node", function (evt) { show(name, names, evt.target); });
    cy.on("tap", "edge", function (evt) {
      var d = evt.target.data(), a = cy.getElementById(d.source).data("name"), b = cy.getElementById(d.target).data("name");
      panel.innerHTML = "<h2>" + I.esc(a) + " – " + I.esc(b) + "</h2>" + I.describe.html(I.describe.edge(name, d, a, b));
    });
    drawLegend(name, data, byCommunity, names, maxDeg, labelled);
    drawTable(name, data, names);
    var title = data.graph && data.graph.title ? data.graph.title : name;
    document.getElementById("cy").setAttribute("aria-label", "Network picture: " + title + ", " + nodeCount + " nodes and " +
      edgeCount + " links; the table below lists the same nodes");
    status.textContent = nodeCount + " nodes, " + edgeCount + " edges — " + title;
    var about = document.getElementById("graph-about");  /* what the network is, where the title does not say it */
    about.textContent = ((data.graph && data.graph.description) || "") + backboneResult(data);
    about.hidden = !about.textContent;
    status.dataset.nodes = String(nodeCount);
    status.dataset.edges = String(edgeCount);
    document.body.dataset.graphReady = "1";
  }
  /* A backbone says what the test kept, and, when it kept nothing, how near it came. */
  function backboneResult(data) {
    var b = data.graph && data.graph.summary && data.graph.summary.backbone;
    if (!b) { return ""; }
    var test = " (" + b.tests.toLocaleString("en") + " pairs tested, alpha " + b.alpha +
      (b.correction === "none" ? ", no correction" : ", " + (b.correction === "fdr_bh" ? "Benjamini–Hochberg" : "Bonferroni") + " correction") + ")";
    if (b.kept === 0) {
      return " No pair passes the test" + test + ": the smallest corrected p-value is " +
        (b.smallest_p_adjusted === null ? "undefined (no pair shares anything)" : b.smallest_p_adjusted) +
        ". The numbers of memberships and the sizes of the ISCMs explain every overlap; the projection itself, with each pair's p-value, is the network “" + b.projection + "”.";
    }
    return " It keeps " + b.kept.toLocaleString("en") + " of the " + b.projection_edges.toLocaleString("en") + " links of the projection" + test + ".";
  }
  /* The table's buttons pick the node in the picture (keyboard and screen readers reach every node). */
  document.getElementById("graph-table").addEventListener("click", function (e) {
    var id = e.target.dataset && e.target.dataset.node;
    if (id && cy) { show(shown.name, shown.names, cy.getElementById(id)); }
  });
  document.getElementById("graph-table").addEventListener("focusin", function (e) {
    var id = e.target.dataset && e.target.dataset.node;
    if (id && cy) { cy.nodes(".hover").not(":selected").removeClass("hover"); cy.getElementById(id).addClass("hover"); }
  });
  function load() {
    var q = params(), name = q.get("network") || "shared_membership";
    q.delete("network");
    q.delete("colour");
    status.textContent = "Loading…";
    history.replaceState(null, "", "?" + params().toString());
    var base = "/api/networks/" + encodeURIComponent(name);
    var first = optionsFor === name ? Promise.resolve(null) : I.fetchJSON(base);
    return first.then(function (all) {
      if (all) { fillOptions(all); optionsFor = name; }
      return I.fetchJSON(base + (q.toString() ? "?" + q.toString() : ""));
    }).then(function (data) { render(name, data); }).catch(function (err) { status.textContent = "Could not load the network: " + err.message; });
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); load(); });
  form.elements.network.addEventListener("change", load);
  form.elements.colour.addEventListener("change", load);
  fillForm();
  if (typeof cytoscape === "undefined") { status.textContent = "Cytoscape.js is not installed (npm ci)."; return; }
  load();
})();
