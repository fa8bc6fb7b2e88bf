"""Fixtures: a synthetic release, and real servers on loopback (ours under Granian, the Oxigraph server).

Every endpoint fixture is parametrized over the two backends: ``embedded`` (our server on its own
pyoxigraph store) and ``remote`` (our server in front of the ``oxigraph`` server from PyPI).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from iscm_kg.querying import statement

ROOT = Path(__file__).resolve().parents[2]
W3C = ROOT / "tests" / "w3c" / "sparql" / "sparql11"
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
TOKEN = "test-update-token"
EX = "https://w3id.org/iscm/"
FACTS = EX + "graph/facts"
ONTOLOGY = EX + "graph/ontology"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DATASET_VERSION = "sha256-synthetic-0001"
BUILT_AT = "2026-11-20T10:00:00Z"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A server process on loopback; ``url`` is its base URL (no trailing slash)."""

    name: str
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (read from /proc: children of children...)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def supervisor_pid(server: Server) -> int | None:
    """The engine supervisor of one of our servers."""
    for pid in descendants(server.process.pid):
        if "server.engine.supervisor" in command_line(pid):
            parent = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]
            if "server.engine.supervisor" not in command_line(int(parent)):
                return pid
    return None


def engine_pids(server: Server) -> set[int]:
    """The engine processes of one of our servers (the children of its supervisor)."""
    supervisor = supervisor_pid(server)
    return set() if supervisor is None else descendants(supervisor)


def cpu_seconds(pids: set[int]) -> float:
    """User + system CPU time of these processes, so far (those that ended count no more)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def wait_until_up(url: str, process: subprocess.Popen[bytes], log_path: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not come up:\n{log_path.read_text()}")


def start_ours(
    name: str,
    tmp: Path,
    dist: Path,
    workers: int = 2,
    env: dict[str, str] | None = None,
    backend_url: str | None = None,
) -> Server:
    """Our app under Granian, through the real serve entry point."""
    port = free_port()
    log_path = tmp / f"{name}.log"
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    full_env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [
        sys.executable,
        "-m",
        "iscm_kg.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--dist",
        str(dist),
    ]
    if backend_url:
        command += ["--backend-url", backend_url]
    process = subprocess.Popen(command, cwd=ROOT, env=full_env, stdout=log_path.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url + "/health", process, log_path)
    return Server(name, url, process, log_path, full_env)


def start_oxigraph(
    name: str,
    tmp: Path,
    nquads: Path | None = None,
    read_only: bool = True,
    timeout_s: int | None = None,
    set_union: bool = False,
) -> Server:
    """The `oxigraph` server from PyPI on loopback. With ``set_union``, the set union of the loaded named
    graphs is written into its default graph once, after the load (queries/store/materialize-union.ru, as
    the build does for our store): no per-query union parameter is needed then."""
    location = tmp / f"{name}-store"
    shutil.rmtree(location, ignore_errors=True)
    if nquads is not None:
        subprocess.run(
            [str(OXIGRAPH), "load", "--location", str(location), "--file", str(nquads)],
            check=True,
            capture_output=True,
        )
        if set_union:
            subprocess.run(
                [str(OXIGRAPH), "update", "--location", str(location), "--update", statement("store/materialize-union.ru")],
                check=True,
                capture_output=True,
            )
    else:
        location.mkdir(parents=True)
    port = free_port()
    log_path = tmp / f"{name}.log"
    # No --union-default-graph: with it the Oxigraph server ignores FROM clauses. Our remote backend asks
    # for the union per query instead (ISCM_KG_BACKEND_UNION_PARAMETER).
    command = [
        str(OXIGRAPH),
        "serve-read-only" if read_only else "serve",
        "--location",
        str(location),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    if timeout_s:
        command += ["--timeout-s", str(timeout_s)]
    process = subprocess.Popen(command, stdout=log_path.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url + "/query?query=ASK%7B%7D", process, log_path)
    return Server(name, url, process, log_path)


# --- metrics, as a client reads them ------------------------------------------------------------------


def metric(server: Server, name: str, labels: str = "") -> float:
    """The sum of a metric over its labels (or the series whose labels start with ``labels``, e.g.
    ``lane="sparql"``), read from /metrics."""
    text = requests.get(server.url + "/metrics", timeout=10).text
    prefixes = (name + "{" + labels,) if labels else (name + " ", name + "{")
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(prefixes))


def settled_metric(server: Server, name: str) -> float:
    """The metric once every worker has published what it counted: two reads further apart than the
    workers' batching delay (server/batched_metrics.py) agree."""
    from server.batched_metrics import FLUSH_SECONDS

    deadline = time.monotonic() + 10
    value = metric(server, name)
    while time.monotonic() < deadline:
        settled = time.monotonic() + FLUSH_SECONDS * 1.5
        while time.monotonic() < settled:
            time.sleep(0.05)
        again = metric(server, name)
        if again == value:
            break
        value = again
    return value


def wait_for_metric(server: Server, name: str, at_least: float, timeout: float = 5, labels: str = "") -> float:
    """The metric once it reaches ``at_least`` (workers publish their counts in batches), or at the timeout."""
    deadline = time.monotonic() + timeout
    value = metric(server, name, labels)
    while value < at_least and time.monotonic() < deadline:
        time.sleep(0.05)
        value = metric(server, name, labels)
    return value


def jobs_after(server: Server, lane: str = "sparql", timeout: float = 10) -> float:
    """The number of jobs in the engines of ``lane`` once there are none, or at the timeout (a stopped
    engine's slot is cleared when its supervisor has reaped it)."""
    deadline = time.monotonic() + timeout
    value = metric(server, "iscm_engine_jobs", f'lane="{lane}"')
    while value > 0 and time.monotonic() < deadline:
        time.sleep(0.05)
        value = metric(server, "iscm_engine_jobs", f'lane="{lane}"')
    return value


def wait_for_jobs(server: Server, at_least: int, lane: str = "sparql", timeout: float = 10) -> float:
    """The number of jobs in the engines of ``lane`` once ``at_least`` are (the server's own gauge,
    iscm_engine_jobs), or at the timeout: a test waits for its queries to run, never for a fixed time."""
    return wait_for_metric(server, "iscm_engine_jobs", at_least, timeout, labels=f'lane="{lane}"')


# --- the synthetic release ----------------------------------------------------------------------------


def synthetic_quads(mechanisms: int = 60, states: int = 40) -> list[ox.Quad]:
    """A small ISCM-like dataset: mechanisms with labels and member states, in named graphs."""
    facts = ox.NamedNode(FACTS)
    onto = ox.NamedNode(ONTOLOGY)
    iscm_class = ox.NamedNode(EX + "ontology#ISCM")
    state_class = ox.NamedNode(EX + "ontology#State")
    member = ox.NamedNode(EX + "ontology#hasMember")
    rdf_type = ox.NamedNode(RDF_TYPE)
    label = ox.NamedNode(RDFS_LABEL)
    quads = [
        ox.Quad(iscm_class, rdf_type, ox.NamedNode("http://www.w3.org/2002/07/owl#Class"), onto),
        ox.Quad(iscm_class, label, ox.Literal("inter-State consultation mechanism", language="en"), onto),
        ox.Quad(state_class, rdf_type, ox.NamedNode("http://www.w3.org/2002/07/owl#Class"), onto),
    ]
    for s in range(states):
        state = ox.NamedNode(f"{EX}id/state/S{s:02d}")
        quads += [
            ox.Quad(state, rdf_type, state_class, facts),
            ox.Quad(state, label, ox.Literal(f"State {s:02d}", language="en"), facts),
        ]
    for m in range(mechanisms):
        mechanism = ox.NamedNode(f"{EX}id/mechanism/m{m:02d}")
        quads += [
            ox.Quad(mechanism, rdf_type, iscm_class, facts),
            ox.Quad(mechanism, label, ox.Literal(f"Mechanism {m:02d}", language="en"), facts),
        ]
        for k in range(m % 7 + 2):
            quads.append(ox.Quad(mechanism, member, ox.NamedNode(f"{EX}id/state/S{(m * 3 + k) % states:02d}"), facts))
    return quads


def write_release(dist: Path, quads: list[ox.Quad]) -> Path:
    """A release folder as `iscm-kg build` writes it: store/, iscm-kg.nq, build-info.json."""
    dist.mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(dist / "store"))
    store.extend(quads)
    store.flush()
    del store
    ox.serialize(quads, str(dist / "iscm-kg.nq"), format=ox.RdfFormat.N_QUADS)
    (dist / "build-info.json").write_text(json.dumps({"dataset_version": DATASET_VERSION, "built_at": BUILT_AT}))
    return dist


@pytest.fixture(scope="session")
def quads() -> list[ox.Quad]:
    return synthetic_quads()


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory, quads: list[ox.Quad]) -> Path:
    return write_release(tmp_path_factory.mktemp("release") / "dist", quads)


@pytest.fixture(scope="session")
def server_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("servers")


# Our server on its embedded store, and in front of the two peers it is verified against: the Oxigraph
# server and Virtuoso (tests/server/virtuoso.py), each started here.
BACKENDS = ["embedded", "remote", "virtuoso"]
# For an Oxigraph server loaded with named graphs only (the writable one starts empty): ask for its union.
REMOTE_ENV = {"ISCM_KG_BACKEND_UNION_PARAMETER": "union-default-graph"}


@pytest.fixture(scope="session", params=BACKENDS)
def endpoint(request: pytest.FixtureRequest, server_tmp: Path, dist: Path) -> Iterator[Server]:
    """Our read-only endpoint on the synthetic release, on each backend."""
    servers: list[Server] = []
    try:
        if request.param == "embedded":
            servers.append(start_ours("embedded", server_tmp, dist))
        elif request.param == "virtuoso":
            from .virtuoso import start_virtuoso

            # Its default graph is the bag union of ours; the synthetic release has no triple in two graphs.
            virtuoso = start_virtuoso("virtuoso-ro", server_tmp, dist / "iscm-kg.nq")
            servers.append(virtuoso)
            servers.append(start_ours("virtuoso-backed", server_tmp, dist, backend_url=virtuoso.sparql))
        else:
            # Loaded as docs/endpoint.md says: its default graph is then the set union of the named graphs.
            oxigraph = start_oxigraph("oxigraph-ro", server_tmp, dist / "iscm-kg.nq", read_only=True, set_union=True)
            servers.append(oxigraph)
            servers.append(start_ours("remote", server_tmp, dist, backend_url=oxigraph.url + "/query"))
        yield servers[-1]
    finally:
        for server in reversed(servers):
            server.stop()


@pytest.fixture(scope="session", params=BACKENDS)
def writable_endpoint(
    request: pytest.FixtureRequest, server_tmp: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """Our endpoint with updates switched on (the test configuration), on each backend; starts empty."""
    env = {"ISCM_KG_UPDATES": "1", "ISCM_KG_UPDATE_TOKEN": TOKEN}
    empty_dist = tmp_path_factory.mktemp("empty-release")
    servers: list[Server] = []
    try:
        if request.param == "embedded":
            env["ISCM_KG_STORE"] = str(tmp_path_factory.mktemp("rw") / "store")
            servers.append(start_ours("embedded-rw", server_tmp, empty_dist, workers=1, env=env))
        elif request.param == "virtuoso":
            from .virtuoso import start_virtuoso

            virtuoso = start_virtuoso("virtuoso-rw", server_tmp, None, writable=True)
            servers.append(virtuoso)
            env["ISCM_KG_BACKEND_UPDATE_URL"] = virtuoso.sparql
            servers.append(
                start_ours("virtuoso-backed-rw", server_tmp, empty_dist, env=env, backend_url=virtuoso.sparql)
            )
        else:
            oxigraph = start_oxigraph("oxigraph-rw", server_tmp, read_only=False)
            servers.append(oxigraph)
            env.update(REMOTE_ENV, ISCM_KG_BACKEND_UPDATE_URL=oxigraph.url + "/update")
            servers.append(
                start_ours("remote-rw", server_tmp, empty_dist, env=env, backend_url=oxigraph.url + "/query")
            )
        yield servers[-1]
    finally:
        for server in reversed(servers):
            server.stop()


def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


# --- reporting the W3C query-evaluation counts --------------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "w3c_eval: the W3C SPARQL 1.1 query-evaluation sweep over HTTP")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from .w3c_eval import OUTCOMES

    if not OUTCOMES:
        return
    total = len(OUTCOMES)
    in_process = sum(1 for o in OUTCOMES.values() if o["in_process"])
    over_http = sum(1 for o in OUTCOMES.values() if o["http"])
    terminalreporter.write_sep("-", "W3C SPARQL 1.1 query evaluation")
    terminalreporter.write_line(f"pyoxigraph in process: {in_process}/{total} passed")
    terminalreporter.write_line(f"through our HTTP endpoint: {over_http}/{total} passed")
    for name, outcome in sorted(OUTCOMES.items()):
        if outcome["in_process"] and outcome["http"]:
            continue
        where = (
            "both"
            if not outcome["in_process"] and not outcome["http"]
            else ("over HTTP only" if outcome["in_process"] else "in process only")
        )
        terminalreporter.write_line(f"  failed {where}: {name}: {str(outcome['problem'])[:160]}")
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "w3c-query-eval.json").write_text(
        json.dumps(
            {"total": total, "in_process": in_process, "http": over_http, "cases": OUTCOMES}, indent=1, default=str
        )
    )
