"""Static pictures of the analysis for reports (matplotlib, Agg): PNG and SVG, deterministic (seeded layouts,
no dates in the files). ``iscm-kg analyze --png --svg`` draws them into networks/pictures/."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from .networks import members_by_iscm  # noqa: E402
from .pipeline import TITLES, Analysis  # noqa: E402

TYPE_COLOURS = {"rcp": "#1f77b4", "irf": "#ff7f0e", "global": "#2ca02c", "other": "#9467bd", "state": "#7f8c8d",
                "territory": "#bdc3c7", "organization": "#d62728"}
ROLE_CODES = {"member": 4, "former-member": 1, "observer": 3, "partner": 2, "participant": 2}
matplotlib.rcParams["svg.hashsalt"] = "iscm-kg"
matplotlib.rcParams["font.size"] = 8


def _save(fig: Figure, folder: Path, name: str, formats: tuple[str, ...]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        path = folder / f"{name}.{fmt}"
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(path, format=fmt, dpi=150, bbox_inches="tight", metadata=metadata)
        paths.append(path)
    plt.close(fig)
    return paths


def _colour(data: dict) -> str:
    return TYPE_COLOURS.get(data.get("type", ""), TYPE_COLOURS.get(data.get("kind", ""), "#d62728"))


def draw_network(G: nx.Graph, title: str, weight: str = "weight", label_kinds: tuple[str, ...] = ("mechanism",),
                 seed: int = 42) -> Figure:
    """Spring layout (seeded); node size by degree, edge width by weight, mechanisms labelled."""
    fig, ax = plt.subplots(figsize=(11, 9))
    if G.number_of_nodes():
        pos = nx.spring_layout(G, weight=weight, seed=seed, k=1.5 / max(1, G.number_of_nodes()) ** 0.5)
        degrees = dict(G.degree())
        top = max(degrees.values()) or 1
        weights = [float(d.get(weight, 1) or 0) for _, _, d in G.edges(data=True)]
        heaviest = max(weights, default=1) or 1
        nx.draw_networkx_edges(G, pos, ax=ax, width=[0.3 + 4 * w / heaviest for w in weights], alpha=0.35,
                               edge_color="#6b7f95")
        nx.draw_networkx_nodes(G, pos, ax=ax, node_size=[20 + 600 * degrees[n] / top for n in G],
                               node_color=[_colour(G.nodes[n]) for n in G], linewidths=0.3, edgecolors="#fff")
        labels = {n: G.nodes[n].get("short", n) for n in G if G.nodes[n].get("kind") in label_kinds}
        nx.draw_networkx_labels(G, pos, labels, ax=ax, font_size=7)
    ax.set_title(f"{title} ({G.number_of_nodes()} nodes, {G.number_of_edges()} edges)")
    ax.set_axis_off()
    return fig


def draw_heatmap(result: Analysis, attribute: str = "jaccard") -> Figure:
    """ISCM x ISCM: the shared-membership ``attribute`` (jaccard, overlap, shared) of every pair."""
    S = result.networks["shared_membership"]
    iscms = sorted((n for n in S if S.nodes[n].get("iscm")), key=lambda n: S.nodes[n]["short"].lower())
    index = {n: i for i, n in enumerate(iscms)}
    matrix = [[0.0] * len(iscms) for _ in iscms]
    for a, b, d in S.edges(data=True):
        if a in index and b in index:
            matrix[index[a]][index[b]] = matrix[index[b]][index[a]] = float(d[attribute])
    fig, ax = plt.subplots(figsize=(10, 9))
    image = ax.imshow(matrix, cmap="Blues")
    names = [S.nodes[n]["short"][:28] for n in iscms]
    ax.set_xticks(range(len(names)), names, rotation=90)
    ax.set_yticks(range(len(names)), names)
    fig.colorbar(image, ax=ax, shrink=0.7, label=attribute)
    ax.set_title(f"ISCMs sharing member States ({attribute})")
    return fig


def draw_matrix(result: Analysis) -> Figure:
    """State x ISCM membership matrix, coloured by role, States by number of ISCMs (most first)."""
    B = result.networks["state_iscm"]
    iscms = sorted((n for n, d in B.nodes(data=True) if d.get("bipartite") == 1),
                   key=lambda n: B.nodes[n]["short"].lower())
    members = members_by_iscm(B)
    count = {p: sum(p in m for m in members.values()) for p, d in B.nodes(data=True) if d.get("bipartite") == 0}
    parties = sorted(count, key=lambda p: (-count[p], -B.degree(p), B.nodes[p].get("label", p)))
    grid = [[ROLE_CODES.get(B.edges[p, m]["role"], 0) if B.has_edge(p, m) else 0 for m in iscms] for p in parties]
    fig, ax = plt.subplots(figsize=(9, max(6, len(parties) * 0.11)))
    cmap = ListedColormap(["#ffffff", "#d9d9d9", "#9ecae1", "#f0a500", "#08306b"])
    ax.imshow(grid, cmap=cmap, vmin=0, vmax=4, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(len(iscms)), [B.nodes[m]["short"][:24] for m in iscms], rotation=90)
    ax.set_yticks(range(len(parties)), [B.nodes[p].get("iso3") or B.nodes[p]["label"] for p in parties], fontsize=4)
    ax.xaxis.tick_top()
    ax.set_title("State × ISCM: member (dark), observer (orange), partner/participant (light), former (grey)")
    return fig


def draw_state_counts(result: Analysis, top: int = 30) -> Figure:
    rows = result.tables["states_by_iscm_count"][:top]
    fig, ax = plt.subplots(figsize=(9, 7))
    ax.barh([r["label"] for r in rows][::-1], [r["member_of"] for r in rows][::-1], color="#08306b")
    ax.set_xlabel("ISCMs as member (membership lists)")
    ax.set_title(f"The {top} States and territories in the most ISCMs")
    return fig


def draw_all(result: Analysis, folder: Path, formats: tuple[str, ...] = ("png",)) -> list[Path]:
    """Every picture, in every format asked, into ``folder``."""
    paths: list[Path] = []
    for name, weight, kinds in (("shared_membership", "jaccard", ("mechanism",)),
                                ("synergy", "weight", ("mechanism",)),
                                ("thematic_similarity", "weight", ("mechanism",)),
                                ("cooperation", "weight", ("mechanism",)),
                                ("state_iscm", "weight", ("mechanism",)),
                                ("iscm_organization", "weight", ("mechanism", "organization"))):
        fig = draw_network(result.networks[name], TITLES[name], weight, kinds, result.config.seed)
        paths += _save(fig, folder, f"network-{name}", formats)
    paths += _save(draw_heatmap(result), folder, "heatmap-shared-membership", formats)
    paths += _save(draw_matrix(result), folder, "matrix-state-iscm", formats)
    paths += _save(draw_state_counts(result), folder, "states-by-iscm-count", formats)
    return paths
