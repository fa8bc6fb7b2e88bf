"""The W3C SPARQL 1.1 query-evaluation tests, run two ways with the same data and the same checks:

- in process: pyoxigraph's Store, the engine alone;
- over HTTP: through our endpoint (data put with the Graph Store Protocol, the query POSTed, the
  result negotiated in the format of the expected result file and parsed back).

Results are compared with the expected ones up to blank node renaming (RDF canonicalization of the
solution table), so the two counts say whether anything is lost between the engine and the client.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import requests
from rdflib import Graph, Namespace
from rdflib.collection import Collection
from rdflib.namespace import RDF

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
DAWGT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#")
KINDS = (MF.QueryEvaluationTest, MF.CSVResultFormatTest)

RESULT_FORMATS = {
    ".srx": ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ".srj": ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ".tsv": ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ".csv": ("text/csv", None),
}
# Outcome of each case, filled by the test module and reported at the end of the run (conftest.py).
OUTCOMES: dict[str, dict[str, object]] = {}
GRAPH_FORMATS = {".ttl": "text/turtle", ".nt": "application/n-triples", ".rdf": "application/rdf+xml"}


@dataclass
class EvalTest:
    name: str
    iri: str
    query: Path
    result: Path
    data: list[Path] = field(default_factory=list)
    graph_data: list[Path] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.query.parent.name}/{self.iri.rsplit('#', 1)[-1]}"


def load_eval_tests(manifest: Path) -> list[EvalTest]:
    graph = Graph()
    graph.parse(manifest, format="turtle", publicID=manifest.resolve().as_uri())
    tests: list[EvalTest] = []
    for node in graph.subjects(RDF.type, MF.Manifest):
        for included in Collection(graph, graph.value(node, MF.include)) if graph.value(node, MF.include) else []:
            tests += load_eval_tests(_path(included))
        entries = graph.value(node, MF.entries)
        for entry in Collection(graph, entries) if entries else []:
            if not any((entry, RDF.type, kind) in graph for kind in KINDS):
                continue
            if graph.value(entry, DAWGT.approval) in (DAWGT.Withdrawn, DAWGT.Rejected):
                continue
            action = graph.value(entry, MF.action)
            result = graph.value(entry, MF.result)
            if action is None or result is None or graph.value(action, QT.query) is None:
                continue
            if graph.value(action, QT.serviceData) is not None:
                continue  # federation tests need remote services
            tests.append(
                EvalTest(
                    str(graph.value(entry, MF.name)),
                    str(entry),
                    _path(graph.value(action, QT.query)),
                    _path(result),
                    sorted(_path(d) for d in graph.objects(action, QT.data)),
                    sorted(_path(g) for g in graph.objects(action, QT.graphData)),
                )
            )
    return tests


def _path(node: object) -> Path:
    return Path(str(node).removeprefix("file://"))


def _iri(path: Path) -> str:
    return path.resolve().as_uri()


def _rdf_format(path: Path) -> ox.RdfFormat:
    rdf_format = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
    assert rdf_format is not None, path
    return rdf_format


# --- canonical forms of results -------------------------------------------------------------------------

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {
    XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
    )
}
_FLOATS = {XSD + "double", XSD + "float"}


def _normalize(term: object) -> object:
    """Numeric literals by value ("3.0E4" and "30000" are the same xsd:double), the rest as is."""
    if not isinstance(term, ox.Literal):
        return term
    datatype = term.datatype.value
    try:
        if datatype in _INTEGERS:
            return ox.Literal(str(int(term.value)), datatype=term.datatype)
        if datatype == XSD + "decimal":
            value = Decimal(term.value).normalize()
            return ox.Literal(format(value, "f"), datatype=term.datatype)
        if datatype in _FLOATS:
            return ox.Literal(repr(float(term.value.replace("INF", "inf"))), datatype=term.datatype)
    except (ValueError, ArithmeticError):
        return term
    return term


def canonical_solutions(rows: list[dict[str, object]]) -> frozenset[str]:
    """A solution multiset as a canonical set of quads: equal iff equal up to blank node renaming."""
    dataset = ox.Dataset()
    marker = ox.NamedNode("urn:x-w3c-eval:row")
    for row in rows:
        node = ox.BlankNode()
        dataset.add(ox.Quad(node, marker, ox.Literal("row")))
        for name, term in row.items():
            value = _normalize(term)
            dataset.add(ox.Quad(node, ox.NamedNode("urn:x-w3c-eval:var:" + name), value))  # type: ignore[arg-type]
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return frozenset(str(quad) for quad in dataset)


def canonical_graph(triples: list[ox.Triple]) -> frozenset[str]:
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, _normalize(t.object)) for t in triples)  # type: ignore[arg-type]
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return frozenset(str(quad) for quad in dataset)


def canonical(result: object) -> tuple[str, object]:
    if isinstance(result, ox.QueryBoolean):
        return ("boolean", bool(result))
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = [{n: s[n] for n in names if s[n] is not None} for s in result]
        return ("solutions", canonical_solutions(rows))
    if isinstance(result, ox.QueryTriples):
        return ("graph", canonical_graph(list(result)))
    raise TypeError(type(result))


def canonical_csv(data: bytes) -> tuple[str, object]:
    """CSV is lossy: compare its rows as text, with blank node labels made alike."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    header, body = rows[0], rows[1:]
    return (
        "csv",
        sorted(
            tuple(
                sorted(
                    (name, "_:b" if value.startswith("_:") else value) for name, value in zip(header, row, strict=True)
                )
            )
            for row in body
        ),
    )


def expected_result(test: EvalTest) -> tuple[str, object]:
    suffix = test.result.suffix
    data = test.result.read_bytes()
    if suffix == ".csv":
        return canonical_csv(data)
    if suffix in RESULT_FORMATS:
        return canonical(ox.parse_query_results(data, format=RESULT_FORMATS[suffix][1]))
    triples = [q.triple for q in ox.parse(data, format=_rdf_format(test.result), base_iri=_iri(test.result))]
    if any(t.object == RESULT_SET for t in triples):
        return _result_set(triples)
    return ("graph", canonical_graph(triples))


RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
RESULT_SET = ox.NamedNode(RS + "ResultSet")


def _result_set(triples: list[ox.Triple]) -> tuple[str, object]:
    """A result set written in RDF with the old DAWG result-set vocabulary."""
    by_subject: dict[object, list[ox.Triple]] = {}
    for triple in triples:
        by_subject.setdefault(triple.subject, []).append(triple)
    root = next(t.subject for t in triples if t.object == RESULT_SET)
    for triple in by_subject[root]:
        if triple.predicate.value == RS + "boolean":
            return ("boolean", triple.object.value == "true")
    rows = []
    for triple in by_subject[root]:
        if triple.predicate.value != RS + "solution":
            continue
        row = {}
        for binding in by_subject.get(triple.object, []):
            if binding.predicate.value != RS + "binding":
                continue
            parts = {t.predicate.value: t.object for t in by_subject[binding.object]}
            row[parts[RS + "variable"].value] = parts[RS + "value"]
        rows.append(row)
    return ("solutions", canonical_solutions(rows))


# --- the two ways of running ---------------------------------------------------------------------------


def run_in_process(test: EvalTest) -> tuple[str, object]:
    store = ox.Store()
    for path in test.data:
        store.load(path=str(path), format=_rdf_format(path), base_iri=_iri(path), to_graph=ox.DefaultGraph())
    for path in test.graph_data:
        store.load(path=str(path), format=_rdf_format(path), base_iri=_iri(path), to_graph=ox.NamedNode(_iri(path)))
    result = store.query(test.query.read_text(encoding="utf-8"), base_iri=_iri(test.query))
    if test.result.suffix == ".csv":
        assert isinstance(result, ox.QuerySolutions)
        return canonical_csv(result.serialize(format=ox.QueryResultsFormat.CSV))
    return canonical(result)


def _ntriples(path: Path) -> bytes:
    triples = [q.triple for q in ox.parse(path=str(path), format=_rdf_format(path), base_iri=_iri(path))]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def run_over_http(
    test: EvalTest, base_url: str, headers: dict[str, str], session: requests.Session
) -> tuple[str, object]:
    update = {**headers, "Content-Type": "application/sparql-update"}
    session.post(base_url + "/sparql", data=b"DROP ALL", headers=update, timeout=60).raise_for_status()
    put = {**headers, "Content-Type": "application/n-triples"}
    for path in test.data:
        session.post(base_url + "/store?default", data=_ntriples(path), headers=put, timeout=60).raise_for_status()
    for path in test.graph_data:
        url = f"{base_url}/store?graph={quote(_iri(path), safe='')}"
        session.put(url, data=_ntriples(path), headers=put, timeout=60).raise_for_status()
    suffix = test.result.suffix
    if suffix in RESULT_FORMATS:
        accept = RESULT_FORMATS[suffix][0]
    else:  # a graph, or a result set written in RDF: either kind of answer will do
        accept = f"{GRAPH_FORMATS[suffix]}, application/sparql-results+json;q=0.9"
    # The harness, not the endpoint, knows the query's own IRI: give it as BASE, as in process.
    body = f"BASE <{_iri(test.query)}>\n".encode() + test.query.read_bytes()
    response = session.post(
        base_url + "/sparql",
        data=body,
        timeout=60,
        headers={"Content-Type": "application/sparql-query", "Accept": accept},
    )
    if response.status_code != 200:
        raise AssertionError(f"HTTP {response.status_code}: {response.text[:300]}")
    media_type = response.headers["Content-Type"].split(";")[0].strip()
    if media_type == "text/csv":
        return canonical_csv(response.content)
    for _, (kind, results_format) in RESULT_FORMATS.items():
        if kind == media_type and results_format is not None:
            return canonical(ox.parse_query_results(response.content, format=results_format))
    rdf_format = ox.RdfFormat.from_media_type(media_type)
    assert rdf_format is not None, media_type
    return ("graph", canonical_graph([q.triple for q in ox.parse(response.content, format=rdf_format)]))


def passes(run: object, expected: tuple[str, object]) -> tuple[bool, str]:
    try:
        actual = run() if callable(run) else run
    except Exception as exc:  # noqa: BLE001 - an error is a failed test
        return False, f"{type(exc).__name__}: {str(exc)[:300]}"
    return actual == expected, "" if actual == expected else f"got {actual!r:.300}"
