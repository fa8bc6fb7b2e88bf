/* The ISCM x ISCM overlap heatmap: an HTML table coloured by the chosen measure, its values written in the
   cells, the ISCMs in the similarity order the analysis exports (graph.orders: similar ISCMs side by side,
   iscm_kg/analysis/readable.py), a colour scale, and the same pairs as a plain table. */
"use strict";
(function () {
  var I = window.ISCM;
  var status = document.getElementById("heat-status");
  var select = document.getElementById("heat-measure");
  var target = document.getElementById("heatmap");
  var STEPS = 5;
  function scale(max, fmt) {
    var items = [];
    for (var i = 0; i < STEPS; i += 1) { var v = max * i / (STEPS - 1); items.push({ colour: v ? I.blues(v / max) : "#fff", text: fmt(v) }); }
    return "<p>Colour scale (" + I.esc(select.options[select.selectedIndex].text) + "):</p>" + I.legend(items);
  }
  function draw() {
    var parts = select.value.split(":"), name = parts[0], attr = parts[1];
    var fmt = attr === "shared" ? function (v) { return String(Math.round(v)); } : function (v) { return Number(v).toFixed(2); };
    status.textContent = "Loading…";
    document.body.dataset.heatReady = "0";
    I.fetchJSON("/api/networks/" + name).then(function (net) {
      var order = ((net.graph && net.graph.orders) || {})[attr] || [];
      var rank = {};
      order.forEach(function (id, i) { rank[id] = i; });
      var iscms = net.nodes.filter(function (n) { return n.kind === "mechanism" && n.iscm; })
        .sort(function (a, b) { return (rank[a.id] - rank[b.id]) || (a.short || "").localeCompare(b.short || ""); });
      var shown = {}, value = {}, max = 0, pairs = [];
      iscms.forEach(function (m) { shown[m.id] = m; });
      net.edges.forEach(function (e) {
        if (!shown[e.source] || !shown[e.target]) { return; }
        var v = Number(e[attr] || 0);
        value[e.source + " " + e.target] = value[e.target + " " + e.source] = e;
        max = Math.max(max, v);
        pairs.push(e);
      });
      var head = '<tr><td></td>' + iscms.map(function (m) { return '<th scope="col" class="rot"><span>' + I.esc(m.short) + "</span></th>"; }).join("") + "</tr>";
      var rows = iscms.map(function (a) {
        return '<tr><th scope="row"><a href="' + I.esc(I.pageOf(a.id)) + '">' + I.esc(a.short) + "</a></th>" + iscms.map(function (b) {
          if (a.id === b.id) { return '<td class="diag"></td>'; }
          var e = value[a.id + " " + b.id], v = e ? Number(e[attr] || 0) : 0, t = max ? v / max : 0;
          var tip = a.short + " × " + b.short + ": " + fmt(v) + (e && e.shared !== undefined ? ", shared " + e.shared : "");
          return '<td class="cell' + (t > 0.55 ? " dark" : "") + '" title="' + I.esc(tip) + '" data-value="' + v + '" style="background:' +
            (v ? I.blues(t) : "#fff") + '">' + (v ? fmt(v) : "") + "</td>";
        }).join("") + "</tr>";
      }).join("");
      var measure = select.options[select.selectedIndex].text;
      target.innerHTML = '<table class="heatmap"><caption>' + I.esc(measure) + " between " + iscms.length +
        " ISCMs, similar ones side by side (darkest: " + fmt(max) + "; empty: nothing in common)</caption><thead>" + head +
        "</thead><tbody>" + rows + "</tbody></table>";
      document.getElementById("heat-legend").innerHTML = scale(max, fmt);
      pairs.sort(function (a, b) { return Number(b[attr] || 0) - Number(a[attr] || 0) || shown[a.source].short.localeCompare(shown[b.source].short); });
      document.getElementById("heat-table").innerHTML = I.table(
        "The " + pairs.length + " pairs of ISCMs with a value, largest first: " + measure,
        ["ISCM", "ISCM", measure], pairs.map(function (e) {
          return [I.esc(shown[e.source].short), I.esc(shown[e.target].short), fmt(Number(e[attr] || 0))];
        }));
      status.textContent = iscms.length + " ISCMs, " + pairs.length + " pairs with a value";
      document.body.dataset.heatReady = "1";
    }).catch(function (err) { status.textContent = "Could not load: " + err.message; });
  }
  select.addEventListener("change", draw);
  draw();
})();
