"""Benchmark of the SPARQL endpoint, side by side with the alternatives, in one run.

Servers (each with 2 worker processes where it has workers, all on loopback, on the same data):
  ours         `iscm-kg serve` as configured by default: Granian workers, each
               copying the release's store into memory at start (ISCM_KG_IN_MEMORY=auto)
  ours-disk    the same, querying the on-disk store read-only (ISCM_KG_IN_MEMORY=off)
  oxigraph     the `oxigraph` server from PyPI, in memory, --union-default-graph
  thin-flask   the thinnest Flask + pyoxigraph GET handler (benchmarks/thin_flask.py), in memory, under
               the same WSGI server as ours (Granian, 2 workers, 8 threads): what our features cost
  thin-flask-gunicorn  the same handler under gunicorn (2 gthread workers, 8 threads), the usual setup
  rdflib-endpoint  rdflib-endpoint from PyPI (its default rdflib store), in memory

Datasets: the real release (dist/, if built) and synthetic ISCM-like graphs of 10^4, 10^5 and 10^6
triples (same vocabulary: states, mechanisms, memberships, labels, in per-mechanism named graphs).

Query mixes, each driven by wrk (8 connections, 1 thread) for a few seconds after a warm-up:
  lookup       all about one state (a different state, and a unique query text, every request)
  join         the mechanisms of one state and their other members (unique every request)
  aggregation  members per mechanism, GROUP BY + ORDER BY (unique text every request)
  repeated     the aggregation, identical every request (ours may answer it from its cache)
  repeated-lookup  one lookup, identical every request
  pairs        pairs of mechanisms with shared members: engine-bound; one client on one kept-alive
               connection, one request at a time (1 warm-up, then 9 different texts, 3 on 10^6
               triples), so the figure is the engine's latency

Usage:  .venv/bin/python -m benchmarks.run [--sizes 10000,100000,1000000] [--duration 5] [--rounds 3] [--no-real]
        [--servers ours,thin-flask,...] [--mixes lookup,join,...]
All servers of a dataset run at once and take turns, round after round; the best round of each counts.
Results: a Markdown table on stdout and JSON in benchmarks/results/. Needs wrk (Debian package wrk).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
EX = "https://w3id.org/iscm/"
ISCM = EX + "ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ORG = "http://www.w3.org/ns/org#"
PREFIXES = f"PREFIX iscm: <{ISCM}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX org: <{ORG}> "

QUERIES = {
    "lookup": "SELECT ?p ?o WHERE { <{E}> ?p ?o }",
    "join": (
        "SELECT ?mechanism ?label ?other WHERE { <{E}> iscm:memberOf ?mechanism . "
        "?mechanism rdfs:label ?label . ?other iscm:memberOf ?mechanism } LIMIT 200"
    ),
    "aggregation": (
        "SELECT ?mechanism (COUNT(?member) AS ?members) WHERE { ?member iscm:memberOf ?mechanism } "
        "GROUP BY ?mechanism ORDER BY DESC(?members) LIMIT 20"
    ),
    "pairs": (
        "SELECT ?m1 ?m2 (COUNT(?s) AS ?shared) WHERE { ?s iscm:memberOf ?m1 , ?m2 "
        "FILTER(STR(?m1) < STR(?m2)) } GROUP BY ?m1 ?m2 ORDER BY DESC(?shared) LIMIT 20"
    ),
}
MIXES = ["lookup", "join", "aggregation", "repeated", "repeated-lookup", "pairs"]
SERVERS = ["ours", "ours-disk", "oxigraph", "thin-flask", "thin-flask-gunicorn", "rdflib-endpoint"]

WRK_SCRIPT = r"""
local paths = {}
local i = 0
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
end
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i - 1) % #paths + 1], {["Accept"] = "application/sparql-results+json"})
end
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "duration_us": %d, "non2xx": %d, "errors": %d, '
    .. '"p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, "mean_ms": %.3f}\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.mean / 1000))
end
"""


# --- data ----------------------------------------------------------------------------------------------


def synthetic(triples: int, seed: int = 7) -> list[ox.Quad]:
    """An ISCM-like dataset of about ``triples`` triples (memberships make most of it)."""
    rng = random.Random(seed)
    memberships = max(10, triples // 6)
    mechanisms = max(5, memberships // 40)
    states = max(20, memberships // 10)
    quads: list[ox.Quad] = []
    rdf_type, label, member_of = ox.NamedNode(RDF_TYPE), ox.NamedNode(RDFS_LABEL), ox.NamedNode(ISCM + "memberOf")
    org_member, org_organization, org_role = (ox.NamedNode(ORG + n) for n in ("member", "organization", "role"))
    countries = ox.NamedNode(EX + "graph/countries")
    for s in range(states):
        state = ox.NamedNode(f"{EX}id/state/S{s:06d}")
        quads += [
            ox.Quad(state, rdf_type, ox.NamedNode(ISCM + "State"), countries),
            ox.Quad(state, label, ox.Literal(f"State {s}", language="en"), countries),
        ]
    for m in range(mechanisms):
        mechanism = ox.NamedNode(f"{EX}id/mechanism/m{m:05d}")
        graph = ox.NamedNode(f"{EX}graph/mechanisms/m{m:05d}")
        quads += [
            ox.Quad(mechanism, rdf_type, ox.NamedNode(ISCM + "RegionalConsultativeProcess"), graph),
            ox.Quad(mechanism, label, ox.Literal(f"Mechanism {m}", language="en"), graph),
        ]
    role = ox.NamedNode(EX + "id/role/member")
    for k in range(memberships):
        m = rng.randrange(mechanisms)
        # some states belong to many mechanisms (a skew like the real data), most to a few
        s = min(states - 1, int(rng.expovariate(10 / states))) if k % 3 else rng.randrange(states)
        state = ox.NamedNode(f"{EX}id/state/S{s:06d}")
        mechanism = ox.NamedNode(f"{EX}id/mechanism/m{m:05d}")
        node = ox.NamedNode(f"{EX}id/membership/k{k:07d}")
        graph = ox.NamedNode(f"{EX}graph/memberships/k{k // 50:06d}")
        quads += [
            ox.Quad(node, rdf_type, ox.NamedNode(ORG + "Membership"), graph),
            ox.Quad(node, org_member, state, graph),
            ox.Quad(node, org_organization, mechanism, graph),
            ox.Quad(node, org_role, role, graph),
            ox.Quad(state, member_of, mechanism, graph),
            ox.Quad(node, ox.NamedNode(ISCM + "asOf"), ox.Literal("2019-06-30"), graph),
        ]
    return quads


def prepare(name: str, quads_file: Path, work: Path) -> dict[str, Path]:
    """A release folder for our server (store/, iscm-kg.nq, build-info.json) from one N-Quads file."""
    dist = work / f"{name}-dist"
    dist.mkdir(parents=True, exist_ok=True)
    shutil.copy(quads_file, dist / "iscm-kg.nq")
    (dist / "build-info.json").write_text(
        json.dumps({"dataset_version": f"bench-{name}", "built_at": "2026-11-23T00:00:00Z"})
    )
    store = ox.Store(str(dist / "store"))
    store.bulk_load(path=str(quads_file), format=ox.RdfFormat.N_QUADS)
    store.optimize()
    del store
    return {"dist": dist, "nq": quads_file}


def entities(quads_file: Path) -> list[str]:
    store = ox.Store()
    store.bulk_load(path=str(quads_file), format=ox.RdfFormat.N_QUADS)
    query = f"SELECT DISTINCT ?s WHERE {{ ?s <{ISCM}memberOf> ?m }} LIMIT 500"
    return [row["s"].value for row in store.query(query, use_default_graph_as_union=True)]


# --- servers -------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Running:
    name: str
    url: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _wait(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: server exited with {process.returncode}")
        try:
            status = requests.get(url, params={"query": "ASK { ?s ?p ?o }"}, timeout=5).status_code
            if status == 200:
                return
            if 400 <= status < 500:
                raise RuntimeError(f"{url}: answers {status}")
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url}: not up after {timeout} s")


def start(name: str, data: dict[str, Path], log: Path, *, query_timeout: int | None = None) -> Running:
    """Start server ``name`` on ``data`` (``dist`` and ``nq``) and wait until it answers. ``query_timeout``
    (s) sets ours' ISCM_KG_QUERY_TIMEOUT (default 120) and the Oxigraph server's --timeout-s (default none)."""
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    url = f"http://127.0.0.1:{port}"
    if name in ("ours", "ours-disk"):
        dist = data["dist"]
        env["ISCM_KG_IN_MEMORY"] = "auto" if name == "ours" else "off"
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
            "2",
            "--dist",
            str(dist),
        ]
        env["ISCM_KG_QUERY_TIMEOUT"] = str(query_timeout or 120)
        endpoint = url + "/sparql"
    elif name == "oxigraph":
        command = [str(BIN / "oxigraph"), "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
        if query_timeout:
            command += ["--timeout-s", str(query_timeout)]
        endpoint = url + "/query"
    elif name in ("thin-flask", "thin-flask-gunicorn"):
        env["THIN_FLASK_NQUADS"] = str(data["nq"])
        # the same settings under both servers: 2 worker processes of 8 threads
        if name == "thin-flask":
            options = f"--interface wsgi --workers 2 --blocking-threads 8 --port {port} --no-access-log"
            command = [str(BIN / "granian"), *options.split(), "--host", "127.0.0.1"]
        else:
            options = f"-k gthread -w 2 --threads 8 -b 127.0.0.1:{port} --no-control-socket"
            command = [str(BIN / "gunicorn"), *options.split()]
        command.append("benchmarks.thin_flask:app")
        endpoint = url + "/sparql"
    elif name == "rdflib-endpoint":
        command = [str(BIN / "rdflib-endpoint"), "serve", "--host", "127.0.0.1", "--port", str(port), str(data["nq"])]
        endpoint = url + "/"  # its SPARQL endpoint is at the root
    else:
        raise ValueError(name)
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True
    )
    running = Running(name, endpoint, process)
    try:
        if name == "oxigraph":
            _wait_port(port, process)
            with data["nq"].open("rb") as body:
                requests.post(
                    url + "/store", data=body, headers={"Content-Type": "application/n-quads"}, timeout=600
                ).raise_for_status()
        _wait(endpoint, process, timeout=900)
    except Exception:
        running.stop()
        raise
    return running


def _wait_port(port: int, process: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError("server exited")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)


# --- load ----------------------------------------------------------------------------------------------


def paths(endpoint: str, mix: str, names: list[str], count: int, salt: str = "") -> list[str]:
    path = "/" + endpoint.split("/", 3)[3] if endpoint.count("/") >= 3 else "/"
    if mix == "repeated":
        return [path + "?query=" + quote(PREFIXES + QUERIES["aggregation"], safe="")]
    if mix == "repeated-lookup":
        return [path + "?query=" + quote(PREFIXES + QUERIES["lookup"].replace("{E}", names[0]), safe="")]
    template = PREFIXES + QUERIES[mix]
    lines = []
    for i in range(count):
        text = template.replace("{E}", names[i % len(names)]) + f" # request {salt}{i}"
        lines.append(path + "?query=" + quote(text, safe=""))
    return lines


def wrk(endpoint: str, path_file: Path, duration: float, connections: int = 8) -> dict[str, float]:
    script = path_file.with_suffix(".lua")
    script.write_text(WRK_SCRIPT)
    base = endpoint.split("/", 3)
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "120s",
        "-s",
        str(script),
        f"{base[0]}//{base[2]}/",
        "--",
        str(path_file),
    ]
    output = subprocess.run(command, capture_output=True, text=True, timeout=duration + 200).stdout
    result = json.loads(next(line for line in output.splitlines() if line.startswith("{")))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6) if result["duration_us"] else 0.0
    return result


def sequential(server: Running, names: list[str], salt: str, count: int = 3, timeout: float = 180) -> dict[str, float]:
    """One request at a time: the latency of an engine-bound query (and its inverse as a rate)."""
    base = server.url.split("/", 3)
    origin = f"{base[0]}//{base[2]}"
    latencies: list[float] = []
    non2xx = 0
    session = requests.Session()  # one kept-alive connection, as a client sending queries in a row has
    for i, path in enumerate(paths(server.url, "pairs", names, count + 1, salt)):
        started = time.perf_counter()
        try:
            response = session.get(
                origin + path, headers={"Accept": "application/sparql-results+json"}, timeout=timeout
            )
        except requests.Timeout:
            return {
                "requests": 0,
                "duration_us": int(timeout * 1e6),
                "non2xx": 0,
                "errors": 1,
                "p50_ms": 0.0,
                "p90_ms": 0.0,
                "p99_ms": 0.0,
                "mean_ms": 0.0,
                "rps": 0.0,
                "timeout_s": timeout,
            }
        elapsed = time.perf_counter() - started
        non2xx += response.status_code != 200
        if i:  # the first is a warm-up
            latencies.append(elapsed)
    latencies.sort()
    mean = sum(latencies) / len(latencies)
    return {
        "requests": len(latencies),
        "duration_us": int(sum(latencies) * 1e6),
        "non2xx": non2xx,
        "errors": 0,
        "p50_ms": latencies[len(latencies) // 2] * 1e3,
        "p90_ms": latencies[-1] * 1e3,
        "p99_ms": latencies[-1] * 1e3,
        "mean_ms": mean * 1e3,
        "rps": 1 / mean,
    }


def measure(
    server: Running, mix: str, names: list[str], work: Path, duration: float, salt: str = "", sequential_count: int = 3
) -> dict[str, float]:
    """One round of one mix; ``salt`` makes its query texts differ from every other round's."""
    if mix == "pairs":
        return sequential(server, names, salt, sequential_count)
    path_file = work / f"paths-{server.name}-{mix}.txt"
    path_file.write_text("\n".join(paths(server.url, mix, names, 60_000, salt)) + "\n")
    if not mix.startswith("repeated"):  # warm up on other requests than the measured ones
        warm = work / f"warm-{server.name}-{mix}.txt"
        warm.write_text("\n".join(p.replace("request", "warm-up") for p in paths(server.url, mix, names, 2000)) + "\n")
        wrk(server.url, warm, max(1.0, duration / 4))
    else:
        wrk(server.url, path_file, max(1.0, duration / 4))
    return wrk(server.url, path_file, duration)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3, help="measure each mix this often, keep the best")
    parser.add_argument("--no-real", action="store_true", help="skip the real release in dist/")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--mixes", default=",".join(MIXES))
    parser.add_argument(
        "--rdflib-max-triples",
        type=int,
        default=200_000,
        help="rdflib-endpoint is not run on bigger datasets (loading alone takes minutes)",
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")

    work = Path(tempfile.mkdtemp(prefix="iscm-bench-"))
    datasets: list[tuple[str, Path, int]] = []
    if not args.no_real and (args.dist / "iscm-kg.nq").exists():
        datasets.append(("real", args.dist / "iscm-kg.nq", sum(1 for _ in (args.dist / "iscm-kg.nq").open("rb"))))
    for size in (int(s) for s in args.sizes.split(",") if s):
        file = work / f"synthetic-{size}.nq"
        quads = synthetic(size)
        ox.serialize(quads, str(file), format=ox.RdfFormat.N_QUADS)
        datasets.append((f"synthetic-{size:.0e}".replace("+0", ""), file, len(quads)))

    results: list[dict[str, object]] = []
    log = work / "servers.log"
    mixes = [m for m in args.mixes.split(",") if m]
    for name, file, count_triples in datasets:
        data = prepare(name, file, work)
        names = entities(file)
        servers: list[Running] = []
        try:
            # All servers of a dataset run at once (an idle one costs nothing) and take turns, round
            # after round, so that a change in the machine's load falls on all of them alike.
            for server_name in args.servers.split(","):
                if server_name == "rdflib-endpoint" and count_triples > args.rdflib_max_triples:
                    print(f"# {name}: rdflib-endpoint skipped ({count_triples} triples)", flush=True)
                    continue
                started = time.monotonic()
                servers.append(start(server_name, data, log))
                print(f"# {name}: {server_name} up in {time.monotonic() - started:.1f} s", flush=True)
            for mix in mixes:
                rounds: dict[str, list[dict[str, float]]] = {server.name: [] for server in servers}
                for n in range(args.rounds):
                    for server in servers[n % len(servers) :] + servers[: n % len(servers)]:
                        # rdflib-endpoint takes seconds to minutes per pairs query: one round of one request
                        slow = server.name == "rdflib-endpoint" and mix == "pairs"
                        if slow and n:
                            continue
                        # one at a time: 9 requests on small data, 3 on 10^6 triples (seconds each)
                        one_by_one = 1 if slow else 3 if count_triples > 300_000 else 9
                        rounds[server.name].append(
                            measure(server, mix, names, work, args.duration, f"r{n}-", one_by_one)
                        )
                for server in servers:
                    outcome = max(rounds[server.name], key=lambda r: r["rps"])
                    outcome["rounds_rps"] = [round(r["rps"], 1) for r in rounds[server.name]]
                    # ours ÷ each peer, round by round (measured minutes apart at most): the machine's
                    # drift cancels out of a ratio of neighbours better than out of two best rounds
                    if server.name == "ours":
                        outcome["paired_ratio"] = {
                            peer: paired_ratio(rounds["ours"], rounds[peer]) for peer in rounds if peer != "ours"
                        }
                    row = {"dataset": name, "triples": count_triples, "server": server.name, "mix": mix, **outcome}
                    results.append(row)
                    print(json.dumps(row), flush=True)
        finally:
            for server in servers:
                server.stop()
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (out / f"bench-{stamp}.json").write_text(json.dumps(results, indent=1))
    print(table(results))
    print()
    print(ratio_table(results))
    shutil.rmtree(work, ignore_errors=True)


def paired_ratio(ours: list[dict[str, float]], peer: list[dict[str, float]]) -> float | None:
    """The median over rounds of our rate divided by the peer's rate in the same round."""
    ratios = [a["rps"] / b["rps"] for a, b in zip(ours, peer, strict=False) if a["rps"] and b["rps"]]
    return round(statistics.median(ratios), 2) if ratios else None


def ratio_table(results: list[dict[str, object]]) -> str:
    """Ours ÷ each peer per dataset and mix: the median of the round-by-round ratios."""
    rows = [r for r in results if r["server"] == "ours" and r.get("paired_ratio")]
    peers = sorted({p for r in rows for p in r["paired_ratio"]}, key=SERVERS.index)  # type: ignore[union-attr]
    lines = ["| dataset | mix | " + " | ".join(f"ours ÷ {p}" for p in peers) + " |", "|---|---|" + "---|" * len(peers)]
    for r in rows:
        ratios = r["paired_ratio"]
        cells = [f"{ratios[p]:.2f}×" if ratios.get(p) else "–" for p in peers]  # type: ignore[union-attr]
        lines.append(f"| {r['dataset']} | {r['mix']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def table(results: list[dict[str, object]]) -> str:
    """Requests per second (median latency in ms) per dataset, mix and server; for pairs, the latency
    of one request at a time."""
    servers = sorted(
        {str(r["server"]) for r in results},
        key=SERVERS.index,
    )
    lines = ["| dataset | mix | " + " | ".join(servers) + " |", "|---|---|" + "---|" * len(servers)]
    for dataset in dict.fromkeys(str(r["dataset"]) for r in results):
        for mix in [m for m in MIXES if any(r["mix"] == m and r["dataset"] == dataset for r in results)]:
            cells = []
            for server in servers:
                row = next(
                    (r for r in results if r["dataset"] == dataset and r["mix"] == mix and r["server"] == server), None
                )
                if row is None:
                    cells.append("–")
                elif not row["requests"]:
                    cells.append(f"> {row.get('timeout_s', '?')} s" if row.get("timeout_s") else "none done")
                else:
                    flag = f" ({row['non2xx']} non-2xx)" if row["non2xx"] else ""
                    if mix == "pairs":
                        cells.append(f"{row['p50_ms']:.{1 if row['p50_ms'] < 100 else 0}f} ms{flag}")
                    else:
                        cells.append(f"{row['rps']:.0f}/s ({row['p50_ms']:.1f} ms){flag}")
            lines.append(f"| {dataset} | {mix} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
