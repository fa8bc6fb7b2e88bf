"""What the pictures need to be read by someone who is not a network scientist: communities named after what
they hold, and an order of the ISCMs for the heatmap that puts similar ones side by side. Deterministic.

>>> import networkx as nx
>>> G = nx.Graph()
>>> G.add_nodes_from([("a", {"kind": "mechanism", "short": "A", "regions": "Europe|Africa", "degree": 2}),
...                   ("b", {"kind": "mechanism", "short": "B", "regions": "Europe", "degree": 1}),
...                   ("c", {"kind": "mechanism", "short": "C", "regions": "Asia", "degree": 1})])
>>> community_names(G, [["a", "b"], ["c"]])
['Europe and Africa (A, B)', 'C']
>>> G.add_weighted_edges_from([("a", "b", 0.1), ("b", "c", 0.9)])
>>> similarity_order(G, "weight")
['b', 'c', 'a']
"""

from __future__ import annotations

from collections import Counter

import networkx as nx

EXAMPLES = 3  # ISCMs named after the regions: enough to recognise a community, short enough for a legend

# The heatmap's measures (page /overlaps): network -> the edge attributes it can colour the cells by.
HEATMAP_MEASURES = {
    "shared_membership": ("jaccard", "overlap", "shared"),
    "thematic_similarity": ("weight",),
    "synergy": ("synergy",),
}


def _name(G: nx.Graph, n: str) -> str:
    """A mechanism's acronym, another node's label (a State's ISO code says little to a reader)."""
    d = G.nodes[n]
    return str((d.get("short") if d.get("kind") == "mechanism" else None) or d.get("label") or d.get("short") or n)


def _regions(G: nx.Graph, part: list[str]) -> Counter[str]:
    """UN M49 regions of the community's States; where it has none, the regions its mechanisms cover."""
    states = Counter(str(G.nodes[n]["region"]) for n in part if G.nodes[n].get("region"))
    if states:
        return states
    return Counter(r for n in part for r in str(G.nodes[n].get("regions", "")).split("|") if r)


def community_name(G: nx.Graph, part: list[str]) -> str:
    """"Europe and Africa (Rabat Process, Khartoum Process, Prague Process, ...)": the most common region, with
    the second when it counts at least half as much, then the best-connected mechanisms (else nodes)."""
    if len(part) == 1:
        return _name(G, part[0])
    ranked = sorted(_regions(G, part).items(), key=lambda item: (-item[1], item[0]))
    regions = [name for name, count in ranked[:2] if count * 2 >= ranked[0][1]]
    mechanisms = [n for n in part if G.nodes[n].get("kind") == "mechanism"] or part
    best = sorted(mechanisms, key=lambda n: (-G.nodes[n].get("degree", 0), str(G.nodes[n].get("short", n))))
    names = [_name(G, n) for n in best[:EXAMPLES]]
    examples = ", ".join(names) + (", ..." if len(best) > EXAMPLES else "")
    return f"{' and '.join(regions)} ({examples})" if regions else examples


def community_names(G: nx.Graph, parts: list[list[str]]) -> list[str]:
    """The name of each community, in the order of ``parts`` (community numbers index it)."""
    return [community_name(G, part) for part in parts]


def similarity_order(G: nx.Graph, weight: str) -> list[str]:
    """The nodes in a greedy nearest-neighbour order (seriation): start at the node with the largest total
    ``weight``, then always go on to the not yet placed node most similar to the last one placed (the
    largest total breaks ties, then the id); where none is similar, to the largest remaining total. Similar
    nodes end up next to each other, so a heatmap in this order shows its blocks along the diagonal. No scipy
    needed, and O(n^2) for the 56 ISCMs."""
    total = {n: float(G.degree(n, weight=weight)) for n in G}

    def rank(n: str) -> tuple[float, str]:
        return (-total[n], n)

    left = sorted(G, key=rank)
    if not left:
        return []
    order = [left.pop(0)]
    while left:
        last = order[-1]
        similar = [n for n in left if G.has_edge(last, n) and float(G.edges[last, n].get(weight, 0) or 0) > 0]
        nxt = min(similar, key=lambda n: (-float(G.edges[last, n][weight]), *rank(n))) if similar else left[0]
        left.remove(nxt)
        order.append(nxt)
    return order
