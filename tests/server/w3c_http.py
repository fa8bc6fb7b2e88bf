"""A runner for the W3C tests written as HTTP exchanges (SPARQL Protocol, Graph Store Protocol).

It reads the manifests itself (the W3C ``ht:`` HTTP-in-RDF vocabulary): each test is a list of
requests, each with its expected status(es), result kind, boolean, Location, Content-Type and body.
Paths starting with /sparql/ and /gsp are rewritten to our endpoint (/sparql) and graph store (/store).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import requests
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
STATUS = "http://www.w3.org/2011/http-statusCodes#"
NAMED_STATUSES = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404, "BadRequest": 400}


@dataclass
class Expected:
    statuses: list[str]
    result_format: str | None = None
    boolean: bool | None = None
    location: str | None = None
    content_type: str | None = None
    body: str | None = None

    def status_ok(self, status: int) -> bool:
        for name in self.statuses:
            match = re.fullmatch(r"StatusCode(\d)xx", name)
            if match and status // 100 == int(match.group(1)):
                return True
            if NAMED_STATUSES.get(name) == status:
                return True
        return False


@dataclass
class Exchange:
    method: str
    path: str
    headers: list[tuple[str, str]]
    body: bytes | None
    expected: Expected


@dataclass
class HttpTest:
    name: str
    iri: str
    exchanges: list[Exchange]
    graph_data: list[tuple[Path, str]] = field(default_factory=list)
    requires: list[str] = field(default_factory=list)


def _list(graph: Graph, node: Node | None) -> list[Node]:
    return list(Collection(graph, node)) if node is not None else []


def _text(graph: Graph, node: Node, predicate: URIRef) -> str | None:
    value = graph.value(node, predicate)
    return None if value is None else str(value)


def _headers(graph: Graph, node: Node) -> list[tuple[str, str]]:
    return [
        (str(graph.value(h, HT.fieldName)), str(graph.value(h, HT.fieldValue)))
        for h in _list(graph, graph.value(node, HT.headers))
    ]


def load_manifest(path: Path, kind: URIRef) -> list[HttpTest]:
    """The tests of ``kind`` (e.g. mf:ProtocolTest) in a manifest and the manifests it includes."""
    graph = Graph()
    graph.parse(path, format="turtle", publicID=path.resolve().as_uri())
    tests: list[HttpTest] = []
    for manifest in graph.subjects(RDF.type, MF.Manifest):
        for included in _list(graph, graph.value(manifest, MF.include)):
            tests += load_manifest(Path(str(included).removeprefix("file://")), kind)
        for entry in _list(graph, graph.value(manifest, MF.entries)):
            if (entry, RDF.type, kind) not in graph:
                continue
            tests.append(_test(graph, entry))
    return tests


def _test(graph: Graph, entry: Node) -> HttpTest:
    exchanges = []
    action = graph.value(entry, MF.action)
    for request in _list(graph, graph.value(action, HT.requests)):
        body_node = graph.value(request, HT.body)
        body = None
        if body_node is not None:
            encoding = _text(graph, body_node, CNT.characterEncoding) or "UTF-8"
            body = str(graph.value(body_node, CNT.chars)).encode(encoding.lower())
        response = graph.value(request, HT.resp)
        statuses = [str(s).removeprefix(STATUS) for s in graph.objects(response, MF.expectedStatus)]
        boolean = graph.value(response, MF.expectedBoolean)
        expected_body = graph.value(response, HT.body)
        content_type = next((v for k, v in _headers(graph, response) if k.lower() == "content-type"), None)
        exchanges.append(
            Exchange(
                method=str(graph.value(request, HT.methodName)),
                path=str(graph.value(request, HT.absolutePath)),
                headers=_headers(graph, request),
                body=body,
                expected=Expected(
                    statuses,
                    _text(graph, response, MF.expectedFormat),
                    None if boolean is None else bool(boolean.toPython()),
                    _text(graph, response, MF.expectedLocation),
                    content_type,
                    None if expected_body is None else str(graph.value(expected_body, CNT.chars)),
                ),
            )
        )
    graph_data = []
    for data in graph.objects(entry, UT.graphData):
        file = Path(str(graph.value(data, UT.graph)).removeprefix("file://"))
        graph_data.append((file, str(graph.value(data, RDFS.label))))
    requires = [str(r).removeprefix(str(MF)) for r in graph.objects(entry, MF.requires)]
    return HttpTest(str(graph.value(entry, MF.name)), str(entry), exchanges, graph_data, requires)


def rewrite(path: str, base_url: str) -> str:
    """Map the manifest's /sparql/ and /gsp paths onto our server."""
    if path.startswith("/sparql/"):
        return base_url + "/sparql" + path[len("/sparql/") :]
    if path.startswith("/gsp"):
        return base_url + "/store" + path[len("/gsp") :]
    return base_url + path


_RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


def _media_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def _check_result(response: requests.Response, expected: Expected) -> list[str]:
    problems: list[str] = []
    kind = _media_type(response)
    if expected.result_format in ("boolean", "tabular"):
        if kind not in _RESULT_TYPES:
            return [f"expected SPARQL results, got Content-Type {kind!r}"]
        result = ox.parse_query_results(response.content, format=_RESULT_TYPES[kind])
        if expected.result_format == "boolean":
            if not isinstance(result, ox.QueryBoolean):
                problems.append("expected a boolean result")
            elif expected.boolean is not None and bool(result) != expected.boolean:
                problems.append(f"expected boolean {expected.boolean}, got {bool(result)}")
        elif not isinstance(result, ox.QuerySolutions):
            problems.append("expected tabular results")
    elif expected.result_format == "RDF":
        try:
            rdf_format = ox.RdfFormat.from_media_type(kind)
            assert rdf_format is not None
            list(ox.parse(response.content, format=rdf_format))
        except (AssertionError, SyntaxError, ValueError) as exc:
            problems.append(f"expected RDF, got {kind!r}: {exc}")
    return problems


def _canonical(data: bytes, rdf_format: ox.RdfFormat) -> set[str]:
    dataset = ox.Dataset(ox.parse(data, format=rdf_format))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {str(quad) for quad in dataset}


def run_http_test(test: HttpTest, base_url: str, headers: dict[str, str] | None = None) -> list[str]:
    """Run the test's requests in order; the problems found (empty when the test passes)."""
    variables: dict[str, str] = {}
    problems: list[str] = []
    with requests.Session() as session:
        for number, exchange in enumerate(test.exchanges, 1):
            path, body = exchange.path, exchange.body
            for name, value in variables.items():
                path = path.replace(name, value)
                body = body.replace(name.encode(), value.encode()) if body is not None else None
            request_headers = {**(headers or {}), **dict(exchange.headers)}
            response = session.request(
                exchange.method,
                rewrite(path, base_url),
                data=body,
                headers=request_headers,
                timeout=60,
                allow_redirects=False,
            )
            where = f"request {number} ({exchange.method} {path[:80]})"
            expected = exchange.expected
            if not expected.status_ok(response.status_code):
                problems.append(
                    f"{where}: status {response.status_code}, expected {expected.statuses}: {response.text[:300]}"
                )
                break
            problems += [f"{where}: {p}" for p in _check_result(response, expected)]
            if expected.location:
                location = response.headers.get("Location")
                if not location:
                    problems.append(f"{where}: no Location header")
                else:
                    variables[expected.location] = location
            if expected.content_type:
                got = response.headers.get("Content-Type", "").replace(" ", "").lower()
                if got != expected.content_type.replace(" ", "").lower():
                    problems.append(f"{where}: Content-Type {got!r}, expected {expected.content_type!r}")
            if expected.body is not None and response.status_code == 200 and exchange.method != "HEAD":
                rdf_format = ox.RdfFormat.from_media_type(_media_type(response))
                if rdf_format is None:
                    problems.append(f"{where}: cannot compare a body of type {_media_type(response)}")
                elif _canonical(response.content, rdf_format) != _canonical(
                    expected.body.encode(), ox.RdfFormat.TURTLE
                ):
                    problems.append(f"{where}: the graph differs from the expected one:\n{response.text}")
    return problems


def load_graph_data(test: HttpTest, base_url: str, headers: dict[str, str]) -> None:
    """Put the test's ut:graphData files into their named graphs through the Graph Store Protocol."""
    for file, graph_name in test.graph_data:
        response = requests.put(
            f"{base_url}/store?graph={quote(graph_name, safe='')}",
            data=file.read_bytes(),
            headers={**headers, "Content-Type": "application/n-triples"},
            timeout=60,
        )
        response.raise_for_status()


def reset(base_url: str, headers: dict[str, str]) -> None:
    """Empty the store before a case: DROP ALL, then each graph still there (Virtuoso's DROP ALL leaves
    them), then the default graph."""
    update = {**headers, "Content-Type": "application/sparql-update"}
    requests.post(base_url + "/sparql", data=b"DROP ALL", headers=update, timeout=60).raise_for_status()
    listed = requests.post(
        base_url + "/sparql",
        data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    listed.raise_for_status()
    for row in listed.json()["results"]["bindings"]:
        drop = f"DROP SILENT GRAPH <{row['g']['value']}>".encode()
        requests.post(base_url + "/sparql", data=drop, headers=update, timeout=60).raise_for_status()
