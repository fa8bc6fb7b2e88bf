"""Which RDF dataset an endpoint gives a query: 26 COUNT queries (plain, GRAPH ?g, GRAPH <g>, FROM, FROM NAMED,
default-graph-uri / named-graph-uri, both at once) on an endpoint loaded with the release, against pyoxigraph
in process with the semantics our endpoint is to serve (default graph: the SET union of the named graphs).

    python -m tests.server.dataset_semantics ENDPOINT_URL [--prefix TEXT] [--union-parameter NAME=VALUE]

--prefix is put before every query (e.g. Virtuoso `define` pragmas); --union-parameter is sent with the
queries that name no dataset (e.g. default-graph-uri=urn:iscm-kg:union).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pyoxigraph as ox
import requests

ONTOLOGY = "https://w3id.org/iscm/graph/ontology"
DERIVED = "https://w3id.org/iscm/graph/derived"
VIRTRDF = "http://www.openlinksw.com/schemas/virtrdf#"
UNION = "urn:iscm-kg:union"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE"
GRAPHS = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE"
# (label, query, protocol default graphs, protocol named graphs); None: no protocol dataset
CASES: list[tuple[str, str, list[str] | None, list[str] | None]] = [
    ("plain count", f"{COUNT} {{ ?s ?p ?o }}", None, None),
    ("plain distinct", f"{COUNT} {{ SELECT DISTINCT ?s ?p ?o WHERE {{ ?s ?p ?o }} }}", None, None),
    ("GRAPH ?g graphs", f"{GRAPHS} {{ GRAPH ?g {{ ?s ?p ?o }} }}", None, None),
    ("GRAPH ?g quads", f"{COUNT} {{ GRAPH ?g {{ ?s ?p ?o }} }}", None, None),
    ("GRAPH ?g {} graphs", f"{GRAPHS} {{ GRAPH ?g {{ }} }}", None, None),
    ("GRAPH <derived>", f"{COUNT} {{ GRAPH <{DERIVED}> {{ ?s ?p ?o }} }}", None, None),
    ("GRAPH <union>", f"{COUNT} {{ GRAPH <{UNION}> {{ ?s ?p ?o }} }}", None, None),
    ("GRAPH <virtrdf#>", f"{COUNT} {{ GRAPH <{VIRTRDF}> {{ ?s ?p ?o }} }}", None, None),
    ("GRAPH <virtrdf#> rows", f"SELECT ?s WHERE {{ GRAPH <{VIRTRDF}> {{ ?s ?p ?o }} }} LIMIT 3", None, None),
    ("ASK GRAPH <ontology> {}", f"ASK {{ GRAPH <{ONTOLOGY}> {{ }} }}", None, None),
    ("ASK GRAPH <none> {}", "ASK { GRAPH <https://example.org/none> { } }", None, None),
    ("FROM <ontology>", f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY}> WHERE {{ ?s ?p ?o }}", None, None),
    (
        "FROM <ontology>, GRAPH ?g",
        f"SELECT (COUNT(DISTINCT ?g) AS ?n) FROM <{ONTOLOGY}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        None,
        None,
    ),
    (
        "FROM NAMED <ontology>, GRAPH ?g",
        f"SELECT (COUNT(DISTINCT ?g) AS ?n) FROM NAMED <{ONTOLOGY}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        None,
        None,
    ),
    (
        "FROM NAMED <ontology>, default",
        f"SELECT (COUNT(*) AS ?n) FROM NAMED <{ONTOLOGY}> WHERE {{ ?s ?p ?o }}",
        None,
        None,
    ),
    ("FROM <union>", f"SELECT (COUNT(*) AS ?n) FROM <{UNION}> WHERE {{ ?s ?p ?o }}", None, None),
    ("dg=ontology", f"{COUNT} {{ ?s ?p ?o }}", [ONTOLOGY], []),
    ("dg=ontology, GRAPH ?g", f"{GRAPHS} {{ GRAPH ?g {{ ?s ?p ?o }} }}", [ONTOLOGY], []),
    ("dg=ontology, GRAPH <derived>", f"{COUNT} {{ GRAPH <{DERIVED}> {{ ?s ?p ?o }} }}", [ONTOLOGY], []),
    ("ng=ontology, default", f"{COUNT} {{ ?s ?p ?o }}", [], [ONTOLOGY]),
    ("ng=ontology, GRAPH ?g", f"{GRAPHS} {{ GRAPH ?g {{ ?s ?p ?o }} }}", [], [ONTOLOGY]),
    ("dg=ontology + FROM <derived>", f"SELECT (COUNT(*) AS ?n) FROM <{DERIVED}> WHERE {{ ?s ?p ?o }}", [ONTOLOGY], []),
    (
        "ng=ontology + FROM NAMED <derived>",
        f"SELECT (COUNT(DISTINCT ?g) AS ?n) FROM NAMED <{DERIVED}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        [],
        [ONTOLOGY],
    ),
    ("no match", f"{COUNT} {{ ?s <urn:nope> ?o }}", None, None),
    (
        "path join",
        "PREFIX iscm: <https://w3id.org/iscm/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        f"{COUNT} {{ ?m a ?c . ?c rdfs:subClassOf* iscm:MigrationDialogue }}",
        None,
        None,
    ),
    (
        "path join, 3 VALUES",
        "PREFIX iscm: <https://w3id.org/iscm/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?s { <https://w3id.org/iscm/id/state/ESP> <https://w3id.org/iscm/id/state/SWE> "
        "<https://w3id.org/iscm/id/state/MAR> } ?s a/rdfs:subClassOf* iscm:Country }",
        None,
        None,
    ),
]


def reference(dist: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(dist / "iscm-kg.nq"), format=ox.RdfFormat.N_QUADS)
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return store


def expected(store: ox.Store, query: str, dg: list[str] | None, ng: list[str] | None) -> str:
    kwargs = (
        {}
        if dg is None
        else {"default_graph": [ox.NamedNode(g) for g in dg], "named_graphs": [ox.NamedNode(g) for g in ng or []]}
    )
    result = store.query(query, **kwargs)
    if isinstance(result, ox.QueryBoolean):
        return str(bool(result)).lower()
    assert isinstance(result, ox.QuerySolutions)
    return ",".join(str(row[0].value) for row in result) or "-"


def answer(url: str, query: str, dg: list[str] | None, ng: list[str] | None, prefix: str, union: str | None) -> str:
    data: dict[str, object] = {"query": f"{prefix} {query}" if prefix else query}
    if dg is not None:
        data["default-graph-uri"], data["named-graph-uri"] = dg, ng or []
    elif union and " FROM " not in query:
        name, _, value = union.partition("=")
        data[name] = value
    response = requests.post(url, data=data, headers={"Accept": "application/sparql-results+json"}, timeout=120)
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    body = response.json()
    if "boolean" in body:
        return str(body["boolean"]).lower()
    name = body["head"]["vars"][0]
    return ",".join(str(b.get(name, {}).get("value", "unbound")) for b in body["results"]["bindings"]) or "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("endpoint")
    parser.add_argument("--dist", type=Path, default=Path("dist"))
    parser.add_argument("--prefix", default="")
    parser.add_argument("--union-parameter")
    args = parser.parse_args()
    store = reference(args.dist)
    print(f"{'case':36} {'set-union':>10} {'endpoint':>10}")
    for label, query, dg, ng in CASES:
        want = expected(store, query, dg, ng)
        got = answer(args.endpoint, query, dg, ng, args.prefix, args.union_parameter)
        print(f"{label:36} {want[:10]:>10} {got[:40]:>10}{'' if want == got else '   <-- differs'}")


if __name__ == "__main__":
    main()
