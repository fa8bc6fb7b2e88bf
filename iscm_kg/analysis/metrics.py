"""Network metrics, each a plain function of a graph (NetworkX style), deterministic: nodes are visited in
the graph's (sorted) order, community detection uses a fixed seed, floats are rounded for output.

>>> import networkx as nx
>>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
>>> degree_and_strength(G)["c"]
(3, 3.0)
>>> sorted(nontrivial_bridges(G)), sorted(nx.bridges(G))
([], [('c', 'd')])
>>> betweenness(G)["c"]
0.666667
"""

from __future__ import annotations

from collections import Counter

import networkx as nx

from .networks import r


def degree_and_strength(G: nx.Graph, weight: str | None = "weight") -> dict[str, tuple[int, float]]:
    """Node -> (degree, strength = sum of the weights of its edges; the degree when unweighted)."""
    return {n: (G.degree(n), r(G.degree(n, weight=weight) if weight else G.degree(n))) for n in G}


def _with_distance(G: nx.Graph, weight: str) -> nx.Graph:
    H = nx.Graph()
    H.add_nodes_from(G)
    for u, v, w in G.edges(data=weight, default=1.0):
        H.add_edge(u, v, distance=1.0 / float(w) if w else float("inf"))
    return H


def betweenness(G: nx.Graph, weight: str | None = None, max_work: int = 5_000_000, min_pivots: int = 16,
                seed: int = 42) -> dict[str, float]:
    """Normalized betweenness centrality. With ``weight``, shortest paths use the distance 1/weight (strong
    ties are short). Exact (Brandes) while nodes x edges <= ``max_work``; above, Brandes' estimate from
    max(``min_pivots``, max_work / edges) pivots drawn with ``seed``, so the cost stays near ``max_work``."""
    n, m = G.number_of_nodes(), G.number_of_edges()
    if n == 0:
        return {}
    H = _with_distance(G, weight) if weight else G
    k = None if n * max(m, 1) <= max_work else min(n, max(min_pivots, max_work // max(m, 1)))
    values = nx.betweenness_centrality(H, k=k, normalized=True, weight="distance" if weight else None, seed=seed)
    return {node: r(values[node]) for node in G}


def eigenvector(G: nx.Graph, weight: str | None = "weight", max_iter: int = 2000,
                tol: float = 1e-9) -> dict[str, float]:
    """Eigenvector centrality: power iteration on A + I (which converges on bipartite graphs too) from the
    uniform vector, normalized each step, as NetworkX's ``eigenvector_centrality`` does, but vectorised with
    numpy (``bincount`` over the edge list), so that a million edges take milliseconds per step. Stops when
    the L1 change is below n * ``tol``, else returns the last iterate after ``max_iter`` steps; all 0 on a
    graph without edges."""
    import numpy as np

    n, m = G.number_of_nodes(), G.number_of_edges()
    if m == 0:
        return {node: 0.0 for node in G}
    index = {node: i for i, node in enumerate(G)}
    u = np.fromiter((index[a] for a, _ in G.edges()), dtype=np.int64, count=m)
    v = np.fromiter((index[b] for _, b in G.edges()), dtype=np.int64, count=m)
    w = np.fromiter((float(d if weight else 1.0) for _, _, d in G.edges(data=weight, default=1.0)),
                    dtype=np.float64, count=m)
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        last = x
        x = (last + np.bincount(u, weights=w * last[v], minlength=n)
             + np.bincount(v, weights=w * last[u], minlength=n))
        norm = float(np.sqrt(np.dot(x, x))) or 1.0
        x = x / norm
        if float(np.abs(x - last).sum()) < n * tol:
            break
    return {node: r(x[i]) for node, i in index.items()}


def core_numbers(G: nx.Graph) -> dict[str, int]:
    """The k-core number of each node (the largest k such that the node is in the k-core)."""
    H = G.copy()
    H.remove_edges_from(list(nx.selfloop_edges(H)))
    return dict(nx.core_number(H))


def communities(G: nx.Graph, weight: str | None = "weight", seed: int = 42, resolution: float = 1.0) -> list[list[str]]:
    """Louvain communities (modularity), seeded; sorted by size (largest first), then by first node. Nodes
    without edges are their own community."""
    if G.number_of_edges() == 0:
        parts = [{n} for n in G]
    else:
        parts = nx.community.louvain_communities(G, weight=weight, resolution=resolution, seed=seed)
    return sorted((sorted(p) for p in parts), key=lambda c: (-len(c), c[0]))


def community_of(parts: list[list[str]]) -> dict[str, int]:
    """Node -> index of its community (0 = largest)."""
    return {n: i for i, part in enumerate(parts) for n in part}


def modularity(G: nx.Graph, parts: list[list[str]], weight: str | None = "weight",
               resolution: float = 1.0) -> float:
    if G.number_of_edges() == 0:
        return 0.0
    return r(nx.community.modularity(G, [set(p) for p in parts], weight=weight, resolution=resolution))


def participation(G: nx.Graph, membership: dict[str, int], weight: str | None = "weight") -> dict[str, float]:
    """Participation coefficient P(i) = 1 - sum over communities c of (k_ic / k_i)^2, with k the (weighted)
    degree: 0 when all of a node's ties are in one community, near 1 when they spread over many."""
    out = {}
    for n in G:
        totals: Counter[int] = Counter()
        for _, v, w in G.edges(n, data=weight, default=1.0):
            totals[membership[v]] += float(w if weight else 1.0)
        k = sum(totals.values())
        out[n] = r(1.0 - sum((x / k) ** 2 for x in totals.values())) if k else 0.0
    return out


def communities_reached(G: nx.Graph, membership: dict[str, int]) -> dict[str, int]:
    """Node -> number of distinct communities among its neighbours (a State that bridges communities reaches
    several)."""
    return {n: len({membership[v] for v in G[n]}) for n in G}


def nontrivial_bridges(G: nx.Graph) -> list[tuple[str, str]]:
    """Bridges (edges whose removal disconnects their component) whose both ends have other ties: the edges
    that alone hold two groups together, leaving out the many edges to leaves."""
    out = []
    for u, v in nx.bridges(G):
        if G.degree(u) > 1 and G.degree(v) > 1:
            out.append((u, v) if u <= v else (v, u))
    return sorted(out)


def articulation_points(G: nx.Graph) -> list[str]:
    """Nodes whose removal disconnects their component."""
    return sorted(nx.articulation_points(G))


def node_metrics(G: nx.Graph, weight: str | None = "weight", seed: int = 42, resolution: float = 1.0,
                 max_work: int = 5_000_000, min_pivots: int = 16) -> tuple[dict[str, dict], list[list[str]]]:
    """All node metrics of ``G`` (degree, strength, betweenness, eigenvector, core, community,
    participation, communities reached, articulation) and its communities."""
    ds = degree_and_strength(G, weight)
    btw = betweenness(G, weight, max_work, min_pivots, seed)
    eig = eigenvector(G, weight)
    core = core_numbers(G)
    parts = communities(G, weight, seed, resolution)
    member = community_of(parts)
    part = participation(G, member, weight)
    reach = communities_reached(G, member)
    cut = set(articulation_points(G))
    metrics = {
        n: {"degree": ds[n][0], "strength": ds[n][1], "betweenness": btw[n], "eigenvector": eig[n],
            "core": core[n], "community": member[n], "participation": part[n], "communities_reached": reach[n],
            "articulation": n in cut}
        for n in G
    }
    return metrics, parts


def summary(G: nx.Graph, parts: list[list[str]], weight: str | None = "weight", resolution: float = 1.0) -> dict:
    """Size, density, components, communities and modularity, k-core depth, bridges of a graph."""
    components = sorted((len(c) for c in nx.connected_components(G)), reverse=True)
    core = core_numbers(G)
    return {
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "density": r(nx.density(G)) if G.number_of_nodes() > 1 else 0.0,
        "components": len(components),
        "largest_component": components[0] if components else 0,
        "communities": len([p for p in parts if len(p) > 1]),
        "modularity": modularity(G, parts, weight, resolution),
        "max_core": max(core.values(), default=0),
        "bridges": len(list(nx.bridges(G))),
        "nontrivial_bridges": len(nontrivial_bridges(G)),
        "articulation_points": len(articulation_points(G)),
    }
