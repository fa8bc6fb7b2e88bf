"""Writing an analysis into a folder (dist/networks/): every network in every format, the tables as CSV, and
analysis.json / index.json that the HTTP API and the pages read."""

from __future__ import annotations

from pathlib import Path

from .. import iris
from .export import dumps, write_network, write_table
from .pipeline import DESCRIPTIONS, TITLES, Analysis
from .readable import HEATMAP_MEASURES, community_names, similarity_order

TABLES = {
    "states_by_iscm_count": "States and territories by the number of ISCMs they are members of",
    "reported_counts": "The report's 'member of N ISCMs' statements against the membership lists",
    "top_overlaps": "ISCM pairs by shared membership (Jaccard index)",
    "named_overlaps": "The geographic overlaps the report names, with what the networks say",
    "regional_overlaps": "ISCM pairs sharing members within a UN M49 sub-region",
    "candidate_synergies": "ISCM pairs with shared members and themes but no documented cooperation",
    "bridging_states": "States whose ISCMs lie in several communities of the State-ISCM network",
}


REBASED_SUFFIXES = {".json", ".csv", ".gexf", ".graphml", ".net", ".edgelist"}  # the files that name IRIs


def rebase_outputs(folder: Path, base: str) -> None:
    """Move every IRI the files name under ``base`` (they are written at the default base)."""
    if base == iris.DEFAULT_BASE:
        return
    for file in sorted(folder.iterdir()):
        if file.suffix in REBASED_SUFFIXES:
            file.write_text(iris.rebase(file.read_text(encoding="utf-8"), base), encoding="utf-8")


def write_outputs(result: Analysis, folder: Path) -> list[Path]:
    """All files of the analysis into ``folder`` (created); deterministic bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    index: dict = {"networks": {}, "tables": {}}
    for name, G in result.networks.items():
        summary = result.summaries[name]
        names = community_names(G, result.communities[name])
        about = {"description": DESCRIPTIONS[name]} if name in DESCRIPTIONS else {}
        extra = {"name": name, "title": TITLES[name], **about, "summary": summary,
                 "communities": [{"index": i, "name": names[i], "size": len(part)}
                                 for i, part in enumerate(result.communities[name])],
                 "orders": {attr: similarity_order(G, attr) for attr in HEATMAP_MEASURES.get(name, ())}}
        paths += write_network(G, folder, name, extra)
        index["networks"][name] = {"title": TITLES[name], **about, "summary": summary,
                                   "files": [f"{name}.{ext}" for ext in ("json", "gexf", "graphml", "net", "edgelist")]
                                   + [f"{name}-nodes.csv", f"{name}-edges.csv"]}
    for name, title in TABLES.items():
        paths.append(write_table(result.tables[name], folder, name))
        index["tables"][name] = {"title": title, "file": f"{name}.csv", "rows": len(result.tables[name])}
    analysis = {
        "config": result.config.as_dict(),
        "summaries": result.summaries,
        "communities": result.communities,
        "tables": result.tables,
    }
    for filename, data in (("analysis.json", analysis), ("index.json", index)):
        path = folder / filename
        path.write_text(dumps(data), encoding="utf-8")
        paths.append(path)
    return paths
