/* The world map: world-atlas country shapes (TopoJSON, ISO numeric ids) drawn as SVG in the Equal Earth
   projection, shaded by the number of ISCMs; the data is the State-ISCM network of /api/networks. */
"use strict";
(function () {
  var I = window.ISCM;
  var status = document.getElementById("map-status");
  var panel = document.getElementById("map-details");
  var countSel = document.getElementById("map-count");
  var iscmSel = document.getElementById("map-iscm");
  var SVGNS = "http://www.w3.org/2000/svg";

  var pathOf = window.ISCMWorld.pathOf, W = window.ISCMWorld.W, H = window.ISCMWorld.H;
  Promise.all([I.fetchJSON("/vendor/networks/countries-110m.json"), I.fetchJSON("/api/networks/state_iscm")]).then(function (res) {
    var world = res[0], net = res[1];
    var features = topojson.feature(world, world.objects.countries).features;
    var byNumeric = {}, mechanisms = {}, parties = {};
    net.nodes.forEach(function (n) {
      if (n.kind === "mechanism") { mechanisms[n.id] = n; } else { parties[n.id] = n; if (n.numeric) { byNumeric[n.numeric] = n; } }
    });
    var links = {};  /* party -> [{mechanism, role}] */
    net.edges.forEach(function (e) {
      var p = parties[e.source] ? e.source : e.target, m = p === e.source ? e.target : e.source;
      (links[p] = links[p] || []).push({ mechanism: m, role: e.role });
    });
    Object.keys(mechanisms).sort(function (a, b) { return (mechanisms[a].short || "").localeCompare(mechanisms[b].short || ""); })
      .forEach(function (m) { var o = document.createElement("option"); o.value = m; o.textContent = mechanisms[m].short || mechanisms[m].label; iscmSel.appendChild(o); });
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "World map of ISCM participation: States shaded by their number of ISCMs; the table below lists the same numbers");
    svg.setAttribute("aria-describedby", "map-legend");
    var shapes = [];
    features.forEach(function (f) {
      var path = document.createElementNS(SVGNS, "path");
      path.setAttribute("d", pathOf(f.geometry));
      path.setAttribute("class", "country");
      var party = byNumeric[f.id];
      path.dataset.name = party ? party.label : (f.properties && f.properties.name) || "";
      if (party) { path.dataset.party = party.id; }
      var title = document.createElementNS(SVGNS, "title");
      path.appendChild(title);
      path.addEventListener("click", function () { select(party, path.dataset.name); });
      svg.appendChild(path);
      shapes.push({ path: path, party: party, title: title });
    });
    document.getElementById("map").appendChild(svg);

    function count(party) {
      var own = links[party.id] || [];
      return countSel.value === "any" ? own.length : own.filter(function (l) { return l.role === "member"; }).length;
    }
    function paint() {
      var chosen = iscmSel.value, max = 1;
      shapes.forEach(function (s) { if (s.party) { max = Math.max(max, count(s.party)); } });
      shapes.forEach(function (s) {
        var n = s.party ? count(s.party) : 0, fill = s.party && n ? I.blues(0.15 + 0.85 * n / max) : "#eceff1";
        var role = "";
        if (chosen && s.party) {
          (links[s.party.id] || []).forEach(function (l) { if (l.mechanism === chosen) { role = l.role; } });
          fill = role === "member" ? "#08306b" : role ? "#f0a500" : "#eceff1";
        }
        s.path.setAttribute("fill", fill);
        s.path.dataset.count = String(n);
        s.path.dataset.role = role;
        s.title.textContent = s.path.dataset.name + (s.party ? ": " + n + " ISCMs" + (role ? " (" + role + " of the chosen ISCM)" : "") : "");
      });
      /* At most about six steps of the scale, the largest value always among them. */
      var step = Math.max(1, Math.ceil(max / 6)), values = [];
      for (var k = 1; k < max; k += step) { values.push(k); }
      values.push(max);
      var steps = values.map(function (k) { return { colour: I.blues(0.15 + 0.85 * k / max), text: k + (k === 1 ? " ISCM" : " ISCMs") }; });
      document.getElementById("map-legend").innerHTML = chosen
        ? I.legend([{ colour: "#08306b", text: "member of " + (mechanisms[chosen].short || mechanisms[chosen].label) },
                    { colour: "#f0a500", text: "observer, partner, participant or former member" }, { colour: "#eceff1", text: "not part of it" }])
        : "<p>Colour: the number of ISCMs a State or territory takes part in (" + (countSel.value === "any" ? "in any role" : "as member") + ")</p>" +
          I.legend([{ colour: "#eceff1", text: "none or no data" }].concat(steps));
      status.textContent = chosen ? (mechanisms[chosen].label + ": " + shapes.filter(function (s) { return s.path.dataset.role; }).length + " States on the map")
        : "States shaded by the number of ISCMs (" + (countSel.value === "any" ? "any role" : "as member") + "); darkest: " + max;
      document.body.dataset.mapReady = "1";
    }
    function select(party, name) {
      if (!party) { panel.innerHTML = "<h2>" + I.esc(name) + "</h2><p>No ISCM participation recorded.</p>"; return; }
      var items = (links[party.id] || []).slice().sort(function (a, b) { return a.role.localeCompare(b.role) || (mechanisms[a.mechanism].short || "").localeCompare(mechanisms[b.mechanism].short || ""); });
      panel.innerHTML = "<h2>" + I.esc(party.label) + '</h2><p><a href="' + I.esc(I.pageOf(party.id)) + '">Open its page</a></p><ul id="state-iscms">' +
        items.map(function (l) { var m = mechanisms[l.mechanism]; return '<li><a href="' + I.esc(I.pageOf(m.id)) + '">' + I.esc(m.short || m.label) + "</a> (" + I.esc(l.role) + ")</li>"; }).join("") + "</ul>";
    }
    /* The same data as the map, as rows: every State and territory of the network with its counts. */
    var partyList = Object.keys(parties).map(function (id) { return parties[id]; }).sort(function (a, b) { return a.label.localeCompare(b.label); });
    document.getElementById("map-table").innerHTML = I.table(
      "The " + partyList.length + " States and territories on the map, with the number of ISCMs they take part in",
      ["State or territory", "Region", "ISCMs as member", "ISCMs in any role"], partyList.map(function (p) {
        var own = links[p.id] || [];
        return ['<a href="' + I.esc(I.pageOf(p.id)) + '">' + I.esc(p.label) + "</a>", I.esc(p.subregion || p.region || ""),
                String(own.filter(function (l) { return l.role === "member"; }).length), String(own.length)];
      }));
    countSel.addEventListener("change", paint);
    iscmSel.addEventListener("change", paint);
    paint();
  }).catch(function (err) { status.textContent = "Could not draw the map: " + err.message; });
})();
