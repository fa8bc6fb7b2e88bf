"""The small SPARQL lexer of the protocol layer: query forms, SERVICE endpoints, USING clauses."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from server import negotiation
from server.sparql_text import (
    DatasetConflict,
    ServiceNotAllowed,
    add_using_clauses,
    check_services,
    query_form,
    service_endpoints,
)


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("PREFIX ask: <http://ask/> BASE <http://b/> construct { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("# SELECT in a comment\nASK { ?s <http://select/> 'SELECT' }", "ASK"),
        ("DESCRIBE <http://x>", "DESCRIBE"),
    ],
)
def test_query_form(query: str, form: str) -> None:
    assert query_form(query) == form


def test_service_endpoints_resolve_prefixes_base_and_escapes() -> None:
    query = r"""BASE <http://example.org/base/>
    PREFIX e: <http://remote.example/>
    SELECT * WHERE {
      SERVICE <sparql> { ?a ?b ?c }
      SERVICE SILENT e:sparql { ?a ?b ?c }
      \u0053ERVICE <http://escaped.example/sparql> { ?a ?b ?c }
      SERVICE ?endpoint { ?a ?b ?c }
      ?s <http://p> "SERVICE <http://in-a-string/>" # SERVICE <http://in-a-comment/>
    }"""
    assert service_endpoints(query) == [
        "http://example.org/base/sparql",
        "http://remote.example/sparql",
        "http://escaped.example/sparql",
        None,
    ]


def test_check_services_with_an_allow_list() -> None:
    query = "SELECT * WHERE { SERVICE <http://a.example/sparql> { ?s ?p ?o } }"
    check_services(query, ["http://a.example/sparql"])
    check_services(query, ["http://a.example/*"])
    check_services(query, ["*"])
    with pytest.raises(ServiceNotAllowed):
        check_services(query, [])
    with pytest.raises(ServiceNotAllowed):
        check_services(query, ["http://b.example/sparql"])
    check_services("SELECT * WHERE { ?s <http://service.example/p> ?o }", [])


def test_using_clauses_go_before_where_of_each_modify_operation() -> None:
    update = """PREFIX : <http://ex/>
    INSERT DATA { GRAPH :g { :a :b :c } } ;
    DELETE { ?s :p ?o } INSERT { ?s :q ?o } WHERE { ?s :p ?o FILTER(?o != "WHERE {") } ;
    DELETE WHERE { ?s :r ?o } ;
    INSERT { ?s :t 1 } WHERE { ?s :q ?o }"""
    rewritten = add_using_clauses(update, ["http://ex/g1"], ["http://ex/g2"])
    assert rewritten.count("USING <http://ex/g1> USING NAMED <http://ex/g2>") == 2
    store = ox.Store()
    store.update(rewritten)  # still valid SPARQL Update


def test_using_conflicts_with_with_and_using_in_the_update() -> None:
    with pytest.raises(DatasetConflict):
        add_using_clauses("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ["http://x"], [])
    with pytest.raises(DatasetConflict):
        add_using_clauses("DELETE { ?s ?p ?o } USING <http://g> WHERE { ?s ?p ?o }", [], ["http://x"])
    assert add_using_clauses("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", [], []).startswith("WITH")


@pytest.mark.parametrize(
    ("kind", "accept", "param", "expected"),
    [
        ("results", None, None, "json"),
        ("results", "*/*", None, "json"),
        ("results", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None, "xml"),
        ("results", "text/tab-separated-values; charset=utf-8", None, "tsv"),
        ("results", "text/csv;q=0.1, application/sparql-results+json;q=0.2", None, "json"),
        ("results", "image/png", None, None),
        ("results", "image/png", "csv", "csv"),
        ("rdf", None, None, "turtle"),
        ("rdf", "application/json", None, "jsonld"),
        ("rdf", "text/*", None, "turtle"),
        ("rdf", "application/n-quads;q=0.5, application/trig", None, "trig"),
        ("rdf", None, "xml", "rdfxml"),
        ("rdf", None, "csv", None),
    ],
)
def test_negotiation(kind: str, accept: str | None, param: str | None, expected: str | None) -> None:
    chosen = negotiation.choose(kind, accept, param)
    assert (chosen.key if chosen else None) == expected


def test_load_in_an_update_is_checked_like_service() -> None:
    check_services("LOAD <http://a.example/data.ttl>", ["http://a.example/*"], update=True)
    with pytest.raises(ServiceNotAllowed):
        check_services("LOAD SILENT <http://b.example/data.ttl> INTO GRAPH <http://g>", [], update=True)
    check_services("INSERT DATA { <http://s> <http://p> 'LOAD <http://x>' }", [], update=True)
