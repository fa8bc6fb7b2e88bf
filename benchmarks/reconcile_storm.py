"""Reconciliation storm: does a cheap page stay fast while one client keeps sending full reconciliation batches?

The reconciliation service (/reconcile) matches texts in the web workers, not in the engines, so the engines'
admission cannot shield the pages from it. Two defences: the name index makes a batch cheap (server/names.py),
and each web worker matches ISCM_KG_RECONCILE_BATCHES_AT_ONCE batches at once (1) and answers 429 to more.

For each configuration, our server (`iscm-kg serve --workers 2` on the release in dist/):
  capped    the defaults (1 batch at once per web worker)
  uncapped  ISCM_KG_RECONCILE_BATCHES_AT_ONCE=64: what the cap buys
  flood     the defaults, and the storm's clients ask for the cheap page itself instead: any flood of requests
            (what a rate-limiting proxy in front is for), the reference the reconciliation storm is held to
two phases, --rounds times: idle, a cheap page (/page/id/state/MAR) 5 times a second for --idle seconds; storm,
the same while --storm clients each keep one batch in flight (closed loop, kept-alive connection, Retry-After
not honoured): 50 queries of 200 characters of random words, limit 100 (the largest batch allowed, texts that
name nothing, so the close-spelling search runs for each). Latencies of the cheap page: p50 and p99, and the ratio
of the p99s (storm / idle).

Usage:  .venv/bin/python -m benchmarks.reconcile_storm [--idle 15] [--duration 20] [--storm 16] [--rounds 2]
        [--dist dist]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import string
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from .run import Running, free_port
from .storm import percentile

CHEAP = "/page/id/state/MAR"
CONFIGURATIONS = {"capped": {}, "uncapped": {"ISCM_KG_RECONCILE_BATCHES_AT_ONCE": "64"}, "flood": {}}


def hostile_batch(rng: random.Random) -> str:
    def text() -> str:
        words = ("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 9))) for _ in range(30))
        return " ".join(words)[:200]

    return json.dumps({f"q{i}": {"query": text(), "limit": 100} for i in range(50)})


def cheap_load(url: str, seconds: float, out: list[float]) -> None:
    session = requests.Session()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        started = time.perf_counter()
        response = session.get(url + CHEAP, timeout=60)
        out.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{CHEAP}: {response.status_code}")
        time.sleep(0.2)


def attacker(url: str, halt: threading.Event, seed: int, statuses: list[int], flood: bool) -> None:
    session, rng = requests.Session(), random.Random(seed)
    while not halt.is_set():
        if flood:
            statuses.append(session.get(url + CHEAP, timeout=60).status_code)
        else:
            statuses.append(session.post(url + "/reconcile", data={"queries": hostile_batch(rng)},
                                         timeout=60).status_code)


def start(dist: Path, env: dict[str, str]) -> Running:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "iscm_kg.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2",
         "--dist", str(dist)], env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(url + CHEAP, timeout=5).status_code == 200:
                return Running("ours", url, process)
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError("the server did not come up")


def measure(url: str, args: argparse.Namespace, seed: int, flood: bool) -> dict[str, float | int | dict[str, int]]:
    idle: list[float] = []
    cheap_load(url, args.idle, idle)
    storm: list[float] = []
    statuses: list[int] = []
    halt = threading.Event()
    clients = [threading.Thread(target=attacker, args=(url, halt, seed + i, statuses, flood))
               for i in range(args.storm)]
    for client in clients:
        client.start()
    try:
        cheap_load(url, args.duration, storm)
    finally:
        halt.set()
        for client in clients:
            client.join()
    counts = {str(s): statuses.count(s) for s in sorted(set(statuses))}
    figures = {"idle_p50": percentile(idle, 0.5), "idle_p99": percentile(idle, 0.99),
               "storm_p50": percentile(storm, 0.5), "storm_p99": percentile(storm, 0.99)}
    return {**{k: round(v * 1000, 1) for k, v in figures.items()}, "ratio_p99": round(
        figures["storm_p99"] / figures["idle_p99"], 2), "batches": counts}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--idle", type=float, default=15)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--storm", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--dist", type=Path, default=Path("dist"))
    args = parser.parse_args(argv)
    print("| configuration | round | cheap p50 / p99 idle (ms) | cheap p50 / p99 storm (ms) | p99 ratio | answers |")
    print("|---|---|---|---|---|---|")
    for round_ in range(1, args.rounds + 1):
        for name, env in CONFIGURATIONS.items():
            server = start(args.dist.resolve(), env)
            try:
                r = measure(server.url, args, seed=round_ * 1000, flood=name == "flood")
            finally:
                server.stop()
            print(f"| {name} | {round_} | {r['idle_p50']} / {r['idle_p99']} | {r['storm_p50']} / {r['storm_p99']} "
                  f"| {r['ratio_p99']}× | {r['batches']} |", flush=True)


if __name__ == "__main__":
    main()
