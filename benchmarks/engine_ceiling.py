"""How fast can any server built on pyoxigraph be, next to the Oxigraph server, under concurrent load?

Runs, in paired rounds (every round all contenders in a fresh random order, 3 s each, new query texts):
  oxigraph      the `oxigraph` server from PyPI (in memory), driven by wrk with 8 connections
  ours          `iscm-kg serve` (2 workers), driven by wrk with 8 connections
  raw-1x8       pyoxigraph with no HTTP at all: 8 threads of one process query the store back to back
                (the Oxigraph server's own layout: one process, a thread per request)
  raw-2x4       the same in 2 processes forked after loading, 4 threads each (our workers' layout)

The raw rates are a ceiling for any HTTP server on pyoxigraph: no parsing, no serving, no Python per
request beyond the call itself. Each raw run is a new process with jemalloc (as ours uses), the store
bulk-loaded from the same N-Quads file.

Usage:  .venv/bin/python -m benchmarks.engine_ceiling [--size 100000] [--mix aggregation] [--rounds 10]
Prints one line per round and the medians of the round-by-round ratios to the Oxigraph server.
"""

from __future__ import annotations

import argparse
import ctypes.util
import io
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pyoxigraph as ox

from benchmarks import run as bench

LAYOUTS = {"raw-1x8": (1, 8), "raw-2x4": (2, 4)}


def _raw(file: str, mix: str, procs: int, threads: int, duration: float, salt: str) -> float:
    """Queries per second of ``procs`` forked processes of ``threads`` threads each (run in a child)."""
    query = bench.PREFIXES + bench.QUERIES[mix]
    store = ox.Store()
    store.bulk_load(path=file, format=ox.RdfFormat.N_QUADS)

    def ask(text: str) -> None:
        results = store.query(text, use_default_graph_as_union=True)
        results.serialize(io.BytesIO(), format=ox.QueryResultsFormat.JSON)  # type: ignore[union-attr]

    for i in range(10):  # warm-up, before the fork as our server's preload is
        ask(f"{query} # warm-up {i}")

    def process(pipe: multiprocessing.connection.Connection, number: int) -> None:
        stop = time.monotonic() + duration
        counts: list[int] = []

        def loop(thread: int) -> None:
            count = 0
            while time.monotonic() < stop:
                ask(f"{query} # {salt} {number} {thread} {count}")
                count += 1
            counts.append(count)

        workers = [threading.Thread(target=loop, args=(k,)) for k in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        pipe.send(sum(counts))

    context = multiprocessing.get_context("fork")
    pipes = [context.Pipe() for _ in range(procs)]
    children = [context.Process(target=process, args=(child, n)) for n, (_, child) in enumerate(pipes)]
    for child in children:
        child.start()
    total = sum(parent.recv() for parent, _ in pipes)
    for child in children:
        child.join()
    return total / duration


def raw_rate(file: Path, mix: str, layout: tuple[int, int], duration: float, salt: str) -> float:
    """One raw run in a new process (with jemalloc when installed, as our server runs)."""
    env = dict(os.environ)
    jemalloc = ctypes.util.find_library("jemalloc")
    if jemalloc:
        env["LD_PRELOAD"] = jemalloc
    command = [sys.executable, "-m", "benchmarks.engine_ceiling", "--child", str(file), mix]
    command += [str(layout[0]), str(layout[1]), str(duration), salt]
    output = subprocess.run(command, env=env, cwd=bench.ROOT, capture_output=True, text=True, check=True).stdout
    return float(output.split()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--mix", default="aggregation", choices=["lookup", "join", "aggregation"])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--duration", type=float, default=3.0)
    parser.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        file, mix, procs, threads, duration, salt = args.child
        print(_raw(file, mix, int(procs), int(threads), float(duration), salt))
        return

    work = Path(tempfile.mkdtemp(prefix="iscm-ceiling-"))
    file = work / "synthetic.nq"
    ox.serialize(bench.synthetic(args.size), str(file), format=ox.RdfFormat.N_QUADS)
    data = bench.prepare("synthetic", file, work)
    names = bench.entities(file)
    servers = {name: bench.start(name, data, work / "servers.log") for name in ("oxigraph", "ours")}
    rates: dict[str, list[float]] = {name: [] for name in [*servers, *LAYOUTS]}
    try:
        for n in range(args.rounds):
            order = list(rates)
            random.shuffle(order)
            for name in order:
                if name in servers:
                    rate = bench.measure(servers[name], args.mix, names, work, args.duration, f"r{n}-")["rps"]
                else:
                    rate = raw_rate(file, args.mix, LAYOUTS[name], args.duration, f"r{n}")
                rates[name].append(rate)
            print(f"round {n + 1}: " + ", ".join(f"{k} {v[-1]:.0f}/s" for k, v in rates.items()), flush=True)
    finally:
        for server in servers.values():
            server.stop()
    print(f"\n{args.mix}, {args.size} triples, {args.rounds} rounds of {args.duration:g} s; ÷ oxigraph, median:")
    for name, values in rates.items():
        ratio = statistics.median(a / b for a, b in zip(values, rates["oxigraph"], strict=True))
        print(f"  {name:8} {statistics.median(values):7.0f}/s  {ratio:.2f}×")


if __name__ == "__main__":
    main()
