/* The ISCM x ISCM overlap heatmap: an HTML table coloured by the chosen measure. */
"use strict";
(function () {
  var I = window.ISCM;
  var status = document.getElementById("heat-status");
  var select = document.getElementById("heat-measure");
  var target = document.getElementById("heatmap");
  function draw() {
    var parts = select.value.split(":"), name = parts[0], attr = parts[1];
    status.textContent = "Loading…";
    I.fetchJSON("/api/networks/" + name).then(function (net) {
      var iscms = net.nodes.filter(function (n) { return n.kind === "mechanism" && n.iscm; })
        .sort(function (a, b) { return (a.short || "").localeCompare(b.short || ""); });
      var value = {}, max = 0;
      net.edges.forEach(function (e) {
        var v = Number(e[attr] || 0);
        value[e.source + " " + e.target] = value[e.target + " " + e.source] = e;
        max = Math.max(max, v);
      });
      var head = "<tr><th></th>" + iscms.map(function (m) { return '<th class="rot"><span>' + I.esc(m.short) + "</span></th>"; }).join("") + "</tr>";
      var rows = iscms.map(function (a) {
        return '<tr><th scope="row"><a href="' + I.esc(I.pageOf(a.id)) + '">' + I.esc(a.short) + "</a></th>" + iscms.map(function (b) {
          if (a.id === b.id) { return '<td class="diag"></td>'; }
          var e = value[a.id + " " + b.id], v = e ? Number(e[attr] || 0) : 0;
          var tip = a.short + " × " + b.short + ": " + attr + " " + v + (e && e.shared !== undefined ? ", shared " + e.shared : "");
          return '<td class="cell" title="' + I.esc(tip) + '" data-value="' + v + '" style="background:' + (v ? I.blues(max ? v / max : 0) : "#fff") + '"></td>';
        }).join("") + "</tr>";
      }).join("");
      target.innerHTML = '<table class="heatmap"><caption>' + I.esc(select.options[select.selectedIndex].text) + " (darkest: " + max + ")</caption><thead>" + head + "</thead><tbody>" + rows + "</tbody></table>";
      status.textContent = iscms.length + " ISCMs";
      document.body.dataset.heatReady = "1";
    }).catch(function (err) { status.textContent = "Could not load: " + err.message; });
  }
  select.addEventListener("change", draw);
  draw();
})();
