/* The State x ISCM membership matrix, from the State-ISCM network. */
"use strict";
(function () {
  var I = window.ISCM;
  var status = document.getElementById("matrix-status");
  var regionInput = document.getElementById("matrix-region");
  var target = document.getElementById("matrix");
  var CODES = { member: "M", observer: "O", partner: "P", participant: "p", "former-member": "F" };
  document.getElementById("matrix-legend").innerHTML = I.legend([
    { colour: "#08306b", text: "M member" }, { colour: "#f0a500", text: "O observer" },
    { colour: "#9ecae1", text: "P partner, p participant" }, { colour: "#ddd", text: "F former member" }]);
  I.fetchJSON("/api/networks/state_iscm").then(function (net) {
    var iscms = net.nodes.filter(function (n) { return n.kind === "mechanism"; }).sort(function (a, b) { return (a.short || "").localeCompare(b.short || ""); });
    var parties = net.nodes.filter(function (n) { return n.kind !== "mechanism"; });
    var role = {}, members = {}, regions = {};
    net.edges.forEach(function (e) {
      role[e.source + " " + e.target] = role[e.target + " " + e.source] = e.role;
      if (e.role === "member") { var p = e.source.indexOf("/state/") >= 0 ? e.source : e.target; members[p] = (members[p] || 0) + 1; }
    });
    parties.forEach(function (p) { [p.region, p.subregion].forEach(function (r) { if (r) { regions[r] = 1; } }); });
    document.getElementById("matrix-regions").innerHTML = Object.keys(regions).sort().map(function (r) { return '<option value="' + I.esc(r) + '">'; }).join("");
    parties.sort(function (a, b) { return (members[b.id] || 0) - (members[a.id] || 0) || a.label.localeCompare(b.label); });
    function draw() {
      var r = regionInput.value.trim().toLowerCase();
      var shown = parties.filter(function (p) { return !r || [p.region, p.subregion].some(function (x) { return String(x || "").toLowerCase() === r; }); });
      var head = '<tr><th scope="col">State</th><th scope="col"><abbr title="number of ISCMs as member">#</abbr></th>' +
        iscms.map(function (m) { return '<th scope="col" class="rot"><span>' + I.esc(m.short) + "</span></th>"; }).join("") + "</tr>";
      var rows = shown.map(function (p) {
        return '<tr><th scope="row"><a href="' + I.esc(I.pageOf(p.id)) + '">' + I.esc(p.label) + '</a></th><td class="num">' + (members[p.id] || 0) + "</td>" +
          iscms.map(function (m) { var x = role[p.id + " " + m.id]; return x ? '<td class="role role-' + I.esc(x) + '" title="' + I.esc(p.label + ": " + x + " of " + m.short) + '"><abbr title="' + I.esc(x) + '">' + CODES[x] + "</abbr></td>" : "<td></td>"; }).join("") + "</tr>";
      }).join("");
      target.innerHTML = '<table class="matrix"><caption>The ' + shown.length + " States and territories" + (r ? " in " + I.esc(regionInput.value.trim()) : "") +
        " (rows) and their role in each of the " + iscms.length + " ISCMs (columns)</caption><thead>" + head + "</thead><tbody>" + rows + "</tbody></table>";
      status.textContent = shown.length + " States and territories × " + iscms.length + " ISCMs";
      document.body.dataset.matrixReady = "1";
    }
    regionInput.addEventListener("change", draw);
    draw();
  }).catch(function (err) { status.textContent = "Could not load: " + err.message; });
})();
