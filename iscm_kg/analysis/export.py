"""Writing the networks and tables: node-link JSON, GEXF, GraphML, Pajek, a plain edge list and CSV, byte for
byte the same for the same analysis (sorted nodes and keys, no timestamps)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import networkx as nx
from networkx.readwrite.graphml import GraphMLWriter

FORMATS = ("json", "gexf", "graphml", "net", "edgelist", "csv")


def node_link(G: nx.Graph, extra: dict | None = None) -> dict:
    """The node-link form (``nodes``, ``edges``) with the graph's attributes and ``extra`` under ``graph``."""
    data = nx.node_link_data(G, edges="edges")
    data["graph"] = {**data.get("graph", {}), **(extra or {})}
    return data


def dumps(data: object, compact: bool = False) -> str:
    if compact:
        return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def gexf_text(G: nx.Graph) -> str:
    """GEXF 1.2 without the writer's date stamp."""
    text = "\n".join(nx.generate_gexf(G, prettyprint=True)) + "\n"
    return re.sub(r'\s*lastmodifieddate="[^"]*"', "", text)


def graphml_text(G: nx.Graph) -> str:
    writer = GraphMLWriter(prettyprint=True, infer_numeric_types=True)
    writer.add_graph_element(G)
    return str(writer).rstrip("\n") + "\n"


def pajek_text(G: nx.Graph) -> str:
    """Pajek .net (Pajek, igraph, statnet): the vertices named by their ids, as in the other files, numbered in the
    order of {name}-nodes.csv; each edge with its weight (1 where the network has none). Only these: the
    attributes are in the other files, and Pajek readers differ on the rest of its syntax."""
    plain = G.__class__()
    plain.add_nodes_from(G)
    plain.add_edges_from((u, v, {"weight": d.get("weight", 1)}) for u, v, d in G.edges(data=True))
    return "\n".join(nx.generate_pajek(plain)) + "\n"


def edgelist_text(G: nx.Graph) -> str:
    """A plain edge list, one edge a line: source, target and weight where there is one, tab-separated."""
    return "".join(line + "\n" for line in nx.generate_edgelist(G, delimiter="\t", data=["weight"]))


def csv_text(rows: list[dict], columns: list[str] | None = None) -> str:
    """CSV with a header; columns in the given order, else the union of keys (first row's order first)."""
    if columns is None:
        columns = []
        for row in rows:
            columns.extend(k for k in row if k not in columns)
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(row.get(k)) for k in columns})
    return out.getvalue()


def _cell(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def node_rows(G: nx.Graph) -> tuple[list[dict], list[str]]:
    keys = sorted({k for _, d in G.nodes(data=True) for k in d})
    return [{"id": n, **d} for n, d in G.nodes(data=True)], ["id", *keys]


def edge_rows(G: nx.Graph) -> tuple[list[dict], list[str]]:
    keys = sorted({k for _, _, d in G.edges(data=True) for k in d})
    return [{"source": u, "target": v, **d} for u, v, d in G.edges(data=True)], ["source", "target", *keys]


def write_network(G: nx.Graph, folder: Path, name: str, extra: dict | None = None) -> list[Path]:
    """{name}.json, .gexf, .graphml, .net (Pajek), .edgelist, -nodes.csv and -edges.csv in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        f"{name}.json": dumps(node_link(G, extra), compact=True),
        f"{name}.gexf": gexf_text(G),
        f"{name}.graphml": graphml_text(G),
        f"{name}.net": pajek_text(G),
        f"{name}.edgelist": edgelist_text(G),
        f"{name}-nodes.csv": csv_text(*node_rows(G)),
        f"{name}-edges.csv": csv_text(*edge_rows(G)),
    }
    paths = []
    for filename, text in files.items():
        path = folder / filename
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def write_table(rows: list[dict], folder: Path, name: str) -> Path:
    path = folder / f"{name}.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    return path
