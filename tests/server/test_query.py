"""Queries at /sparql over real HTTP: the three ways to send them, every result format, negotiation,
the dataset parameters and the union default graph, and errors. Runs on both backends."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest
import requests

from .conftest import EX, FACTS, ONTOLOGY, RDFS_LABEL, Server

COUNT_MECHANISMS = f"SELECT (COUNT(?m) AS ?n) WHERE {{ ?m a <{EX}ontology#ISCM> }}"
LABEL_OF_M07 = f"SELECT ?label WHERE {{ <{EX}id/mechanism/m07> <{RDFS_LABEL}> ?label }}"
RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
RDF_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


def media_type(response: requests.Response) -> str:
    return response.headers["Content-Type"].split(";")[0].strip()


def rows(response: requests.Response) -> list[dict[str, str]]:
    """The solutions of a SELECT response, as {variable: lexical value}, whatever the format."""
    kind = media_type(response)
    if kind == "text/csv":
        return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    solutions = ox.parse_query_results(response.content, format=RESULT_TYPES[kind])
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [{name: sol[name].value for name in names if sol[name] is not None} for sol in solutions]


def boolean(response: requests.Response) -> bool:
    kind = media_type(response)
    if kind in ("text/csv", "text/tab-separated-values"):
        return response.text.strip() == "true"
    result = ox.parse_query_results(response.content, format=RESULT_TYPES[kind])
    assert isinstance(result, ox.QueryBoolean)
    return bool(result)


def triples(response: requests.Response) -> set[ox.Triple]:
    parsed = ox.parse(response.content, format=RDF_TYPES[media_type(response)])
    return {quad.triple for quad in parsed}


def get(endpoint: Server, query: str, accept: str | None = None, **params: str) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.get(endpoint.sparql, params={"query": query, **params}, headers=headers, timeout=30)


# --- the three ways of sending a query ------------------------------------------------------------------


def test_get_post_form_and_post_direct_give_the_same_answer(endpoint: Server) -> None:
    by_get = requests.get(endpoint.sparql, params={"query": COUNT_MECHANISMS}, timeout=30)
    by_form = requests.post(endpoint.sparql, data={"query": COUNT_MECHANISMS}, timeout=30)
    by_direct = requests.post(
        endpoint.sparql,
        data=COUNT_MECHANISMS.encode(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    for response in (by_get, by_form, by_direct):
        assert response.status_code == 200, response.text
        assert media_type(response) == "application/sparql-results+json"
        assert rows(response) == [{"n": "60"}]


def test_union_default_graph_lets_simple_queries_just_work(endpoint: Server) -> None:
    # the data is in named graphs only; a query without GRAPH sees all of it
    assert rows(get(endpoint, LABEL_OF_M07)) == [{"label": "Mechanism 07"}]


def test_default_graph_uri_and_named_graph_uri_set_the_dataset(endpoint: Server) -> None:
    only_ontology = get(endpoint, COUNT_MECHANISMS, **{"default-graph-uri": ONTOLOGY})
    assert rows(only_ontology) == [{"n": "0"}]
    only_facts = get(endpoint, COUNT_MECHANISMS, **{"default-graph-uri": FACTS})
    assert rows(only_facts) == [{"n": "60"}]
    graphs = get(endpoint, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": ONTOLOGY})
    assert rows(graphs) == [{"g": ONTOLOGY}]


def test_from_clause_in_the_query_is_honoured(endpoint: Server) -> None:
    query = f"SELECT (COUNT(?m) AS ?n) FROM <{ONTOLOGY}> WHERE {{ ?m a <{EX}ontology#ISCM> }}"
    assert rows(get(endpoint, query)) == [{"n": "0"}]


# --- result formats and negotiation --------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept",
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ],
)
def test_select_in_every_results_format(endpoint: Server, accept: str) -> None:
    response = get(endpoint, LABEL_OF_M07, accept)
    assert response.status_code == 200
    assert media_type(response) == accept
    assert rows(response) == [{"label": "Mechanism 07"}]
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(
    "accept",
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ],
)
def test_ask_in_every_results_format(endpoint: Server, accept: str) -> None:
    yes = get(endpoint, f"ASK {{ <{EX}id/mechanism/m07> ?p ?o }}", accept)
    no = get(endpoint, f"ASK {{ <{EX}id/mechanism/nope> ?p ?o }}", accept)
    assert (yes.status_code, no.status_code) == (200, 200)
    assert media_type(yes) == accept
    assert boolean(yes) is True and boolean(no) is False


@pytest.mark.parametrize("accept", sorted(RDF_TYPES))
def test_construct_in_every_rdf_format(endpoint: Server, accept: str) -> None:
    query = f"CONSTRUCT {{ ?m <{RDFS_LABEL}> ?l }} WHERE {{ ?m a <{EX}ontology#ISCM> ; <{RDFS_LABEL}> ?l }}"
    response = get(endpoint, query, accept)
    assert response.status_code == 200, response.text
    assert media_type(response) == accept
    result = triples(response)
    assert len(result) == 60
    assert (
        ox.Triple(
            ox.NamedNode(f"{EX}id/mechanism/m07"),
            ox.NamedNode(RDFS_LABEL),
            ox.Literal("Mechanism 07", language="en"),
        )
        in result
    )


def test_describe_answers_rdf(endpoint: Server) -> None:
    response = get(endpoint, f"DESCRIBE <{EX}id/mechanism/m07>", "text/turtle")
    assert response.status_code == 200
    assert ox.NamedNode(f"{EX}id/mechanism/m07") in {t.subject for t in triples(response)}


def test_q_values_are_honoured(endpoint: Server) -> None:
    response = get(endpoint, LABEL_OF_M07, "text/csv;q=0.5, application/sparql-results+xml;q=0.9, */*;q=0.1")
    assert media_type(response) == "application/sparql-results+xml"
    response = get(endpoint, LABEL_OF_M07, "application/sparql-results+xml;q=0, */*")
    assert media_type(response) == "application/sparql-results+json"
    construct = get(
        endpoint,
        "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1",
        "application/rdf+xml;q=0.2, application/n-triples;q=0.8",
    )
    assert media_type(construct) == "application/n-triples"


def test_406_when_no_format_fits(endpoint: Server) -> None:
    response = get(endpoint, LABEL_OF_M07, "image/png")
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text
    construct = get(endpoint, "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "text/csv")
    assert construct.status_code == 406


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("format", "json", "application/sparql-results+json"),
        ("format", "xml", "application/sparql-results+xml"),
        ("output", "csv", "text/csv"),
        ("output", "tsv", "text/tab-separated-values"),
        ("format", "application/sparql-results+xml", "application/sparql-results+xml"),
    ],
)
def test_format_and_output_parameters(endpoint: Server, name: str, value: str, expected: str) -> None:
    response = get(endpoint, LABEL_OF_M07, "application/sparql-results+json", **{name: value})
    assert media_type(response) == expected
    assert rows(response) == [{"label": "Mechanism 07"}]


def test_format_parameter_for_graphs(endpoint: Server) -> None:
    response = get(endpoint, "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3", format="json")
    assert media_type(response) == "application/ld+json"
    assert len(triples(response)) == 3


# --- errors ---------------------------------------------------------------------------------------------


def test_syntax_error_is_400_naming_the_parameter(endpoint: Server) -> None:
    response = get(endpoint, "SELECT * WHERE {", "application/json")
    assert response.status_code == 400
    problem = response.json()
    assert problem["parameter"] == "query"
    assert problem["status"] == 400
    assert "Traceback" not in response.text


def test_unknown_format_value_is_400_naming_it(endpoint: Server) -> None:
    response = get(endpoint, LABEL_OF_M07, format="excel")
    assert response.status_code == 400
    assert "format" in response.text


def test_query_given_twice_is_400(endpoint: Server) -> None:
    response = requests.get(endpoint.sparql, params=[("query", "ASK {}"), ("query", "ASK {}")], timeout=30)
    assert response.status_code == 400
    assert "query" in response.text


def test_bad_dataset_iri_is_400_naming_the_parameter(endpoint: Server) -> None:
    response = get(endpoint, "ASK {}", **{"default-graph-uri": "not an iri"})
    assert response.status_code == 400
    assert "default-graph-uri" in response.text


def test_post_without_content_type_and_with_a_wrong_one(endpoint: Server) -> None:
    missing = requests.post(endpoint.sparql, data=b"ASK {}", headers={"Content-Type": ""}, timeout=30)
    assert missing.status_code == 400
    wrong = requests.post(endpoint.sparql, data=b"ASK {}", headers={"Content-Type": "text/plain"}, timeout=30)
    assert wrong.status_code == 415


def test_updates_are_off_in_normal_operation(endpoint: Server) -> None:
    response = requests.post(endpoint.sparql, data={"update": "CLEAR ALL"}, timeout=30)
    assert response.status_code == 403
    assert rows(get(endpoint, COUNT_MECHANISMS)) == [{"n": "60"}]
