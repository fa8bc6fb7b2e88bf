"""The engine processes are fenced in: no network even if a SERVICE call got past the check, and big
results handed over as files that nothing keeps once they are sent."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from .conftest import ROOT, Server, cpu_seconds, descendants, start_ours, wait_for_jobs


class Canary:
    """A TCP listener on loopback that counts the connections it gets."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()


@pytest.fixture
def canary() -> Iterator[Canary]:
    listener = Canary()
    yield listener
    listener.sock.close()


def test_an_engine_cannot_reach_the_network_even_when_a_service_call_gets_past_the_check(canary: Canary) -> None:
    # The check is switched off here (an allow-list of "*", an engine allowed to federate): only the
    # sandbox stands between the query and the canary.
    script = f"""
import socket, sys
sys.path.insert(0, {str(ROOT)!r})
import pyoxigraph as ox
from server.backends import EmbeddedBackend
from server.engine import sandbox
from server.engine.jobs import Jobs
sandbox.confine(network=False, memory_bytes=None, rules=sandbox.network_filter())
try:
    socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    print("inet socket opened")
except PermissionError:
    print("inet refused")
a, b = socket.socketpair(socket.AF_UNIX)  # how engines talk to the web workers: still allowed
backend = EmbeddedBackend(None)
backend._store = ox.Store()
reply = Jobs(backend, ["*"], federated=True).run(
    {{"op": "query", "accept": "application/json"}},
    b"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{canary.port}/sparql> {{ ?s ?p ?o }} }}",
)
print(reply.header["error"], reply.header["message"][:200])
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "inet refused"
    assert lines[1].startswith("evaluation ")
    assert canary.connections == 0


@pytest.fixture(scope="module")
def plain(server_tmp: Path, dist: Path) -> Iterator[Server]:
    # Long queries keep their priority here: on a busy machine, a query moved to idle priority might
    # not get the CPU these tests need it to use.
    server = start_ours("isolation", server_tmp, dist, workers=2, env={"ISCM_KG_SLOW_QUERY_SECONDS": "3600"})
    yield server
    server.stop()


def open_deleted_files(server: Server) -> list[str]:
    """Files the server's processes hold open that no longer have a name (spools of results)."""
    found = []
    for pid in descendants(server.process.pid) | {server.process.pid}:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                target = os.readlink(fd)
                if target.endswith("(deleted)") and "iscm" not in target:
                    found.append(f"{pid}: {target}")
        except OSError:
            continue
    return found


def test_big_results_are_handed_over_as_files_and_nothing_keeps_them(plain: Server) -> None:
    # 100,000 rows (the row cap) of SPARQL JSON: far past what a reply carries inline (4 MiB).
    values = " ".join(str(n) for n in range(400))
    query = f"SELECT ?n ?s ?p ?o WHERE {{ VALUES ?n {{ {values} }} ?s ?p ?o }}"
    response = requests.post(plain.sparql, data={"query": query}, timeout=120)
    assert response.status_code == 200
    assert len(response.content) > 8 * 1024 * 1024
    assert len(response.json()["results"]["bindings"]) == 100_000
    assert response.headers["X-Result-Truncated"].startswith("true")
    assert open_deleted_files(plain) == []


def quiet_within(server: Server, seconds: float) -> float:
    """The least CPU (in seconds per second) the server's processes used over a second, polling up to
    ``seconds``; a query still running would take a whole core."""
    deadline = time.monotonic() + seconds
    least = 1e9
    while time.monotonic() < deadline:
        tree = descendants(server.process.pid) | {server.process.pid}
        before = cpu_seconds(tree)
        time.sleep(1.0)
        least = min(least, cpu_seconds(tree) - before)
        if least < 0.3:
            break
    return least


def test_a_client_that_goes_away_frees_its_engine(plain: Server) -> None:
    query = quote("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
    host, port = plain.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as client:
        client.sendall(f"GET /sparql?query={query} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        assert wait_for_jobs(plain, 1) >= 1, "the query did not start"  # (the server's deadline is 30 s away)
        assert quiet_within(plain, 0.5) > 0.5, "the query was not running"
    # The client has gone: its engine is killed, long before the deadline.
    assert quiet_within(plain, 5) < 0.3
    response = requests.get(plain.sparql, params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
    assert response.status_code == 200 and response.json()["boolean"] is True


def test_the_site_is_not_starved_by_sparql_traffic(plain: Server) -> None:
    """16 expensive /sparql queries kept in flight: the pages and the linked data (the site's own lane)
    still answer, with their content."""
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    stop = threading.Event()

    def storm(n: int) -> None:
        with requests.Session() as session:
            while not stop.is_set():
                try:
                    session.get(plain.sparql, params={"query": f"{heavy} # {n} {time.monotonic_ns()}"}, timeout=2)
                except requests.RequestException:
                    pass

    threads = [threading.Thread(target=storm, args=(n,), daemon=True) for n in range(16)]
    for thread in threads:
        thread.start()
    try:
        assert wait_for_jobs(plain, 2) >= 2, "the storm did not start"
        for _ in range(5):
            page = requests.get(plain.url + "/page/id/mechanism/m03", timeout=30)
            assert page.status_code == 200 and "Mechanism 03" in page.text
            document = requests.get(plain.url + "/data/id/mechanism/m03.ttl", timeout=30)
            assert document.status_code == 200 and "Mechanism 03" in document.text
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
