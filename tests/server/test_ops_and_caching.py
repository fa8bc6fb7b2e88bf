"""Operations and HTTP caching over real HTTP: /health, /ready, /metrics, the access log, ETag and
Last-Modified tied to the dataset version, 304 on revalidation, Cache-Control, the result cache,
and proof that queries run in Oxigraph's native engine."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from .conftest import (
    BUILT_AT,
    DATASET_VERSION,
    EX,
    ROOT,
    Server,
    descendants,
    engine_pids,
    free_port,
    settled_metric,
    start_ours,
    wait_for_metric,
    wait_until_up,
)
from .test_query import rows

QUERY = f"SELECT (COUNT(?m) AS ?n) WHERE {{ ?m a <{EX}ontology#ISCM> }}"


def test_health(endpoint: Server) -> None:
    response = requests.get(endpoint.url + "/health", timeout=10)
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_ready_names_the_dataset_version(endpoint: Server) -> None:
    response = requests.get(endpoint.url + "/ready", timeout=10)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["dataset_version"] == DATASET_VERSION and body["built_at"] == BUILT_AT


def test_iscm_kg_serve_runs_the_endpoint(server_tmp: Path, dist: Path) -> None:
    """The command line of the project starts the same server (server.serve.run)."""
    cli = Path(sys.executable).parent / "iscm-kg"
    port = free_port()
    log_path = server_tmp / "cli-serve.log"
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    process = subprocess.Popen(
        [str(cli), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--dist", str(dist)],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
    )
    server = Server("cli", f"http://127.0.0.1:{port}", process, log_path)
    try:
        wait_until_up(server.url + "/health", process, log_path)
        assert rows(requests.get(server.sparql, params={"query": QUERY}, timeout=10)) == [{"n": "60"}]
    finally:
        server.stop()


def test_the_release_is_served_from_memory_by_default(endpoint: Server) -> None:
    source = requests.get(endpoint.url + "/ready", timeout=10).json()["source"]
    if endpoint.name == "embedded":  # loaded once by the supervisor, shared by the engines it forks
        assert source.endswith("iscm-kg.nq (in memory, shared by the engine processes)")
    else:
        assert source.startswith("remote endpoint")


def _maps(pid: int) -> str:
    return Path(f"/proc/{pid}/maps").read_text()


def test_the_server_runs_on_jemalloc(endpoint: Server) -> None:
    """The server re-executes itself with jemalloc (Debian libjemalloc2, installed by `make test`); the
    engines and web workers inherit it."""
    engines = engine_pids(endpoint)
    assert engines
    for pid in {endpoint.process.pid, *descendants(endpoint.process.pid)}:
        assert "libjemalloc" in _maps(pid), "no jemalloc in the server: apt-get install libjemalloc2"


def test_jemalloc_can_be_switched_off(server_tmp: Path, dist: Path) -> None:
    server = start_ours("glibc-malloc", server_tmp, dist, workers=1, env={"ISCM_KG_JEMALLOC": "off"})
    try:
        assert rows(requests.get(server.sparql, params={"query": QUERY}, timeout=10)) == [{"n": "60"}]
        assert "libjemalloc" not in _maps(server.process.pid)
    finally:
        server.stop()


def test_the_on_disk_store_can_be_queried_directly(server_tmp: Path, dist: Path) -> None:
    server = start_ours("on-disk", server_tmp, dist, workers=1, env={"ISCM_KG_IN_MEMORY": "off"})
    try:
        assert requests.get(server.url + "/ready", timeout=10).json()["source"].endswith("(read-only)")
        assert rows(requests.get(server.sparql, params={"query": QUERY}, timeout=10)) == [{"n": "60"}]
    finally:
        server.stop()


@pytest.fixture(scope="module")
def without_data(server_tmp: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_ours("no-data", server_tmp, tmp_path_factory.mktemp("nothing-built"), workers=1)
    yield server
    server.stop()


def test_not_ready_without_a_dataset(without_data: Server) -> None:
    assert requests.get(without_data.url + "/health", timeout=10).status_code == 200
    ready = requests.get(without_data.url + "/ready", timeout=10)
    assert ready.status_code == 503 and ready.json()["status"] == "unavailable"
    query = requests.get(without_data.sparql, params={"query": "ASK {}"}, timeout=10)
    assert query.status_code == 503
    assert "iscm-kg build" in query.text


def test_metrics_in_prometheus_format(endpoint: Server) -> None:
    requests.get(endpoint.sparql, params={"query": QUERY}, timeout=10)
    text = requests.get(endpoint.url + "/metrics", timeout=10).text
    for name in (
        "iscm_http_requests_total{",
        "iscm_http_request_duration_seconds_bucket{",
        "iscm_sparql_query_timeouts_total",
        "iscm_sparql_result_cache_hits_total",
        "iscm_sparql_queries_total{",
    ):
        assert name in text, name
    assert 'endpoint="/sparql"' in text


def test_access_log(endpoint: Server) -> None:
    requests.get(
        endpoint.sparql,
        params={"query": "ASK { ?s ?p ?o }"},
        headers={"User-Agent": "access-log-test"},
        timeout=10,
    )
    lines: list[str] = []
    deadline = time.monotonic() + 10  # the line is written just after the response is sent
    while not lines and time.monotonic() < deadline:
        lines = [line for line in endpoint.log().splitlines() if "access-log-test" in line]
        time.sleep(0.05)
    assert lines and '"GET /sparql?query=ASK' in lines[-1] and " 200 " in lines[-1]


# --- HTTP caching ----------------------------------------------------------------------------------------


def test_get_results_carry_validators_and_cache_control(endpoint: Server) -> None:
    response = requests.get(endpoint.sparql, params={"query": QUERY}, timeout=10)
    assert response.headers["ETag"].startswith('W/"')
    assert response.headers["Last-Modified"] == "Fri, 20 Nov 2026 10:00:00 GMT"  # build-info's built_at
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    assert "Accept" in response.headers["Vary"]


def test_etag_revalidation_gives_304(endpoint: Server) -> None:
    first = requests.get(endpoint.sparql, params={"query": QUERY}, timeout=10)
    again = requests.get(
        endpoint.sparql, params={"query": QUERY}, headers={"If-None-Match": first.headers["ETag"]}, timeout=10
    )
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    other_format = requests.get(
        endpoint.sparql,
        params={"query": QUERY},
        headers={"If-None-Match": first.headers["ETag"], "Accept": "text/csv"},
        timeout=10,
    )
    assert other_format.status_code == 200


def test_if_modified_since_gives_304(endpoint: Server) -> None:
    later = requests.get(
        endpoint.sparql,
        params={"query": QUERY},
        headers={"If-Modified-Since": "Sat, 21 Nov 2026 00:00:00 GMT"},
        timeout=10,
    )
    assert later.status_code == 304
    earlier = requests.get(
        endpoint.sparql,
        params={"query": QUERY},
        headers={"If-Modified-Since": "Thu, 19 Nov 2026 00:00:00 GMT"},
        timeout=10,
    )
    assert earlier.status_code == 200


def test_etag_follows_the_dataset_version(
    server_tmp: Path, dist: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import json
    import shutil

    other = tmp_path_factory.mktemp("next-release") / "dist"
    shutil.copytree(dist, other)
    (other / "build-info.json").write_text(json.dumps({"dataset_version": "sha256-next", "built_at": BUILT_AT}))
    first = start_ours("v1", server_tmp, dist, workers=1)
    second = start_ours("v2", server_tmp, other, workers=1)
    try:
        etags = [requests.get(s.sparql, params={"query": QUERY}, timeout=10).headers["ETag"] for s in (first, second)]
    finally:
        first.stop()
        second.stop()
    assert etags[0] != etags[1]


def test_identical_queries_are_served_from_the_result_cache(endpoint: Server) -> None:
    query = QUERY + " # cache test"
    hits = settled_metric(endpoint, "iscm_sparql_result_cache_hits_total")
    answers = [rows(requests.get(endpoint.sparql, params={"query": query}, timeout=10)) for _ in range(6)]
    assert all(answer == [{"n": "60"}] for answer in answers)
    # two workers: each evaluates once at most, the rest are hits
    assert wait_for_metric(endpoint, "iscm_sparql_result_cache_hits_total", hits + 4) - hits >= 4


def test_posted_queries_are_not_marked_cacheable(endpoint: Server) -> None:
    response = requests.post(endpoint.sparql, data={"query": QUERY}, timeout=10)
    assert "ETag" not in response.headers
    assert "public" not in response.headers.get("Cache-Control", "")


# --- the native engine --------------------------------------------------------------------------------


def test_queries_run_in_oxigraph_natively(endpoint: Server) -> None:
    # SPARQL 1.2 triple terms: Oxigraph evaluates them, rdflib's engine cannot even parse them.
    if endpoint.name.startswith("virtuoso"):
        pytest.skip("Virtuoso is not Oxigraph: it knows no SPARQL 1.2 triple terms")
    query = "SELECT (isTRIPLE(<<( <http://a> <http://b> <http://c> )>>) AS ?t) WHERE {}"
    response = requests.get(endpoint.sparql, params={"query": query}, timeout=10)
    assert response.status_code == 200, response.text
    assert rows(response) == [{"t": "true"}]
    text = requests.get(endpoint.url + "/metrics", timeout=10).text
    assert (
        'iscm_sparql_queries_total{engine="oxigraph-embedded"' in text
        or 'iscm_sparql_queries_total{engine="remote"' in text
    )


def test_queries_are_never_evaluated_by_rdflib() -> None:
    """Every query form through an engine's jobs, in a fresh interpreter where rdflib's SPARQL evaluator
    raises: Oxigraph evaluates everything (rdflib's parser only checks texts that mention SERVICE)."""
    script = f"""
import sys, json, tempfile, pathlib
sys.path.insert(0, {str(ROOT)!r})
import rdflib.plugins.sparql.evaluate as evaluate
def refuse(*args, **kwargs):
    raise AssertionError("rdflib evaluated a query")
evaluate.evalQuery = evaluate.evalPart = refuse
from tests.server.conftest import synthetic_quads, write_release
from server.backends import EmbeddedBackend
from server.engine.jobs import Jobs
dist = write_release(pathlib.Path(tempfile.mkdtemp()) / "dist", synthetic_quads())
backend = EmbeddedBackend(dist)
assert backend.load()
jobs = Jobs(backend, [], federated=False)
for query, accept in [("SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} GROUP BY ?p", "text/csv"),
                      ("ASK {{ ?s ?p ?o }}", "application/sparql-results+xml"),
                      ("CONSTRUCT WHERE {{ ?s ?p ?o }}", "application/ld+json"),
                      ("DESCRIBE <{EX}id/mechanism/m01>", "text/turtle"),
                      ("SELECT * WHERE {{ ?s ?p 'customer service' }}", "application/json")]:
    reply = jobs.run({{"op": "query", "accept": accept}}, query.encode())
    assert reply.header["ok"], reply.header
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "ok"


def test_hup_serves_the_release_the_symlink_points_to_now(
    server_tmp: Path, dist: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """`dist` is a symlink to the current release (as `iscm-kg build` makes it); after the symlink moves,
    HUP to the server's main process reloads the workers on the new release, without a restart."""
    import json
    import shutil
    import signal

    from .conftest import synthetic_quads, write_release

    root = tmp_path_factory.mktemp("releases")
    old = root / "old"
    shutil.copytree(dist, old)
    new = write_release(root / "new", synthetic_quads(mechanisms=70))
    (new / "build-info.json").write_text(json.dumps({"dataset_version": "sha256-new", "built_at": BUILT_AT}))
    link = root / "dist"
    link.symlink_to(old)
    server = start_ours("hup", server_tmp, link, workers=2)
    try:
        assert rows(requests.get(server.sparql, params={"query": QUERY}, timeout=10)) == [{"n": "60"}]
        link.unlink()
        link.symlink_to(new)
        server.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        versions: set[str] = set()
        while time.monotonic() < deadline:
            versions = {requests.get(server.url + "/ready", timeout=10).json()["dataset_version"] for _ in range(6)}
            if versions == {"sha256-new"}:
                break
            time.sleep(0.2)
        assert versions == {"sha256-new"}  # every worker
        assert rows(requests.get(server.sparql, params={"query": QUERY}, timeout=10)) == [{"n": "70"}]
        assert server.process.poll() is None
    finally:
        server.stop()
