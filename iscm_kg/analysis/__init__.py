"""Overlap and synergy networks of the ISCMs (NetworkX), read from the store through queries/network-*.rq.

- :mod:`.facts`: the facts, read from the store (or built by hand in tests);
- :mod:`.networks`: the NetworkX graphs; :mod:`.metrics`: centralities, k-cores, communities, bridges;
- :mod:`.overlaps`: States in the most ISCMs, overlaps within a region, the report's counts compared;
- :mod:`.synergy`: the synergy score (weights in synergy.toml, :mod:`.config`) and candidate synergies;
- :mod:`.backbone`: the significant pairs of the membership projections (BiCM null model, ``bicm``);
- :mod:`.pipeline`: one run of all of it; :mod:`.export` / :mod:`.outputs`: JSON, GEXF, GraphML, CSV;
- :mod:`.to_rdf`: the named graph https://w3id.org/iscm/graph/analysis; :mod:`.pictures`: PNG / SVG.

The build calls :func:`add_to_release`; ``iscm-kg analyze`` calls :func:`analyze_release`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from .. import iris
from ..iris import DEFAULT_BASE
from .config import Config, default_config, load_config
from .pipeline import Analysis, analyze, analyze_store

__all__ = ["Analysis", "Config", "add_to_release", "analyze", "analyze_release", "analyze_store",
           "default_config", "load_config"]


def add_to_release(nquads: bytes, networks_dir: Path, config: Config | None = None) -> bytes:
    """Analyse a release's canonical N-Quads (at the default base), write ``networks_dir``, and return the N-Quads
    with the analysis graph merged in (sorted, no duplicates)."""
    from .outputs import write_outputs
    from .to_rdf import analysis_quads, nquads_lines

    result = analyze_store(_memory_store(nquads), config)
    lines = nquads_lines(analysis_quads(result))
    write_outputs(result, networks_dir)
    merged = set(nquads.decode("utf-8").splitlines()) | set(lines)
    return ("\n".join(sorted(line for line in merged if line.strip())) + "\n").encode("utf-8")


def analyze_release(dist: Path, out: Path | None = None, png: bool = False, svg: bool = False,
                    config: Config | None = None) -> tuple[Analysis, list[Path]]:
    """Re-run the analysis on a release (never modified) and write the networks (and pictures if asked) into
    ``out`` (default: dist/networks). A release built for another base is read back at the default base, the
    one the queries name, and the files it writes are moved under the release's base again."""
    from ..querying import open_store
    from .outputs import rebase_outputs, write_outputs

    base = json.loads((dist / "build-info.json").read_text(encoding="utf-8")).get("base_iri", DEFAULT_BASE)
    if base == DEFAULT_BASE:
        store = open_store(dist)
    else:
        text = iris.rebase((dist / "iscm-kg.nq").read_text(encoding="utf-8"), DEFAULT_BASE, source=base)
        store = _memory_store(text.encode("utf-8"))
    result = analyze_store(store, config)
    folder = out or dist / "networks"
    paths = write_outputs(result, folder)
    rebase_outputs(folder, base)
    if png or svg:
        from .pictures import draw_all

        formats = tuple(f for f, on in (("png", png), ("svg", svg)) if on)
        paths += draw_all(result, folder / "pictures", formats)
    return result, paths


def _memory_store(nquads: bytes) -> ox.Store:
    from ..querying import materialize_default_graph

    store = ox.Store()
    store.bulk_load(nquads, ox.RdfFormat.N_QUADS)
    materialize_default_graph(store)
    return store
