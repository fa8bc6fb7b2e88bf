"""The fast path (server/fast_path.py): plain GET queries answered before Flask, with the same answers.

Over real HTTP, a plain ``GET /sparql?query=`` (the fast path) is compared with requests that the Flask
view answers: the same GET with an empty ``output=`` parameter (ignored, but it makes two parameters)
and a HEAD. In process, a Flask ``before_request`` hook shows which requests reached Flask.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from .conftest import EX, Server
from .test_limits import settled_metric, wait_for_metric

IGNORED_BY_COMPARISON = {"date", "server", "connection", "keep-alive", "transfer-encoding"}

CASES = [
    (f"SELECT ?m ?l WHERE {{ ?m a <{EX}ontology#ISCM> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }} "
     "ORDER BY ?m LIMIT 5", "application/sparql-results+json"),
    (f"SELECT ?m WHERE {{ ?m a <{EX}ontology#ISCM> }} ORDER BY ?m LIMIT 3", "text/csv"),
    (f"ASK {{ ?m a <{EX}ontology#ISCM> }}", "application/sparql-results+xml"),
    (f"CONSTRUCT WHERE {{ <{EX}id/mechanism/m01> ?p ?o }}", "text/turtle"),
    ("SELECT * WHERE { ?s ?p }", "application/json"),  # syntax error: 400
    ("ASK {}", "text/turtle"),  # nothing acceptable for a boolean: 406
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "application/json"),  # 400
    ("  ", "text/plain"),  # empty query: 400
    # decoding: non-ASCII, a backslash, "+" and "%" inside a literal, a query string with an "=" in it
    (f'SELECT ?m WHERE {{ ?m a <{EX}ontology#ISCM> FILTER(?m != "Caf\u00e9 \\\\x41 +%=") }} LIMIT 2',
     "application/sparql-results+json"),
]


def _headers(response: requests.Response) -> dict[str, str]:
    # names in lower case: Granian sends them so, and the Date of two answers may differ by a second
    return {k.lower(): v for k, v in response.headers.items() if k.lower() not in IGNORED_BY_COMPARISON}


@pytest.mark.parametrize(("query", "accept"), CASES)
def test_fast_path_answers_like_the_flask_view(endpoint: Server, query: str, accept: str) -> None:
    headers = {"Accept": accept}
    fast = requests.get(endpoint.sparql, params={"query": query}, headers=headers, timeout=30)
    flask = requests.get(endpoint.sparql, params={"query": query, "output": ""}, headers=headers, timeout=30)
    head = requests.head(endpoint.sparql, params={"query": query}, headers=headers, timeout=30)
    assert fast.status_code == flask.status_code == head.status_code
    assert fast.content == flask.content
    assert _headers(fast) == _headers(flask)
    assert {k: v for k, v in _headers(head).items() if k != "content-length"} == {
        k: v for k, v in _headers(fast).items() if k != "content-length"
    }
    assert head.content == b""
    assert fast.headers["Access-Control-Allow-Origin"] == "*"
    if fast.status_code == 200:
        assert fast.headers["Vary"] == "Accept" and fast.headers["ETag"].startswith('W/"')
    else:
        assert fast.headers["Cache-Control"] == "no-store"


def test_repeated_get_is_replayed_byte_for_byte(endpoint: Server) -> None:
    query = f"SELECT (COUNT(?m) AS ?n) WHERE {{ ?m a <{EX}ontology#ISCM> }} # replay test"
    hits = settled_metric(endpoint, "iscm_sparql_result_cache_hits_total")
    answers = [requests.get(endpoint.sparql, params={"query": query}, timeout=10) for _ in range(6)]
    assert len({(a.status_code, a.content, a.headers["ETag"], a.headers["Content-Type"]) for a in answers}) == 1
    assert answers[0].json()["results"]["bindings"] == [
        {"n": {"type": "literal", "value": "60", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}
    ]
    assert wait_for_metric(endpoint, "iscm_sparql_result_cache_hits_total", hits + 4) - hits >= 4  # two workers: one miss each


def test_a_conditional_get_is_still_revalidated(endpoint: Server) -> None:
    query = f"ASK {{ <{EX}id/mechanism/m02> ?p ?o }} # conditional"
    first = requests.get(endpoint.sparql, params={"query": query}, timeout=10)
    again = requests.get(endpoint.sparql, params={"query": query}, headers={"If-None-Match": first.headers["ETag"]},
                         timeout=10)
    assert again.status_code == 304 and again.content == b""


DECODING = [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
    'ASK { ?s ?p "Caf\u00e9 \u4e2d\u6587 \U0001f600" }',
    'ASK { ?s ?p "a\\\\x41 \\\\n \\\\u0041 \\\\" }',  # backslashes the decoder must not read as escapes
    'ASK { ?s ?p "50% + 1 = 2 & more; #x" }',
    "line\nbreaks\r\tand tabs",
    "",
]


@pytest.mark.parametrize("text", DECODING)
def test_percent_decoding_matches_urllib(text: str) -> None:
    from urllib.parse import parse_qsl, quote, quote_plus

    from server.fast_path import _only_query

    for encoded in (quote_plus(text), quote(text, safe=""), quote(text, safe="{}?<>:/#\"\\ ")):
        assert _only_query("query=" + encoded) == parse_qsl("query=" + encoded, keep_blank_values=True)[0][1] == text


@pytest.mark.parametrize(
    "query_string",
    ["query=%zz", "query=50%", "query=%E2%82", "query=caf\u00e9", "query=a&query=b", "query=a&output=", "q=a", "query"],
)
def test_unusual_query_strings_are_left_to_flask(query_string: str) -> None:
    from server.fast_path import _only_query

    assert _only_query(query_string) is None


def test_which_requests_reach_flask(dist: Path) -> None:
    from server import create_app

    app = create_app({"DIST": dist})
    reached: list[str] = []
    app.before_request(lambda: reached.append(app.name) and None)
    client = app.test_client()
    query = f"SELECT ?m WHERE {{ ?m a <{EX}ontology#ISCM> }} LIMIT 1"
    assert client.get("/sparql", query_string={"query": query}).status_code == 200
    assert client.get("/sparql", query_string={"query": query}).status_code == 200  # replayed
    assert client.get("/sparql", query_string={"query": "SELECT * WHERE {"}).status_code == 400
    assert reached == []
    for response in (
        client.get("/sparql", query_string={"query": query, "default-graph-uri": EX + "graph/facts"}),
        client.post("/sparql", data={"query": query}),
        client.get("/sparql"),  # the service description
        client.get("/health"),
    ):
        assert response.status_code == 200
    assert len(reached) == 4
