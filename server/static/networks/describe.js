/* The network panel in words: what a node or an edge of each network means, as sentences with rounded
   numbers, for readers who are not network scientists (the raw attributes stay in the downloads). */
"use strict";
window.ISCM.describe = (function () {
  var I = window.ISCM;
  function plural(n, one, many) { return I.round(n) + " " + (Number(n) === 1 ? one : many); }
  function p(value) { return Number(value).toPrecision(2); }  /* p-values run to 1e-14: two significant digits */
  /* A membership pair's test (docs/networks.md, "The backbone"); empty where the edge has none. */
  function significance(d) {
    if (d.p_value === undefined) { return ""; }
    return (d.backbone === false ? "Not in the backbone" : "In the backbone") + ": p = " + p(d.p_value) +
      ", corrected for testing every pair " + p(d.p_adjusted) +
      " (the chance of sharing this many if memberships were random, each keeping its number of memberships)";
  }
  function list(text) { return String(text || "").split("|").filter(Boolean).join(", "); }
  /* What the node's links say, per network; `roles` counts the roles of the links shown. */
  function links(net, d, roles) {
    var deg = d.deg, mech = d.kind === "mechanism";
    var others = Object.keys(roles).filter(function (r) { return r !== "member"; });
    var otherCount = others.reduce(function (s, r) { return s + roles[r]; }, 0);
    var otherText = otherCount ? plural(otherCount, "more", "more") + " in another role (" + others.join(", ") + ")" : "";
    switch (net) {
      case "state_iscm":
        return mech ? [plural(roles.member || 0, "member State or territory", "member States and territories"), otherText]
          : ["Member of " + plural(roles.member || 0, "ISCM", "ISCMs"), otherText];
      case "shared_membership":
        return [d.members !== undefined ? "Has " + plural(d.members, "member State", "member States and territories") : "",
                "Shares members with " + plural(deg, "ISCM", "ISCMs")];
      case "iscm_backbone":
        return [d.members !== undefined ? "Has " + plural(d.members, "member State", "member States and territories") : "",
                "Shares more members than chance with " + plural(deg, "ISCM", "ISCMs")];
      case "co_membership":
        return ["Member of " + plural(d.iscms, "ISCM", "ISCMs"),
                "Shares an ISCM with " + plural(deg, "State or territory", "States and territories")];
      case "state_backbone":
        return ["Member of " + plural(d.iscms, "ISCM", "ISCMs"),
                "Shares more ISCMs than chance with " + plural(deg, "State or territory", "States and territories")];
      case "thematic_similarity":
        return ["Has " + plural(d.theme_count, "Annex 10 theme", "Annex 10 themes"),
                "Shares themes with " + plural(deg, "ISCM", "ISCMs")];
      case "cooperation":
        return ["Documented cooperation with " + plural(deg, "mechanism", "mechanisms")];
      case "iscm_organization":
        return [mech ? "Served by " + plural(deg, "organization", "organizations") : "Serves " + plural(deg, "mechanism", "mechanisms")];
      case "synergy":
        return ["Has a synergy score with " + plural(deg, "ISCM", "ISCMs")];
      default:
        return ["Linked to " + plural(deg, "node", "nodes")];
    }
  }
  function node(net, d, roles, communityName) {
    var lines = [I.typeName(d)];
    if (d.region) { lines.push("Region: " + d.region + (d.subregion ? " (" + d.subregion + ")" : "")); }
    if (d.regions) { lines.push("Covers: " + list(d.regions)); }
    lines = lines.concat(links(net, d, roles));
    if (communityName) { lines.push("Group (community): " + communityName + " — nodes more tied to each other than to the rest"); }
    if (d.communities_reached > 1) {
      lines.push("Its links reach " + d.communities_reached + " groups (participation " + I.round(d.participation) +
                 ": 0 = all in one group, near 1 = spread evenly)");
    }
    if (d.eigenvector !== undefined) {
      lines.push("Centrality (eigenvector): " + I.round(d.eigenvector) + " — higher means linked to nodes that are themselves well linked (largest 1)");
    }
    if (d.betweenness !== undefined) {
      lines.push("Go-between (betweenness): " + I.round(d.betweenness) + " — higher means more of the shortest paths between others pass through it (0 to 1)");
    }
    if (d.articulation === true) { lines.push("Removing it would split the network in two"); }
    return lines.filter(Boolean);
  }
  function edge(net, d, a, b) {
    switch (net) {
      case "state_iscm":
      case "iscm_organization":
        return [a + " is " + (d.role || "linked") + " of " + b + (d.as_of ? " (as of " + d.as_of + ")" : ""),
                d.roles && d.roles !== d.role ? "All roles: " + list(d.roles) : ""];
      case "shared_membership":
      case "iscm_backbone":
        return ["Share " + plural(d.shared, "member State", "member States and territories") + ": " + list(d.members),
                "Jaccard index " + I.round(d.jaccard) + " (shared members out of all their members; 1 = the same members)",
                "Overlap coefficient " + I.round(d.overlap) + " (1 = every member of the smaller is in the larger)",
                significance(d)];
      case "co_membership":
      case "state_backbone":
        return ["Both are members of " + plural(d.weight, "ISCM", "ISCMs") + ": " + list(d.iscms), significance(d)];
      case "thematic_similarity":
        return ["Share " + plural(d.shared, "theme", "themes") + ": " + list(d.themes).replace(/-/g, " "),
                "Thematic similarity " + I.round(d.weight) + " (Jaccard index of their themes)"];
      case "cooperation":
        return [plural(d.weight, "documented cooperation", "documented cooperations") + (d.kinds ? ": " + list(d.kinds).replace(/-/g, " ") : "")];
      case "synergy":
        return ["Synergy score " + I.round(d.synergy) + " (0 to 1; formula in docs/networks.md)",
                "Share " + plural(d.shared_members, "member State", "member States") + ", " + plural(d.shared_themes, "theme", "themes") +
                  ", " + plural(d.shared_organizations, "organization", "organizations"),
                d.cooperation ? "A cooperation between them is documented" : "No documented cooperation"];
      default:
        return ["Weight " + I.round(d.weight)];
    }
  }
  function html(lines) {
    return '<ul class="net-facts">' + lines.filter(Boolean).map(function (l) { return "<li>" + I.esc(l) + "</li>"; }).join("") + "</ul>";
  }
  return { node: node, edge: edge, html: html };
})();
