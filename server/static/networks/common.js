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
  function typeColour(node) {
    return TYPE_COLOURS[node.type] || TYPE_COLOURS[node.kind] || (node.kind === "organization" ? "#d62728" : "#555");
  }
  function details(data) {
    var skip = { id: 1, label: 1 };
    var rows = Object.keys(data).sort().filter(function (k) { return !skip[k] && data[k] !== ""; })
      .map(function (k) { return "<dt>" + esc(k) + "</dt><dd>" + esc(String(data[k]).split("|").join(", ")) + "</dd>"; });
    return rows.join("");
  }
  return { esc: esc, fetchJSON: fetchJSON, pageOf: pageOf, blues: blues, typeColour: typeColour, details: details };
})();
