"""Real clients against our endpoint on both backends: SPARQLWrapper in every result format, rdflib's
SPARQLStore, curl, and federation (the Oxigraph server from PyPI calling us through SERVICE)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import requests
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from .conftest import EX, RDFS_LABEL, Server, start_oxigraph

SELECT = f"SELECT ?label WHERE {{ <{EX}id/mechanism/m07> <{RDFS_LABEL}> ?label }}"
ASK = f"ASK {{ <{EX}id/mechanism/m07> ?p ?o }}"
CONSTRUCT = f"CONSTRUCT {{ ?m <{RDFS_LABEL}> ?l }} WHERE {{ ?m a <{EX}ontology#ISCM> ; <{RDFS_LABEL}> ?l }}"
M07_LABEL = (rdflib.URIRef(f"{EX}id/mechanism/m07"), rdflib.RDFS.label, rdflib.Literal("Mechanism 07", lang="en"))


def wrapper(endpoint: Server, query: str, return_format: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint.sparql)
    client.setQuery(query)
    client.setReturnFormat(return_format)
    client.setMethod(method)
    return client


# --- SPARQLWrapper ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_json(endpoint: Server, method: str) -> None:
    result = wrapper(endpoint, SELECT, JSON, method).queryAndConvert()
    assert isinstance(result, dict)
    assert [b["label"]["value"] for b in result["results"]["bindings"]] == ["Mechanism 07"]
    assert result["results"]["bindings"][0]["label"]["xml:lang"] == "en"


def test_sparqlwrapper_xml(endpoint: Server) -> None:
    document = wrapper(endpoint, SELECT, XML).queryAndConvert()
    literals = document.getElementsByTagName("literal")  # type: ignore[union-attr]
    assert [node.firstChild.data for node in literals] == ["Mechanism 07"]


@pytest.mark.parametrize(("return_format", "delimiter"), [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_csv_and_tsv(endpoint: Server, return_format: str, delimiter: str) -> None:
    data = wrapper(endpoint, SELECT, return_format).queryAndConvert()
    text = data.decode("utf-8") if isinstance(data, bytes) else str(data)
    if return_format == CSV:
        rows = list(csv.reader(io.StringIO(text)))
    else:
        rows = [line.split(delimiter) for line in text.splitlines()]
    assert rows[0] == (["label"] if return_format == CSV else ["?label"])
    assert rows[1] == (["Mechanism 07"] if return_format == CSV else ['"Mechanism 07"@en'])


@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_ask(endpoint: Server, return_format: str) -> None:
    result = wrapper(endpoint, ASK, return_format).queryAndConvert()
    if return_format == JSON:
        assert result["boolean"] is True  # type: ignore[index]
    elif return_format == XML:
        assert result.getElementsByTagName("boolean")[0].firstChild.data == "true"  # type: ignore[union-attr]
    else:
        assert (result.decode() if isinstance(result, bytes) else str(result)).strip() == "true"


@pytest.mark.parametrize("return_format", [TURTLE, N3, RDFXML, XML, JSONLD])
def test_sparqlwrapper_graphs(endpoint: Server, return_format: str) -> None:
    result = wrapper(endpoint, CONSTRUCT, return_format).queryAndConvert()
    if isinstance(result, rdflib.Graph):
        graph = result
    else:
        graph = rdflib.Graph()
        text = result.decode() if isinstance(result, bytes) else result
        graph.parse(data=text, format={TURTLE: "turtle", N3: "turtle", JSONLD: "json-ld"}[return_format])
    assert len(graph) == 60
    assert M07_LABEL in graph


def test_sparqlwrapper_sends_errors_it_can_read(endpoint: Server) -> None:
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    with pytest.raises(QueryBadFormed):
        wrapper(endpoint, "SELECT * WHERE {", JSON).queryAndConvert()


# --- rdflib SPARQLStore --------------------------------------------------------------------------------


def test_rdflib_sparqlstore(endpoint: Server) -> None:
    graph = rdflib.Graph(store=SPARQLStore(endpoint.sparql, returnFormat="xml"))
    rows = list(graph.query(SELECT))
    assert [str(row[0]) for row in rows] == ["Mechanism 07"]
    assert graph.query(ASK).askAnswer is True
    constructed = graph.query(CONSTRUCT).graph
    assert constructed is not None and M07_LABEL in constructed
    assert M07_LABEL in graph  # triple pattern lookups become queries too


def test_rdflib_sparqlstore_json(endpoint: Server) -> None:
    graph = rdflib.Graph(store=SPARQLStore(endpoint.sparql, returnFormat="json", method="POST"))
    assert [str(row[0]) for row in graph.query(SELECT)] == ["Mechanism 07"]


# --- curl -------------------------------------------------------------------------------------------------

CURL = shutil.which("curl")


@pytest.mark.skipif(CURL is None, reason="curl is not installed (Debian package curl)")
def test_curl_get_and_post(endpoint: Server) -> None:
    assert CURL is not None
    get = subprocess.run(
        [
            CURL,
            "-sS",
            "-G",
            "--fail",
            "-H",
            "Accept: application/sparql-results+json",
            "--data-urlencode",
            f"query={SELECT}",
            endpoint.sparql,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(get.stdout)["results"]["bindings"][0]["label"]["value"] == "Mechanism 07"
    post = subprocess.run(
        [
            CURL,
            "-sS",
            "--fail",
            "-H",
            "Content-Type: application/sparql-query",
            "-H",
            "Accept: text/csv",
            "--data-binary",
            SELECT,
            endpoint.sparql,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert post.stdout.splitlines() == ["label", "Mechanism 07"]
    head = subprocess.run(
        [
            CURL,
            "-sS",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "-G",
            "-H",
            "Accept: image/png",
            "--data-urlencode",
            f"query={SELECT}",
            endpoint.sparql,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert head.stdout == "406"


# --- federation --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def federator(server_tmp: Path) -> Iterator[Server]:
    server = start_oxigraph("oxigraph-federator", server_tmp, read_only=False)
    yield server
    server.stop()


def test_oxigraph_server_federates_to_our_endpoint(endpoint: Server, federator: Server) -> None:
    query = (
        f"SELECT ?m ?label WHERE {{ SERVICE <{endpoint.sparql}> {{ ?m a <{EX}ontology#ISCM> ; "
        f"<{RDFS_LABEL}> ?label FILTER(?m = <{EX}id/mechanism/m07>) }} }}"
    )
    response = requests.post(
        federator.url + "/query",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    result = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
    assert isinstance(result, ox.QuerySolutions)
    rows = [(s["m"].value, s["label"].value) for s in result]
    assert rows == [(f"{EX}id/mechanism/m07", "Mechanism 07")]
