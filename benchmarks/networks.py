"""Benchmark of the network analysis (iscm_kg.analysis): the time on the real data and on synthetic networks
10x and 100x larger, stage by stage, and how it grows. A documented command, not a test:

    .venv/bin/python benchmarks/networks.py [--dist dist] [--scales 1 10 100] [--out benchmarks/results]

The synthetic data are k replicas of the real facts (every ISCM, State, organization, membership, theme and
cooperation copied with its own IRIs; themes are a shared vocabulary, as in the report), with 5% of the
memberships rewired to a State of another replica (seeded) so that the replicas form one network. Results:
a table on stdout and OUT/networks.json. See docs/networks.md for the figures measured.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from iscm_kg.analysis.config import Config, load_config  # noqa: E402
from iscm_kg.analysis.facts import Cooperation, Facts, Role, load_facts  # noqa: E402
from iscm_kg.analysis.pipeline import analyze  # noqa: E402
from iscm_kg.querying import open_store  # noqa: E402


def _copy(iri: str, k: int) -> str:
    return iri if k == 0 else f"{iri}-x{k}"


def replicate(facts: Facts, scale: int, rewire: float = 0.05, seed: int = 7) -> Facts:
    """``scale`` replicas of ``facts`` joined by rewiring a share of the memberships (seeded)."""
    if scale == 1:
        return facts
    rng = random.Random(seed)
    out = Facts(theme_labels=dict(facts.theme_labels))
    countries = sorted(facts.countries)
    for k in range(scale):
        for iri, m in facts.mechanisms.items():
            out.mechanisms[_copy(iri, k)] = replace(
                m, iri=_copy(iri, k), acronym=f"{m.short}{'-' + str(k) if k else ''}"
            )
        for iri, c in facts.countries.items():
            out.countries[_copy(iri, k)] = replace(
                c, iri=_copy(iri, k), iso3=f"{c.iso3}{k or ''}", numeric="" if k else c.numeric
            )
        for iri, o in facts.organizations.items():
            out.organizations[_copy(iri, k)] = replace(o, iri=_copy(iri, k))
        for role in facts.roles:
            party = _copy(role.party, k)
            if role.party in facts.countries and rng.random() < rewire:
                party = _copy(rng.choice(countries), rng.randrange(scale))
            out.roles.append(replace(role, party=party, mechanism=_copy(role.mechanism, k)))
        for iri, themes in facts.themes.items():
            out.themes[_copy(iri, k)] = set(themes)
        out.cooperations += [
            Cooperation(_copy(c.iri, k), c.kind, tuple(_copy(p, k) for p in c.parties)) for c in facts.cooperations
        ]
        out.overlaps += [
            replace(o, iri=_copy(o.iri, k), parties=tuple(_copy(p, k) for p in o.parties)) for o in facts.overlaps
        ]
    # dedupe roles that rewiring made identical
    seen: dict[tuple[str, str, str], Role] = {}
    for role in out.roles:
        seen.setdefault((role.party, role.mechanism, role.role), role)
    out.roles = list(seen.values())
    return out


def run(facts: Facts, config: Config) -> dict:
    started = time.perf_counter()
    result = analyze(facts, config)
    total = time.perf_counter() - started
    return {
        "seconds": round(total, 3),
        "stages": {k: round(v, 3) for k, v in result.timings.items()},
        "size": {name: {"nodes": s["nodes"], "edges": s["edges"]} for name, s in result.summaries.items()},
        "mechanisms": len(facts.mechanisms),
        "countries": len(facts.countries),
        "roles": len(facts.roles),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    facts = load_facts(open_store(args.dist))
    load_seconds = time.perf_counter() - started
    default = load_config()
    # Above this many ISCMs the dense ISCM-ISCM layers are sparsified and betweenness is estimated (documented).
    large = load_config(overrides={"sparsify.min_theme_similarity": "0.5", "sparsify.min_synergy": "0.3"})
    results = {
        "machine": {"python": platform.python_version(), "processor": platform.processor() or platform.machine()},
        "load_real_facts_from_store_seconds": round(load_seconds, 3),
        "runs": {},
    }
    print(f"facts read from the store through queries/network-*.rq in {load_seconds:.2f} s")
    print(f"{'scale':>5} {'ISCMs':>6} {'States':>7} {'roles':>7} {'total s':>8}  stages (s)")
    for scale in args.scales:
        data = replicate(facts, scale)
        config = default if scale < 100 else large
        outcome = run(data, config)
        outcome["config"] = "default" if config is default else "sparsified (theme >= 0.5, synergy >= 0.3)"
        results["runs"][str(scale)] = outcome
        stages = ", ".join(f"{k} {v}" for k, v in outcome["stages"].items() if k != "total")
        print(
            f"{scale:>5} {outcome['mechanisms']:>6} {outcome['countries']:>7} {outcome['roles']:>7} "
            f"{outcome['seconds']:>8.2f}  {stages}"
        )
        print("       sizes: " + ", ".join(f"{n} {s['nodes']}/{s['edges']}" for n, s in outcome["size"].items()))
    scales = [s for s in args.scales if str(s) in results["runs"]]
    for a, b in zip(scales, scales[1:], strict=False):
        ta, tb = results["runs"][str(a)]["seconds"], results["runs"][str(b)]["seconds"]
        print(f"{a}x -> {b}x: time x{tb / ta:.1f} for data x{b / a:.0f}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "networks.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
