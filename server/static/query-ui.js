// The query editor page: YASGUI on our endpoint, the queries/ files as examples, result IRIs to our pages.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("query-ui-config").textContent);
  var Yasgui = window.Yasgui && (window.Yasgui.default || window.Yasgui);
  if (!Yasgui) { return; }
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var examples = {};
  config.examples.forEach(function (e) { examples[e.name] = e; });

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,          // every visit starts from the URL or the first example
    populateFromUrl: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    // the query itself in view, its PREFIX lines folded into one
    yasqe: { value: config.examples.length ? config.examples[0].query : "SELECT * WHERE { ?s ?p ?o } LIMIT 10",
             collapsePrefixesOnLoad: true },
    yasr: { prefixes: config.prefixes }
  });

  function openExample(name) {
    var e = examples[name];
    if (!e) { return; }
    var tab = yasgui.addTab(true, {
      name: e.title.length > 40 ? e.title.slice(0, 38) + "…" : e.title,
      yasqe: { value: e.query, collapsePrefixesOnLoad: true },
      requestConfig: { endpoint: endpoint, method: "POST" }
    });
    yasgui.selectTabId(tab.getId());
    var yasqe = tab.getYasqe && tab.getYasqe();
    if (yasqe) { yasqe.focus(); }
  }
  document.getElementById("examples").addEventListener("click", function (event) {
    var button = event.target.closest("button.example");
    if (button) { openExample(button.getAttribute("data-name")); }
  });

  // Result IRIs under the dataset's base open our pages, not the (possibly unresolvable) base host.
  function localHref(iri) {
    if (iri.indexOf(config.base) !== 0) { return null; }
    var rest = iri.slice(config.base.length);
    if (rest.indexOf("id/") === 0 || rest.indexOf("graph/") === 0) { return "/page/" + rest; }
    if (rest.indexOf("ontology#") === 0) { return "/ontology.html#" + rest.slice(9); }
    return "/" + rest;
  }
  function rewrite(root) {
    var links = root.querySelectorAll ? root.querySelectorAll("a[href]") : [];
    Array.prototype.forEach.call(links, function (a) {
      var local = localHref(a.getAttribute("href"));
      if (local) { a.setAttribute("href", local); a.removeAttribute("target"); }
    });
  }
  // What YASGUI's widgets lack for screen readers and the keyboard (axe-core, tests/web/test_accessibility.py):
  // names for the editor and the endpoint box, and a focusable scrolling editor. (Its tab list holds an "add a
  // tab" button, which a tab list may not: site.css hides it; the examples open new tabs.)
  function accessible(root) {
    root.querySelectorAll(".CodeMirror textarea:not([aria-label])").forEach(function (t) {
      t.setAttribute("aria-label", "SPARQL query");
    });
    root.querySelectorAll("input.autocomplete:not([aria-label])").forEach(function (i) {
      i.setAttribute("aria-label", "SPARQL endpoint");
    });
    root.querySelectorAll(".CodeMirror-scroll:not([tabindex=\"0\"])").forEach(function (s) { s.setAttribute("tabindex", "0"); });
  }
  var area = document.getElementById("yasgui");
  accessible(area);
  new MutationObserver(function (mutations) {
    mutations.forEach(function (m) { m.addedNodes.forEach(function (n) { if (n.nodeType === 1) { rewrite(n); } }); });
    accessible(area);
  }).observe(area, { childList: true, subtree: true });
})();
