"""SERVICE (and an update's LOAD) decided on the parsed query: server/service_policy.py."""

from __future__ import annotations

import pytest

from server.service_policy import FEDERATED, LOCAL, ServiceNotAllowed, check, endpoints

CANARY = "http://127.0.0.1:9/x"


def test_endpoints_resolve_prefixes_base_and_escapes_and_skip_strings_and_comments() -> None:
    query = r"""BASE <http://example.org/base/>
    PREFIX e: <http://remote.example/>
    SELECT * WHERE {
      SERVICE <sparql> { ?a ?b ?c }
      SERVICE SILENT e:sparql { ?a ?b ?c }
      \u0053ERVICE <http://escaped.example/sparql> { ?a ?b ?c }
      OPTIONAL { SERVICE ?endpoint { ?a ?b ?c } }
      FILTER EXISTS { SERVICE <http://in-exists.example/> { ?a ?b ?c } }
      { SELECT * WHERE { SERVICE <http://in-a-subquery.example/> { ?a ?b ?c } } }
      ?s <http://p> "SERVICE <http://in-a-string/>" # SERVICE <http://in-a-comment/>
    }"""
    assert sorted(map(str, endpoints(query, "http://endpoint/sparql"))) == sorted(
        map(
            str,
            [
                ("SERVICE", "http://example.org/base/sparql"),
                ("SERVICE", "http://remote.example/sparql"),
                ("SERVICE", "http://escaped.example/sparql"),
                ("SERVICE", None),
                ("SERVICE", "http://in-exists.example/"),
                ("SERVICE", "http://in-a-subquery.example/"),
            ],
        )
    )


def test_the_allow_list() -> None:
    query = "SELECT * WHERE { SERVICE <http://a.example/sparql> { ?s ?p ?o } }"
    assert check(query, ["http://a.example/sparql"], None) == FEDERATED
    assert check(query, ["http://a.example/*"], None) == FEDERATED
    assert check(query, ["*"], None) == FEDERATED
    for allowlist in ([], ["http://b.example/sparql"]):
        with pytest.raises(ServiceNotAllowed, match="a.example"):
            check(query, allowlist, None)
    assert check("SELECT * WHERE { ?s <http://service.example/p> 'customer service' }", [], None) == LOCAL


@pytest.mark.parametrize(
    "query",
    [
        # what a hand lexer read as a comment or a string: the engine reads a SERVICE call
        rf"PREFIX ex: <http://e/> SELECT * WHERE {{ BIND(ex:a\# AS ?k) SERVICE <{CANARY}> {{ ?x ?y ?z }} }}",
        rf"PREFIX ex: <http://e/> SELECT * WHERE {{ BIND(ex:a\' AS ?k) SERVICE <{CANARY}> {{ ?x ?y ?z }} }}",
        f"select * where {{ service <{CANARY}> {{ ?x ?y ?z }} }}",
        rf"SELECT * WHERE {{ \u0053ERVICE <{CANARY}> {{ ?x ?y ?z }} }}",
        rf"SELECT * WHERE {{ \u005cu0053ERVICE <{CANARY}> {{ ?x ?y ?z }} }}",
        "BASE <http://127.0.0.1:9/> SELECT * WHERE { SERVICE <x> { ?x ?y ?z } }",
        "PREFIX c: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE SILENT c:x { ?x ?y ?z } }",
        "SELECT * WHERE {" + "{" * 3000 + "?s ?p ?o" + "}" * 3000 + f" SERVICE <{CANARY}> {{ }} }}",
        f"SELECT * WHERE {{ SERVICE <{CANARY}> {{ ?x ?y ?z }}",  # not SPARQL at all: refused, not guessed
        # between a less-than and a greater-than: not an IRI reference (spaces, braces), so still seen
        f"SELECT * WHERE {{ ?a ?b ?c FILTER(?a<?b) SERVICE <{CANARY}> {{ ?x ?y ?z }} FILTER(?c>?d) }}",
        f"SELECT * WHERE {{ BIND(<{CANARY}> AS ?e) FILTER(?a<?b)SERVICE ?e{{?x ?y ?z}}FILTER(?c>?d) }}",
    ],
)
def test_anything_that_may_call_a_service_is_refused_without_an_allow_list(query: str) -> None:
    with pytest.raises(ServiceNotAllowed):
        check(query, [], "http://endpoint/sparql")


def test_load_in_an_update_is_checked_like_service() -> None:
    assert check("LOAD <http://a.example/data.ttl>", ["http://a.example/*"], None, update=True) == FEDERATED
    with pytest.raises(ServiceNotAllowed, match="LOAD"):
        check("LOAD SILENT <http://b.example/data.ttl> INTO GRAPH <http://g>", [], None, update=True)
    assert check("INSERT DATA { <http://s> <http://p> 'LOAD <http://x>' }", [], None, update=True) == LOCAL
