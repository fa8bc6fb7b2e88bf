/* Helpers shared by the network pages (no framework). */
"use strict";
window.ISCM = (function () {
  function esc(text) {
    return String(text === undefined || text === null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function fetchJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) { return r.text().then(function (t) { throw new Error(r.status + ": " + t); }); }
      return r.json();
    });
  }
  /* The page of an entity on this server: the path of its IRI from /id/ on (303 to its HTML page). */
  function pageOf(iri) {
    var i = String(iri).indexOf("/id/");
    return i >= 0 ? String(iri).slice(i) : null;
  }
  /* A sequential colour scale from light to dark blue, t in [0, 1]. */
  function blues(t) {
    t = Math.max(0, Math.min(1, t));
    var a = [239, 246, 255], b = [8, 48, 107];
    var c = a.map(function (x, i) { return Math.round(x + (b[i] - x) * t); });
    return "rgb(" + c.join(",") + ")";
  }
  var TYPE_COLOURS = { rcp: "#1f77b4", irf: "#ff7f0e", global: "#2ca02c", other: "#9467bd",
                       state: "#7f8c8d", territory: "#bdc3c7", organization: "#d62728" };
  var TYPE_NAMES = { rcp: "Regional consultative process (RCP)", irf: "Interregional forum (IRF)",
                     global: "Global process", other: "Other mechanism", state: "State", territory: "Territory",
                     organization: "Organization" };
  /* Tableau 10: ten colours told apart by most readers; smaller communities share the grey. */
  var COMMUNITY_COLOURS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
                           "#ff9da7", "#9c755f", "#17becf"];
  function typeKey(node) {
    return TYPE_COLOURS[node.type] ? node.type : node.kind === "organization" ? "organization" : node.kind;
  }
  function typeColour(node) { return TYPE_COLOURS[typeKey(node)] || "#555"; }
  function typeName(node) { return TYPE_NAMES[typeKey(node)] || String(node.type || node.kind || ""); }
  function communityColour(index) { return COMMUNITY_COLOURS[index] || "#999"; }
  /* Numbers as a reader wants them: counts whole, shares and scores with two decimals. */
  function round(x) {
    var v = Number(x);
    if (!isFinite(v)) { return String(x); }
    return Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) >= 10 ? 1 : 2);
  }
  /* A legend: a list of colour swatches with what they mean. */
  function legend(items) {
    return '<ul class="legend-items">' + items.map(function (it) {
      return '<li data-colour="' + esc(it.colour) + '"><span class="swatch" style="background:' + esc(it.colour) +
        '"></span> ' + esc(it.text) + "</li>";
    }).join("") + "</ul>";
  }
  /* A data table (cells given as HTML, already escaped); the first column heads its row. */
  function table(caption, headers, rows, cls) {
    return '<table class="' + (cls || "net-data") + '"><caption>' + esc(caption) + "</caption><thead><tr>" +
      headers.map(function (h) { return '<th scope="col">' + esc(h) + "</th>"; }).join("") + "</tr></thead><tbody>" +
      rows.map(function (r) {
        return "<tr>" + r.map(function (c, i) { return i ? "<td>" + c + "</td>" : '<th scope="row">' + c + "</th>"; }).join("") + "</tr>";
      }).join("") + "</tbody></table>";
  }
  return { esc: esc, fetchJSON: fetchJSON, pageOf: pageOf, blues: blues, typeColour: typeColour, typeName: typeName,
           typeKey: typeKey, communityColour: communityColour, round: round, legend: legend, table: table };
})();
