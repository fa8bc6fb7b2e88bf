/* The world map's geometry, shared by the world map page and the small maps of State and question pages:
   world-atlas country shapes (TopoJSON, ISO numeric ids) as SVG paths in the Equal Earth projection. */
"use strict";
window.ISCMWorld = (function () {
  var W = 960, H = 470;
  function project(lon, lat) {  /* Equal Earth (Šavrič, Patterson, Jenny 2018) */
    var A1 = 1.340264, A2 = -0.081106, A3 = 0.000893, A4 = 0.003796, M = Math.sqrt(3) / 2;
    var l = lon * Math.PI / 180, p = lat * Math.PI / 180, t = Math.asin(M * Math.sin(p));
    var t2 = t * t, t6 = t2 * t2 * t2;
    var x = l * Math.cos(t) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)));
    var y = t * (A1 + A2 * t2 + t6 * (A3 + A4 * t2));
    return [W / 2 + x * 175, H / 2 - y * 175];
  }
  function pathOf(geometry) {
    if (!geometry) { return ""; }
    var polys = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    return polys.map(function (poly) {
      return poly.map(function (ring) {
        var prev = null;
        return ring.map(function (pt) {  /* a jump across the antimeridian starts a new piece: no streaks */
          var q = project(pt[0], pt[1]), cmd = prev === null || Math.abs(pt[0] - prev) > 180 ? "M" : "L";
          prev = pt[0];
          return cmd + q[0].toFixed(1) + "," + q[1].toFixed(1);
        }).join("") + "Z";
      }).join("");
    }).join("");
  }
  return { W: W, H: H, pathOf: pathOf };
})();
