"""Storm benchmark: does a cheap lookup stay fast while one hostile client keeps expensive queries in flight?

For each server, on the real release (dist/), one after the other (the storm saturates the machine):
  ours      `iscm-kg serve --workers 2 --dist DIST`, ISCM_KG_QUERY_TIMEOUT=<--timeout>
  oxigraph  the `oxigraph` server from PyPI: `oxigraph serve --union-default-graph --timeout-s <--timeout>`,
            the release's iscm-kg.nq loaded into its memory (ours serves from memory too)
(both started by benchmarks/run.py's start()), three phases:
  1 idle    a cheap lookup (everything about one mechanism, a unique variable name each time so that no
            cache answers it) sent open loop at --cheap-rate per second for --idle seconds: each request at its
            scheduled time, in its own thread, on a fresh connection (`Connection: close`) from
            --cheap-source (by default 127.0.0.1, the storm's own address: a per-address quota cannot tell
            the cheap lookups from the storm, only priorities can); latency is counted from
            the scheduled time, so a slow server cannot slow the schedule down
  2 storm   --storm clients (threads of a process of their own), all from 127.0.0.1, each keeping one
            expensive query in flight for --duration seconds on its own kept-alive connection (closed loop:
            the next query as soon as an answer comes, whatever its status; Retry-After is not honoured).
            Even clients send a cartesian COUNT over all triples (never finishes in time), odd ones a regex
            over every literal (tens of ms alone); each text differs (its result variable), so no cache
            answers. The clients start 0.25 s apart, so that their timeouts do not all fall together. The
            cheap lookup keeps going at --cheap-rate; the storm lasts until the last cheap lookup scheduled
            in --duration has its answer (client timeout: --timeout + 30 s for every request)
  3 after   the storm clients cut their connections (the stop; queries in flight are abandoned), and the
            CPU use of the server's process tree (utime + stime of the server process and every descendant,
            from /proc, re-listed at each 0.1 s sample) is watched until it stays under 5 % of one core for
            0.5 s, or 30 s pass. Seconds to idle: from the stop (and from the last storm answer before it) to
            the start of that quiet 0.5 s; beside it, when the last abandoned query would reach the server's
            timeout (a server that runs abandoned queries until their timeout, and no longer, is idle then).
            Then one more cheap lookup checks that the server still answers
Cheap failures: any non-200 answer, connection error, client timeout, or a row count other than the one the
server gave during the warm-up. Storm outcomes: 200 (valid JSON), 200-cut (200 but the body is not valid
JSON: the Oxigraph server's timeout), 429, 503, other statuses, dropped (no status: reset, closed,
client timeout). A kept-alive connection that the server closed between two queries (the send fails at
once, with nothing received) is reopened and the query sent again (counted as "stale").

Usage:  .venv/bin/python -m benchmarks.storm [--duration 60] [--timeout 10] [--servers ours,oxigraph] [--storm 16]
        [--cheap-rate 5] [--idle 15] [--rounds 1] [--dist dist]
With --rounds N the servers take turns, round after round, each round in a rotated order.
Results: a Markdown table on stdout, JSON in benchmarks/results/storm-<timestamp>.json and the servers' output
in storm-<timestamp>.log beside it (benchmarks/results/ is kept out of git).
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import multiprocessing
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from benchmarks import run as bench

SERVERS = ["ours", "oxigraph"]
ACCEPT = "application/sparql-results+json"
# {TAG} makes each text unique, in a variable name (so that even a cache that ignores comments misses)
CHEAP_QUERY = "SELECT ?p ?o_{TAG} WHERE { <https://w3id.org/iscm/id/mechanism/budapest> ?p ?o_{TAG} } # cheap"
STORM_QUERIES = {
    "cartesian": "SELECT (COUNT(*) AS ?n_{TAG}) WHERE { ?a ?b ?c . ?d ?e ?f }",
    "regex": (
        "SELECT (COUNT(*) AS ?n_{TAG}) WHERE { ?s ?p ?o "
        'FILTER(isLiteral(?o) && REGEX(STR(?o), "(a|e)+(i|o)+.*z", "i")) }'
    ),
}
STORM_SOURCE = "127.0.0.1"
CPU_INTERVAL = 0.1  # s between two samples of the server's CPU use
IDLE_WINDOW = 0.5  # s of ...
IDLE_SHARE = 0.05  # ... under this share of one core: idle
IDLE_WAIT = 30.0  # s after the storm's stop at most
RAMP_STEP = 0.25  # s between the first queries of two storm clients, so that their timeouts do not fall together
MAX_STORM_QUERIES = 1_000_000  # per client: a bound on the loop besides --duration
STALE_SECONDS = 1.0  # a reused connection failing sooner than this, with nothing received, was stale
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- HTTP ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    path: str

    @classmethod
    def of(cls, url: str) -> Endpoint:
        parts = urlsplit(url)
        return cls(parts.hostname or "127.0.0.1", parts.port or 80, parts.path or "/")

    def target(self, query: str) -> str:
        return f"{self.path}?query={quote(query, safe='')}"

    def connect(self, source: str, timeout: float) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout, source_address=(source, 0))


def read_body(response: http.client.HTTPResponse) -> tuple[bytes, bool]:
    """The body and whether it arrived whole (a body cut in its framing raises IncompleteRead)."""
    try:
        return response.read(), True
    except http.client.IncompleteRead as exc:
        return exc.partial, False


def json_rows(body: bytes) -> int | None:
    """The number of solutions in a SPARQL JSON result, or None if it is not one."""
    try:
        return len(json.loads(body)["results"]["bindings"])
    except (ValueError, KeyError, TypeError):
        return None


# --- the cheap lookup, open loop -----------------------------------------------------------------------


@dataclass
class Cheap:
    """One cheap lookup: when it was due, how long it took from then, and what came back."""

    scheduled: float
    latency: float | None = None
    status: int | None = None
    rows: int | None = None
    error: str | None = None


def cheap_request(endpoint: Endpoint, source: str, tag: str, timeout: float, record: Cheap) -> None:
    """Send one cheap lookup on a fresh connection and fill in ``record``."""
    connection = endpoint.connect(source, timeout)
    try:
        connection.request(
            "GET", endpoint.target(CHEAP_QUERY.replace("{TAG}", tag)), headers={"Accept": ACCEPT, "Connection": "close"}
        )
        response = connection.getresponse()
        body, whole = read_body(response)
        record.status = response.status
        record.rows = json_rows(body) if whole else None
        if not whole:
            record.error = "incomplete body"
    except OSError as exc:  # refused, reset, client timeout
        record.error = type(exc).__name__
    finally:
        record.latency = time.monotonic() - record.scheduled
        connection.close()


def cheap_load(endpoint: Endpoint, rate: float, seconds: float, source: str, timeout: float, tag: str) -> list[Cheap]:
    """Cheap lookups at ``rate`` per second for ``seconds``, each at its scheduled time; returns once all are in."""
    records: list[Cheap] = []
    threads: list[threading.Thread] = []
    begin = time.monotonic()
    for n in range(max(1, round(rate * seconds))):
        due = begin + n / rate
        time.sleep(max(0.0, due - time.monotonic()))
        record = Cheap(due)
        records.append(record)
        thread = threading.Thread(target=cheap_request, args=(endpoint, source, f"{tag}_{n}", timeout, record))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return records


def warm_up(endpoint: Endpoint, source: str, timeout: float, tag: str, count: int = 20) -> int:
    """Send ``count`` cheap lookups one after the other; the row count they agree on (the reference)."""
    rows: set[int | None] = set()
    for n in range(count):
        record = Cheap(time.monotonic())
        cheap_request(endpoint, source, f"{tag}_warm_{n}", timeout, record)
        if record.status != 200 or record.rows is None:
            raise RuntimeError(f"cheap lookup at warm-up: status {record.status}, {record.error or 'not JSON'}")
        rows.add(record.rows)
    if len(rows) != 1:
        raise RuntimeError(f"cheap lookup: row counts differ at warm-up: {sorted(rows)}")
    return rows.pop()


# --- the storm, closed loop ----------------------------------------------------------------------------


@dataclass
class StormTally:
    """Outcomes of the storm queries and how long they took, by kind of query (thread-safe)."""

    seconds: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    drops: Counter[str] = field(default_factory=Counter)  # why queries were dropped (exception names)
    last_answer: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, outcome: str, elapsed: float) -> None:
        with self.lock:
            self.seconds.setdefault(kind, {}).setdefault(outcome, []).append(elapsed)
            if outcome not in ("abandoned", "stale"):
                self.last_answer = time.monotonic()

    def summary(self) -> dict[str, dict[str, dict[str, float | None]]]:
        """kind -> outcome -> count, median and maximum seconds."""
        with self.lock:
            return {
                kind: {
                    outcome: {"count": len(values), "median_s": percentile(values, 0.5), "max_s": max(values)}
                    for outcome, values in outcomes.items()
                }
                for kind, outcomes in self.seconds.items()
            }


class StormClient(threading.Thread):
    """Keeps one expensive query in flight on one kept-alive connection until stopped."""

    def __init__(
        self, endpoint: Endpoint, kind: str, tag: str, timeout: float, tally: StormTally, stop: threading.Event
    ) -> None:
        super().__init__(name=f"storm-{tag}", daemon=True)
        self.endpoint, self.kind, self.tag, self.timeout = endpoint, kind, tag, timeout
        self.tally, self.stop = tally, stop
        self.connection: http.client.HTTPConnection | None = None
        self.delay = 0.0  # s to wait before the first query (the storm ramps up, see storm_process)
        self.sent_at: float | None = None  # when the query in flight was sent

    def run(self) -> None:
        n = 0
        self.stop.wait(self.delay)
        while not self.stop.is_set() and n < MAX_STORM_QUERIES:
            target = self.endpoint.target(STORM_QUERIES[self.kind].replace("{TAG}", f"{self.tag}_{n}"))
            started = time.monotonic()
            outcome = self.ask(target)
            self.sent_at = None
            self.tally.add(self.kind, "abandoned" if self.stop.is_set() else outcome, time.monotonic() - started)
            n += 1
        self.close()

    def ask(self, target: str) -> str:
        """Send one query and classify what comes back; reopens a connection that the server had closed."""
        while True:
            reused = self.connection is not None
            if self.connection is None:
                self.connection = self.endpoint.connect(STORM_SOURCE, self.timeout)
            if self.stop.is_set():  # stopped meanwhile: send nothing more
                return "abandoned"
            sent = self.sent_at = time.monotonic()
            try:
                self.connection.request("GET", target, headers={"Accept": ACCEPT})
                response = self.connection.getresponse()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                self.close()
                if reused and time.monotonic() - sent < STALE_SECONDS and not self.stop.is_set():
                    self.tally.add(self.kind, "stale", time.monotonic() - sent)
                    continue
                return self.dropped(exc)
            except OSError as exc:  # refused, client timeout
                self.close()
                return self.dropped(exc)
            return self.classify(response)

    def dropped(self, exc: BaseException) -> str:
        if not self.stop.is_set():
            with self.tally.lock:
                self.tally.drops[f"{self.kind} {type(exc).__name__}"] += 1
        return "dropped"

    def classify(self, response: http.client.HTTPResponse) -> str:
        try:
            body, whole = read_body(response)
        except OSError:
            body, whole = b"", False
        if not whole or response.will_close:
            self.close()
        if response.status == 200:
            return "200" if whole and json_rows(body) is not None else "200-cut"
        return str(response.status)

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            connection.close()

    def abort(self) -> None:
        """Cut the connection under a query in flight (from another thread): the client walks away."""
        connection = self.connection
        sock = connection.sock if connection is not None else None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


# --- the server's CPU use ------------------------------------------------------------------------------


def process_table() -> dict[int, tuple[int, int, int]]:
    """pid -> (parent pid, start time, utime + stime in clock ticks) of every process."""
    table: dict[int, tuple[int, int, int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:  # it ended meanwhile
            continue
        table[int(entry.name)] = (int(fields[1]), int(fields[19]), int(fields[11]) + int(fields[12]))
    return table


def tree_ticks(root: int) -> dict[tuple[int, int], int]:
    """(pid, start time) -> CPU ticks of ``root`` and all its descendants, listed afresh."""
    table = process_table()
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in table.items():
        children.setdefault(parent, []).append(pid)
    ticks: dict[tuple[int, int], int] = {}
    todo = [root] if root in table else []
    while todo:
        pid = todo.pop()
        _, started, used = table[pid]
        ticks[(pid, started)] = used
        todo += children.get(pid, [])
    return ticks


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (not idle, not waiting for I/O) since it started."""
    with open("/proc/stat", "rb") as stat:
        fields = [int(v) for v in stat.readline().split()[1:9]]
    return (sum(fields) - fields[3] - fields[4]) / CLOCK_TICKS


class TreeCpu(threading.Thread):
    """Samples the CPU time used by a process tree every CPU_INTERVAL s: (time, CPU seconds since start).

    A process that appears between two samples counts with all its CPU time; one that ends between two
    samples loses what it used since the last one (at most CPU_INTERVAL s of each core)."""

    def __init__(self, root: int) -> None:
        super().__init__(name="tree-cpu", daemon=True)
        self.root = root
        self.samples: list[tuple[float, float]] = []
        self.machine: list[tuple[float, float]] = []  # the same for the whole machine (/proc/stat)
        self.pids: set[int] = set()
        self.done = threading.Event()

    def run(self) -> None:
        previous = tree_ticks(self.root)
        total = 0
        while not self.done.is_set():
            now = time.monotonic()
            current = tree_ticks(self.root)
            total += sum(max(0, used - previous.get(key, 0)) for key, used in current.items())
            previous = current
            self.pids.update(pid for pid, _ in current)
            self.samples.append((now, total / CLOCK_TICKS))
            self.machine.append((now, machine_busy()))
            self.done.wait(max(0.0, now + CPU_INTERVAL - time.monotonic()))

    def cores(self, start: float, end: float, machine: bool = False) -> float | None:
        """Mean CPU use (in cores) of the tree, or of the whole machine, between two moments."""
        inside = [(t, cpu) for t, cpu in (self.machine if machine else self.samples) if start <= t <= end]
        if len(inside) < 2 or inside[-1][0] <= inside[0][0]:
            return None
        return (inside[-1][1] - inside[0][1]) / (inside[-1][0] - inside[0][0])

    def quiet_since(self, after: float) -> float | None:
        """The first sample time >= ``after`` from which CPU use stays under IDLE_SHARE for IDLE_WINDOW s."""
        samples = list(self.samples)
        for i, (start, cpu) in enumerate(samples):
            if start < after:
                continue
            end = next(((t, c) for t, c in samples[i + 1 :] if t - start >= IDLE_WINDOW), None)
            if end is None:
                return None
            if (end[1] - cpu) / (end[0] - start) < IDLE_SHARE:
                return start
        return None


# --- one server, three phases --------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summarize_cheap(records: list[Cheap], expected_rows: int) -> dict[str, Any]:
    """Latencies (ms) of the good answers, and the failures by kind."""
    good = [r.latency for r in records if r.status == 200 and r.rows == expected_rows and r.latency is not None]
    failures: Counter[str] = Counter()
    for r in records:
        if r.error is not None:
            failures[r.error if r.status is None else f"{r.status} {r.error}"] += 1
        elif r.status != 200:
            failures[str(r.status)] += 1
        elif r.rows != expected_rows:
            failures[f"{r.rows} rows" if r.rows is not None else "not JSON"] += 1
    millis = [v * 1e3 for v in good]
    return {
        "sent": len(records),
        "answers": len(good),
        "failures": sum(failures.values()),
        "failure_kinds": dict(failures),
        "p50_ms": percentile(millis, 0.50),
        "p99_ms": percentile(millis, 0.99),
        "max_ms": max(millis, default=None),
    }


def storm_process(endpoint: Endpoint, count: int, timeout: float, tag: str, halt: Any, ready: Any, out: Any) -> None:
    """The storm's own process (so that its threads, which spin fast on quick refusals, cannot hold the GIL
    of the cheap client): ``count`` clients until ``halt`` is set; then it cuts their connections and puts
    the tally on ``out``. (multiprocessing Events and Queue; time.monotonic is one clock for all processes.)"""
    tally, stop = StormTally(), threading.Event()
    kinds = list(STORM_QUERIES)
    clients = [StormClient(endpoint, kinds[k % len(kinds)], f"{tag}_c{k}", timeout, tally, stop) for k in range(count)]
    for k, client in enumerate(clients):
        client.delay = k * RAMP_STEP
        client.start()
    ready.set()
    halt.wait()
    stop.set()
    stopped = time.monotonic()
    in_flight = [(client.kind, client.sent_at) for client in clients if client.sent_at is not None]
    deadline = stopped + 10
    while any(client.is_alive() for client in clients) and time.monotonic() < deadline:
        for client in clients:
            client.abort()
        for client in clients:
            client.join(timeout=0.05)
    summary = {"by_kind": tally.summary(), "drops": dict(tally.drops), "last": tally.last_answer}
    out.put({**summary, "stopped": stopped, "in_flight": in_flight})


def storm_phase(endpoint: Endpoint, args: argparse.Namespace, tag: str) -> tuple[list[Cheap], dict[str, Any]]:
    """Run the storm with the cheap lookups alongside; the cheap records and the storm's tally."""
    context = multiprocessing.get_context("spawn")
    halt, ready, out = context.Event(), context.Event(), context.Queue()
    process = context.Process(
        target=storm_process, args=(endpoint, args.storm, args.timeout + 30, tag, halt, ready, out), daemon=True
    )
    process.start()
    try:
        if not ready.wait(30):
            raise RuntimeError("the storm process did not start")
        cheap = cheap_load(
            endpoint, args.cheap_rate, args.duration, args.cheap_source, args.timeout + 30, f"{tag}_storm"
        )
        halt.set()
        tally: dict[str, Any] = out.get(timeout=60)
    finally:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
    return cheap, tally


def wait_idle(cpu: TreeCpu, since: float) -> float | None:
    """Wait until the server's CPU use has gone quiet after ``since`` (or IDLE_WAIT s pass); when it did."""
    while time.monotonic() < since + IDLE_WAIT + IDLE_WINDOW:
        quiet = cpu.quiet_since(since)
        if quiet is not None:
            return quiet
        time.sleep(CPU_INTERVAL)
    return None


@dataclass
class Phases:
    """What one server went through: the raw records of the three phases."""

    expected_rows: int
    idle: list[Cheap]
    cheap: list[Cheap]
    tally: dict[str, Any]
    marks: dict[str, float]  # moments (time.monotonic): idle_start, storm_start, stop, due, last, quiet
    check: Cheap
    alive: bool


def run_phases(server: bench.Running, cpu: TreeCpu, args: argparse.Namespace, tag: str) -> Phases:
    """Warm-up, then the idle, storm and after phases against a running server."""
    endpoint = Endpoint.of(server.url)
    client_timeout = args.timeout + 30
    expected = warm_up(endpoint, args.cheap_source, client_timeout, tag)
    time.sleep(1.0)
    marks = {"idle_start": time.monotonic()}
    idle = cheap_load(endpoint, args.cheap_rate, args.idle, args.cheap_source, client_timeout, f"{tag}_idle")
    marks["storm_start"] = time.monotonic()
    print(f"# {server.name}: idle phase done, storm of {args.storm} for {args.duration:g} s", flush=True)
    cheap, tally = storm_phase(endpoint, args, tag)
    stop = marks["stop"] = tally["stopped"]
    # the last abandoned cartesian query (it never finishes in time) reaches the server's timeout then
    marks["due"] = max([sent + args.timeout for kind, sent in tally["in_flight"] if kind == "cartesian"], default=stop)
    marks["last"] = tally["last"] or stop
    quiet = wait_idle(cpu, stop)
    if quiet is not None:
        marks["quiet"] = quiet
    check = Cheap(time.monotonic())
    cheap_request(endpoint, args.cheap_source, f"{tag}_check", client_timeout, check)
    return Phases(expected, idle, cheap, tally, marks, check, server.process.poll() is None)


def figures(name: str, phases: Phases, cpu: TreeCpu) -> dict[str, Any]:
    """The figures of one server's run."""
    marks, kinds = phases.marks, phases.tally["by_kind"]
    idle, storm = (
        summarize_cheap(phases.idle, phases.expected_rows),
        summarize_cheap(phases.cheap, phases.expected_rows),
    )
    outcomes: Counter[str] = Counter()
    for by_outcome in kinds.values():
        outcomes.update({outcome: values["count"] for outcome, values in by_outcome.items()})
    quiet = marks.get("quiet")
    periods = {
        "idle_phase": (marks["idle_start"], marks["storm_start"]),
        "storm": (marks["storm_start"], marks["stop"]),
        "first_5s_after_stop": (marks["stop"], marks["stop"] + 5),
    }
    return {
        "server": name,
        "cheap_rows": phases.expected_rows,
        "idle": idle,
        "storm": storm,
        "storm_ratio_p99": ratio(storm["p99_ms"], idle["p99_ms"]),
        "storm_outcomes": dict(outcomes),
        "storm_by_kind": kinds,
        "storm_drop_reasons": phases.tally["drops"],
        "storm_wall_s": marks["stop"] - marks["storm_start"],
        "abandoned_in_flight": len(phases.tally["in_flight"]),
        "last_answer_before_stop_s": marks["stop"] - marks["last"],
        "last_timeout_due_after_stop_s": marks["due"] - marks["stop"],
        "idle_after_stop_s": None if quiet is None else max(0.0, quiet - marks["stop"]),
        "idle_after_last_answer_s": None if quiet is None else max(0.0, quiet - marks["last"]),
        # the server's CPU use, and the whole machine's (the server, the clients, anything else running)
        "cpu_cores": {period: cpu.cores(*span) for period, span in periods.items()},
        "machine_cpu_cores": {period: cpu.cores(*span, machine=True) for period, span in periods.items()},
        "processes_seen": len(cpu.pids),
        "check_after": {"status": phases.check.status, "rows": phases.check.rows, "error": phases.check.error},
        "alive_after": phases.alive,
    }


def measure_server(name: str, data: dict[str, Path], args: argparse.Namespace, log: Path, tag: str) -> dict[str, Any]:
    """Start one server, run the three phases against it, stop it; the figures."""
    load = os.getloadavg()  # other work on the machine skews every figure: say how much there was
    began = time.monotonic()
    server = bench.start(name, data, log, query_timeout=args.timeout)
    print(f"# {name}: up in {time.monotonic() - began:.1f} s", flush=True)
    cpu = TreeCpu(server.process.pid)
    cpu.start()
    try:
        phases = run_phases(server, cpu, args, tag)
    finally:
        cpu.done.set()
        cpu.join()
        server.stop()
    return {**figures(name, phases, cpu), "load_average_before": load}


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


# --- report --------------------------------------------------------------------------------------------


def ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def statuses(outcomes: dict[str, int]) -> str:
    """200 / 200-cut / 429 / 503 / other / dropped."""
    known = ("200", "200-cut", "429", "503", "dropped", "abandoned", "stale")
    other = sum(n for k, n in outcomes.items() if k not in known)
    return " / ".join(str(outcomes.get(k, 0)) for k in known[:4]) + f" / {other} / {outcomes.get('dropped', 0)}"


def cores(result: dict[str, Any], period: str) -> str:
    """The server's CPU use in a period, and the whole machine's (anything else running shows there)."""
    server, machine = result["cpu_cores"][period], result["machine_cpu_cores"][period]
    return "–" if server is None or machine is None else f"{server:.2f} ({machine:.2f})"


def table(results: list[dict[str, Any]]) -> str:
    """One row per server and round."""
    lines = [
        "| server | round | cheap idle p50 / p99 (ms) | cheap storm p50 / p99 / max (ms) | storm ratio (p99) "
        "| cheap answers / failures (storm) | storm 200 / 200-cut / 429 / 503 / other / dropped "
        "| CPU idle after the stop | last abandoned query's timeout due | cores used in idle / storm phase: "
        "server (whole machine) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        idle, storm = r["idle"], r["storm"]
        quiet = r["idle_after_stop_s"]
        quiet_cell = f"not within {IDLE_WAIT:.0f} s" if quiet is None else f"{quiet:.1f} s"
        storm_ratio = "–" if r["storm_ratio_p99"] is None else f"{r['storm_ratio_p99']:.0f}×"
        lines.append(
            f"| {r['server']} | {r['round']} | {ms(idle['p50_ms'])} / {ms(idle['p99_ms'])} "
            f"| {ms(storm['p50_ms'])} / {ms(storm['p99_ms'])} / {ms(storm['max_ms'])} | {storm_ratio} "
            f"| {storm['answers']} / {storm['failures']} | {statuses(r['storm_outcomes'])} "
            f"| {quiet_cell} | {r['last_timeout_due_after_stop_s']:.1f} s "
            f"| {cores(r, 'idle_phase')} / {cores(r, 'storm')} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of storm")
    parser.add_argument("--timeout", type=int, default=10, help="the servers' query timeout, s")
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--storm", type=int, default=16, help="expensive queries kept in flight")
    parser.add_argument("--cheap-rate", type=float, default=5.0, help="cheap lookups per second")
    parser.add_argument("--idle", type=float, default=15.0, help="seconds of the idle phase")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--dist", type=Path, default=bench.ROOT / "dist")
    parser.add_argument(
        "--cheap-source", default=STORM_SOURCE, help="loopback address the cheap lookups come from (the storm's)"
    )
    args = parser.parse_args(argv)
    names = [s for s in args.servers.split(",") if s]
    if unknown := set(names) - set(SERVERS):
        sys.exit(f"unknown servers: {', '.join(sorted(unknown))} (known: {', '.join(SERVERS)})")
    nquads = args.dist / "iscm-kg.nq"
    if not nquads.exists():
        sys.exit(f"{nquads} is missing: build the release first (iscm-kg build)")

    out = bench.ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    log = out / f"storm-{stamp}.log"
    work = Path(tempfile.mkdtemp(prefix="iscm-storm-"))
    results: list[dict[str, Any]] = []
    try:
        data = {"dist": args.dist, "nq": nquads}
        for n in range(args.rounds):
            for name in names[n % len(names) :] + names[: n % len(names)]:
                row = measure_server(name, data, args, log, f"r{n}_{stamp[-6:]}")
                results.append({"round": n, **row})
                print(json.dumps(results[-1]), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    settings = {**{k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}, "cores": os.cpu_count()}
    path = out / f"storm-{stamp}.json"
    path.write_text(json.dumps({"settings": settings, "results": results}, indent=1))
    print(table(results))
    print(f"\n# JSON: {path}\n# server output: {log}")


if __name__ == "__main__":
    main()
