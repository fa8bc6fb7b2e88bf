/* A small world map on a page that lists States (a State's page, a question's answer about States): each
   figure.state-map shades the States of its data-states (IRIs, space-separated), and darker the one of
   data-focus; the page's own list or table names them (the map is a picture of it). */
"use strict";
(function () {
  var figures = document.querySelectorAll("figure.state-map[data-states]");
  if (!figures.length || !window.fetch || !window.topojson || !window.ISCMWorld) { return; }
  var SVGNS = "http://www.w3.org/2000/svg";
  function json(url) { return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) { return r.json(); }); }
  Promise.all([json("/vendor/networks/countries-110m.json"), json("/api/networks/state_iscm")]).then(function (res) {
    var features = topojson.feature(res[0], res[0].objects.countries).features;
    var numeric = {};
    res[1].nodes.forEach(function (n) { if (n.numeric) { numeric[n.id] = n.numeric; } });
    figures.forEach(function (figure) {
      var shaded = {}, focus = numeric[figure.dataset.focus || ""];
      figure.dataset.states.split(" ").forEach(function (iri) { if (numeric[iri]) { shaded[numeric[iri]] = true; } });
      var svg = document.createElementNS(SVGNS, "svg");
      svg.setAttribute("viewBox", "0 0 " + window.ISCMWorld.W + " " + window.ISCMWorld.H);
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", figure.dataset.label || "World map");
      features.forEach(function (f) {
        var path = document.createElementNS(SVGNS, "path");
        path.setAttribute("d", window.ISCMWorld.pathOf(f.geometry));
        path.setAttribute("fill", f.id === focus ? "#08306b" : shaded[f.id] ? "#4a90d9" : "#e2e8f0");
        path.setAttribute("stroke", "#fff");
        path.setAttribute("stroke-width", "0.4");
        svg.appendChild(path);
      });
      figure.insertBefore(svg, figure.firstChild);
      figure.dataset.drawn = String(Object.keys(shaded).length);
    });
  });
})();
