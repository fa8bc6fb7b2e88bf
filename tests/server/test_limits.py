"""Limits and safety over real HTTP: the query timeout that stops the work, a cheap query not waiting
behind expensive ones, the row cap, the request-size limit, the SERVICE allow-list, CORS, errors."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from .conftest import EX, REMOTE_ENV, Server, start_ours, start_oxigraph
from .test_query import media_type, rows, triples
from .test_sparql_text import mixed_values, values_query

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CHEAP = f"SELECT ?l WHERE {{ <{EX}id/mechanism/m03> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"
ALL_TRIPLES = "SELECT * WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def service_target(server_tmp: Path, dist: Path) -> Iterator[Server]:
    target = start_oxigraph("oxigraph-service-target", server_tmp, dist / "iscm-kg.nq")
    yield target
    target.stop()


@pytest.fixture(scope="module")
def limited(server_tmp: Path, dist: Path, service_target: Server) -> Iterator[Server]:
    """Our server with small limits: 3 s timeout, 25 rows, 4 KiB requests, one allowed SERVICE."""
    env = {
        "ISCM_KG_QUERY_TIMEOUT": "3",
        "ISCM_KG_MAX_ROWS": "25",
        "ISCM_KG_MAX_REQUEST_BYTES": "4096",
        "ISCM_KG_SERVICE_ALLOWLIST": service_target.url + "/query",
    }
    server = start_ours("limited", server_tmp, dist, workers=2, env=env)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def limited_remote(server_tmp: Path, dist: Path) -> Iterator[Server]:
    backend = start_oxigraph("oxigraph-slow", server_tmp, dist / "iscm-kg.nq", timeout_s=20)
    server = start_ours(
        "limited-remote",
        server_tmp,
        dist,
        env={**REMOTE_ENV, "ISCM_KG_QUERY_TIMEOUT": "2"},
        backend_url=backend.url + "/query",
    )
    yield server
    server.stop()
    backend.stop()


def worker_pids(master: int) -> set[int]:
    """The Granian workers: the children of the main process."""
    pids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.add(int(stat.parent.name))
    return pids


def metric(server: Server, name: str) -> float:
    text = requests.get(server.url + "/metrics", timeout=10).text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith(name + " ") or line.startswith(name + "{")
    )


def settled_metric(server: Server, name: str) -> float:
    """The metric once every worker has published what it counted (batched: within 0.2 s)."""
    time.sleep(0.5)
    return metric(server, name)


def wait_for_metric(server: Server, name: str, at_least: float, timeout: float = 5) -> float:
    """The metric once it reaches ``at_least`` (workers publish their counts in batches), or at the timeout."""
    deadline = time.monotonic() + timeout
    value = metric(server, name)
    while value < at_least and time.monotonic() < deadline:
        time.sleep(0.1)
        value = metric(server, name)
    return value


# --- timeout ---------------------------------------------------------------------------------------------


def test_timeout_answers_503_with_a_valid_body_and_stops_the_work(limited: Server) -> None:
    deadline = time.monotonic() + 30  # the workers start one after the other
    while len(before := worker_pids(limited.process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(before) == 2
    response = requests.get(limited.sparql, params={"query": HEAVY}, headers={"Accept": "application/json"}, timeout=60)
    assert response.status_code == 503
    problem = response.json()  # a complete, valid body: never a 200 cut short
    assert problem["status"] == 503 and "did not finish" in problem["detail"]
    assert response.headers["Retry-After"]
    # The work is stopped the only way pyoxigraph allows: the worker that ran it exits, and a fresh
    # worker takes its place.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        now = worker_pids(limited.process.pid)
        if len(now) == 2 and len(before - now) == 1:
            break
        time.sleep(0.1)
    now = worker_pids(limited.process.pid)
    assert len(before - now) == 1 and len(now) == 2
    assert rows(requests.get(limited.sparql, params={"query": CHEAP}, timeout=30)) == [{"l": "Mechanism 03"}]
    assert metric(limited, "iscm_sparql_query_timeouts_total") >= 1
    assert metric(limited, "iscm_worker_recycles_total") >= 1


def test_cheap_query_answers_while_expensive_ones_run(limited: Server) -> None:
    with ThreadPoolExecutor(3) as pool:
        heavy = [pool.submit(requests.get, limited.sparql, params={"query": HEAVY}, timeout=60) for _ in range(2)]
        time.sleep(0.5)  # let them start
        cheap = requests.get(limited.sparql, params={"query": CHEAP}, timeout=60)
        assert cheap.status_code == 200
        assert rows(cheap) == [{"l": "Mechanism 03"}]
        assert not any(f.done() for f in heavy), "the cheap query waited for the expensive ones"
        assert [f.result().status_code for f in heavy] == [503, 503]


def test_timeout_on_the_remote_backend(limited_remote: Server) -> None:
    response = requests.get(limited_remote.sparql, params={"query": HEAVY}, timeout=60)
    assert response.status_code == 503
    assert "did not finish" in response.text
    assert rows(requests.get(limited_remote.sparql, params={"query": CHEAP}, timeout=30)) == [{"l": "Mechanism 03"}]


# --- row cap, request size ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept",
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ],
)
def test_row_cap_cuts_results_and_says_so(limited: Server, accept: str) -> None:
    response = requests.get(limited.sparql, params={"query": ALL_TRIPLES}, headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200
    assert media_type(response) == accept
    assert len(rows(response)) == 25
    assert response.headers["X-SPARQL-MaxRows"] == "25"
    assert response.headers["X-Result-Truncated"].startswith("true")


def test_row_cap_on_graphs(limited: Server) -> None:
    response = requests.get(
        limited.sparql,
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "text/turtle"},
        timeout=30,
    )
    assert len(triples(response)) == 25
    assert response.headers["X-SPARQL-MaxRows"] == "25"


def test_small_results_are_not_marked(limited: Server) -> None:
    response = requests.get(limited.sparql, params={"query": CHEAP}, timeout=30)
    assert "X-SPARQL-MaxRows" not in response.headers


def test_request_size_limit(limited: Server) -> None:
    padding = "#" + "x" * 8000 + "\n"
    response = requests.post(
        limited.sparql,
        data=(padding + "ASK {}").encode(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert response.status_code == 413
    assert response.text.startswith("413")


# --- SERVICE allow-list ----------------------------------------------------------------------------------


def test_service_to_a_host_not_allowed_is_refused(limited: Server) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    response = requests.get(limited.sparql, params={"query": query}, headers={"Accept": "application/json"}, timeout=30)
    assert response.status_code == 400
    assert response.json()["parameter"] == "query"
    assert "allow-list" in response.json()["detail"]


def test_service_hidden_behind_a_prefix_or_an_escape_is_refused(limited: Server) -> None:
    for query in (
        "PREFIX e: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }",
    ):
        assert requests.get(limited.sparql, params={"query": query}, timeout=30).status_code == 400


def test_service_on_the_allow_list_runs(limited: Server, service_target: Server) -> None:
    query = (
        f"SELECT ?l WHERE {{ SERVICE <{service_target.url}/query> {{ GRAPH ?g {{ "
        f"<{EX}id/mechanism/m03> <http://www.w3.org/2000/01/rdf-schema#label> ?l }} }} }}"
    )
    response = requests.get(limited.sparql, params={"query": query}, timeout=30)
    assert response.status_code == 200, response.text
    assert rows(response) == [{"l": "Mechanism 03"}]


def test_no_service_by_default(endpoint: Server) -> None:
    query = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    assert requests.get(endpoint.sparql, params={"query": query}, timeout=30).status_code == 400


# --- CORS and errors ----------------------------------------------------------------------------------


def test_cors_for_any_origin_without_credentials(endpoint: Server) -> None:
    response = requests.get(
        endpoint.sparql, params={"query": CHEAP}, headers={"Origin": "https://example.org"}, timeout=30
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = requests.options(
        endpoint.sparql,
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=30,
    )
    assert preflight.status_code in (200, 204)
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/nothing-here", 404),
        ("PUT", "/sparql", 405),
        ("DELETE", "/sparql", 405),
        ("GET", "/store", 400),
    ],
)
def test_errors_have_a_clear_status_and_body_and_no_stack_trace(
    endpoint: Server, method: str, path: str, status: int
) -> None:
    response = requests.request(method, endpoint.url + path, headers={"Accept": "application/json"}, timeout=30)
    assert response.status_code == status
    assert response.json()["status"] == status
    assert "Traceback" not in response.text and 'File "' not in response.text


def test_graph_store_writes_are_refused_in_normal_operation(endpoint: Server) -> None:
    response = requests.put(
        endpoint.url + "/store?graph=http://example.org/g",
        data=b"<a:b> <a:c> <a:d> .",
        headers={"Content-Type": "application/n-triples"},
        timeout=30,
    )
    assert response.status_code == 403


def test_graph_store_reads_graphs(endpoint: Server) -> None:
    response = requests.get(
        endpoint.url + "/store",
        params={"graph": "https://w3id.org/iscm/graph/ontology"},
        headers={"Accept": "application/n-triples"},
        timeout=30,
    )
    assert response.status_code == 200
    assert len(triples(response)) == 3
    missing = requests.get(endpoint.url + "/store", params={"graph": "https://example.org/none"}, timeout=30)
    assert missing.status_code == 404


def test_timeout_body_is_valid_json_when_json_is_asked(limited: Server) -> None:
    response = requests.post(limited.sparql, data={"query": HEAVY}, headers={"Accept": "application/json"}, timeout=60)
    assert response.status_code == 503
    assert json.loads(response.content)["title"] == "Service Unavailable"


def test_an_order_by_over_mixed_terms_neither_aborts_a_worker_nor_the_server(server_tmp: Path, dist: Path) -> None:
    # Unchanged, this query aborts Oxigraph's process (see test_sparql_text); four in a row used to take
    # the whole server down (Granian stops after a crash loop). A server of its own: on the shared
    # `limited` one, a worker recycled by a timeout test stops up to MIN_WORKER_AGE seconds later, which
    # would read here as a death.
    server = start_ours("order-by", server_tmp, dist, workers=2, env={"ISCM_KG_MAX_ROWS": "25"})
    try:
        deadline = time.monotonic() + 30
        while len(before := worker_pids(server.process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(before) == 2
        query = values_query(mixed_values(4, 150))  # it aborts the engine unchanged
        for _ in range(4):
            response = requests.post(
                server.sparql, data={"query": query}, headers={"Accept": "application/json"}, timeout=60
            )
            assert response.status_code == 200
            values = [b["v"] for b in response.json()["results"]["bindings"]]
            assert len(values) == 25  # the row cap of this server
            kinds = [0 if v["type"] == "uri" else 1 for v in values]
            assert kinds == sorted(kinds)
        assert worker_pids(server.process.pid) == before
        assert server.process.poll() is None
    finally:
        server.stop()


def test_workers_killed_one_after_the_other_do_not_leave_the_endpoint_down(server_tmp: Path, dist: Path) -> None:
    # What an engine abort or the OOM killer does: a worker dies, and its fresh replacement dies too.
    # Granian calls that a crash loop and exits; once the workers had been serving, we start it again.
    from server.serve import MIN_SERVING_BEFORE_RESTART

    server = start_ours("crash-loop", server_tmp, dist, workers=2)
    try:
        time.sleep(MIN_SERVING_BEFORE_RESTART + 1)
        for _ in range(2):
            deadline = time.monotonic() + 30
            while len(pids := worker_pids(server.process.pid)) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            victim = max(pids)  # the youngest: the second kill falls within Granian's crash-loop window
            os.kill(victim, signal.SIGKILL)
            while victim in worker_pids(server.process.pid):
                time.sleep(0.05)
            time.sleep(1.0)  # Granian starts the replacement after its respawn interval
        deadline = time.monotonic() + 60
        answer = None
        while time.monotonic() < deadline and answer is None:
            try:
                answer = requests.get(server.sparql, params={"query": CHEAP}, timeout=5)
            except requests.ConnectionError:
                time.sleep(0.2)
        assert answer is not None and rows(answer) == [{"l": "Mechanism 03"}]
        assert server.process.poll() is None
        assert "starting them again" in server.log()
    finally:
        server.stop()
