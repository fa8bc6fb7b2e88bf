"""The networks, as NetworkX graphs built from :class:`~iscm_kg.analysis.facts.Facts`.

Nodes are IRIs, added in sorted order, with plain attributes (str, int, float, bool; lists joined with "|") so
that every graph can be written as node-link JSON, GEXF and GraphML unchanged:

- ``state_iscm``: bipartite States/territories - ISCMs, one edge per party and ISCM with its strongest role
  (member, observer, partner, participant, former member) and that role's weight;
- ``shared_membership``: ISCM - ISCM, weighted by the number of shared members, with Jaccard index and overlap
  coefficient (a projection of ``state_iscm``);
- ``co_membership``: State - State, weighted by the number of ISCMs both are members of;
- ``thematic_similarity``: ISCM - ISCM, weighted by the Jaccard index of their Annex 10 themes;
- ``cooperation``: mechanism - mechanism, weighted by the number of documented cooperations;
- ``iscm_organization``: bipartite ISCMs (and other mechanisms) - organizations, by role group (secretariat,
  associated, support, partner, member, observer, chair).

>>> from iscm_kg.analysis.facts import Facts, Mechanism, Country, Role
>>> f = Facts(mechanisms={"m:a": Mechanism("m:a", "A", "rcp"), "m:b": Mechanism("m:b", "B", "rcp")},
...           countries={c: Country(c, c) for c in ("s:1", "s:2", "s:3")},
...           roles=[Role("s:1", "m:a", "member"), Role("s:2", "m:a", "member"), Role("s:2", "m:b", "member"),
...                  Role("s:3", "m:b", "observer")])
>>> from iscm_kg.analysis.config import default_config
>>> B = state_iscm(f, default_config())
>>> sorted(B.edges("s:3", data="role"))
[('s:3', 'm:b', 'observer')]
>>> S = shared_membership(B, ("member",))
>>> S.edges["m:a", "m:b"]["shared"], S.edges["m:a", "m:b"]["jaccard"]
(1, 0.5)
"""

from __future__ import annotations

import math
from collections import defaultdict
from itertools import combinations

import networkx as nx
from networkx.algorithms import bipartite

from .config import Config
from .facts import Facts

NETWORKS = ("state_iscm", "shared_membership", "co_membership", "thematic_similarity", "cooperation",
            "iscm_organization")
DIGITS = 6


def r(value: float) -> float:
    """Rounded for output (the same bytes on every platform)."""
    return round(float(value), DIGITS) + 0.0


def _clean(attrs: dict) -> dict:
    return {k: v for k, v in attrs.items() if v is not None and v != ""}


def _key(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def mechanism_attrs(facts: Facts, iri: str) -> dict:
    m = facts.mechanisms.get(iri)
    if m is None:
        return {"label": _key(iri), "short": _key(iri), "kind": "mechanism", "type": "other", "iscm": False}
    themes = sorted(_key(t) for t in facts.themes.get(iri, ()))
    return _clean({"label": m.label, "short": m.short, "kind": "mechanism", "type": m.type, "iscm": m.is_iscm,
                   "annex2": m.annex2, "declared": m.declared, "regions": "|".join(m.regions),
                   "themes": "|".join(themes)})


def party_attrs(facts: Facts, iri: str) -> dict:
    c = facts.countries.get(iri)
    if c is not None:
        return _clean({"label": c.label, "short": c.short, "kind": c.kind, "type": c.kind, "iso3": c.iso3,
                       "numeric": c.numeric, "region": c.region_label, "subregion": c.subregion_label,
                       "lat": c.lat, "long": c.long})
    o = facts.organizations.get(iri)
    if o is not None:
        return _clean({"label": o.label, "short": o.short, "kind": "organization", "type": o.kind or "organization"})
    return {"label": _key(iri), "short": _key(iri), "kind": "other", "type": "other"}


def _strongest(roles: set[str], weights: dict[str, float]) -> str:
    order = list(weights)
    return min(roles, key=lambda role: (-weights.get(role, 0.0), order.index(role) if role in order else 99, role))


def state_iscm(facts: Facts, config: Config) -> nx.Graph:
    """Bipartite States/territories - ISCMs (role-aware). Every ISCM is a node, even without listed members."""
    weights = config.role_weights
    roles: dict[tuple[str, str], set[str]] = defaultdict(set)
    other_roles: dict[tuple[str, str], set[str]] = defaultdict(set)
    as_of: dict[tuple[str, str, str], str] = {}
    for role in facts.roles:
        if role.party not in facts.countries or role.mechanism not in facts.mechanisms:
            continue
        if not facts.mechanisms[role.mechanism].is_iscm:
            continue
        target = roles if role.role in weights else other_roles
        target[(role.party, role.mechanism)].add(role.role)
        as_of[(role.party, role.mechanism, role.role)] = role.last_as_of
    G = nx.Graph(name="state_iscm")
    parties = sorted({p for p, _ in roles})
    for party in parties:
        G.add_node(party, bipartite=0, **party_attrs(facts, party))
    for mechanism in facts.iscms:
        G.add_node(mechanism, bipartite=1, **mechanism_attrs(facts, mechanism))
    for (party, mechanism), held in sorted(roles.items()):
        role = _strongest(held, weights)
        also = sorted(held | other_roles.get((party, mechanism), set()))
        G.add_edge(party, mechanism, role=role, roles="|".join(also), weight=r(weights[role]),
                   **_clean({"as_of": as_of.get((party, mechanism, role), "")}))
    return G


def members_by_iscm(B: nx.Graph, roles: tuple[str, ...] = ("member",)) -> dict[str, set[str]]:
    """ISCM -> the parties whose (strongest) role in the bipartite graph is one of ``roles``."""
    members: dict[str, set[str]] = {n: set() for n, d in B.nodes(data=True) if d.get("bipartite") == 1}
    for u, v, role in B.edges(data="role"):
        party, mechanism = (u, v) if B.nodes[u].get("bipartite") == 0 else (v, u)
        if role in roles:
            members[mechanism].add(party)
    return members


def similarity(a: set, b: set, measure: str = "jaccard") -> float:
    """Jaccard index, overlap coefficient or cosine (Ochiai) similarity of two sets (0 when either is empty).

    >>> similarity({1, 2, 3}, {2, 3, 4}), similarity({1, 2}, {1, 2, 3}, "overlap_coefficient")
    (0.5, 1.0)
    """
    if not a or not b:
        return 0.0
    shared = len(a & b)
    if measure == "jaccard":
        return shared / len(a | b)
    if measure == "overlap_coefficient":
        return shared / min(len(a), len(b))
    if measure == "cosine":
        return shared / math.sqrt(len(a) * len(b))
    raise ValueError(f"unknown measure {measure!r}")


def _membership_graph(members: dict[str, set[str]]) -> nx.Graph:
    """The bipartite graph of the membership edges only (ISCMs and their members), for the projections."""
    M = nx.Graph()
    M.add_nodes_from(members)
    M.add_edges_from((party, mechanism) for mechanism, parties in members.items() for party in parties)
    return M


def _pairs(P: nx.Graph) -> list[tuple[str, str, dict]]:
    """The edges of a projection as (a, b, data) with a < b, sorted: the order the networks are written in."""
    return sorted((min(a, b), max(a, b), d) for a, b, d in P.edges(data=True))


def shared_membership(B: nx.Graph, roles: tuple[str, ...] = ("member",)) -> nx.Graph:
    """ISCM - ISCM: an edge where two ISCMs share members; weight = shared count, with ``jaccard`` and
    ``overlap`` (overlap coefficient), the projections of networkx.algorithms.bipartite. Node attribute
    ``members``: the ISCM's member count."""
    members = members_by_iscm(B, roles)
    M = _membership_graph(members)
    jaccard = bipartite.overlap_weighted_projected_graph(M, members, jaccard=True)
    overlap = bipartite.overlap_weighted_projected_graph(M, members, jaccard=False)
    G = nx.Graph(name="shared_membership")
    for node in sorted(members):
        G.add_node(node, **B.nodes[node], members=len(members[node]))
    for a, b, d in _pairs(bipartite.weighted_projected_graph(M, members)):
        G.add_edge(a, b, weight=d["weight"], shared=d["weight"], jaccard=r(jaccard.edges[a, b]["weight"]),
                   overlap=r(overlap.edges[a, b]["weight"]),
                   members="|".join(sorted(B.nodes[s].get("short", s) for s in members[a] & members[b])))
    return G


def co_membership(B: nx.Graph, roles: tuple[str, ...] = ("member",)) -> nx.Graph:
    """State - State: weight = number of ISCMs both are members of (``iscms``: their short names), the weighted
    projection of the membership graph onto the parties."""
    members = members_by_iscm(B, roles)
    M = _membership_graph(members)
    parties = sorted(set(M) - set(members))
    G = nx.Graph(name="co_membership")
    for party in parties:
        G.add_node(party, **B.nodes[party], iscms=M.degree(party))
    for a, b, d in _pairs(bipartite.weighted_projected_graph(M, parties)):
        shared = set(M[a]) & set(M[b])
        G.add_edge(a, b, weight=d["weight"], iscms="|".join(sorted(B.nodes[m].get("short", m) for m in shared)))
    return G


def thematic_similarity(facts: Facts, min_similarity: float = 0.0) -> nx.Graph:
    """ISCM - ISCM: weight = Jaccard index of the Annex 10 themes (at least ``min_similarity``); ``shared``: the
    number of shared themes."""
    G = nx.Graph(name="thematic_similarity")
    themed = sorted(m for m in facts.iscms if facts.themes.get(m))
    for node in themed:
        G.add_node(node, **mechanism_attrs(facts, node), theme_count=len(facts.themes[node]))
    for a, b in combinations(themed, 2):
        shared = facts.themes[a] & facts.themes[b]
        if shared and similarity(facts.themes[a], facts.themes[b]) >= min_similarity:
            G.add_edge(a, b, weight=r(similarity(facts.themes[a], facts.themes[b])), shared=len(shared),
                       themes="|".join(sorted(_key(t) for t in shared)))
    return G


def cooperation(facts: Facts) -> nx.Graph:
    """Mechanism - mechanism: weight = number of documented cooperations between the two, ``kinds`` and
    ``cooperations`` (keys). Every ISCM is a node; other mechanisms only when they take part in one."""
    pairs: dict[tuple[str, str], list] = defaultdict(list)
    nodes = set(facts.iscms)
    for coop in facts.cooperations:
        nodes.update(coop.parties)
        for a, b in combinations(sorted(coop.parties), 2):
            pairs[(a, b)].append(coop)
    G = nx.Graph(name="cooperation")
    for node in sorted(nodes):
        G.add_node(node, **mechanism_attrs(facts, node))
    for (a, b), coops in sorted(pairs.items()):
        G.add_edge(a, b, weight=len(coops), kinds="|".join(sorted({c.kind for c in coops})),
                   cooperations="|".join(sorted(_key(c.iri) for c in coops)))
    return G


def iscm_organization(facts: Facts, config: Config) -> nx.Graph:
    """Bipartite mechanisms - organizations by role group (config ``[organizations]``), strongest group as
    ``role``, all roles in ``roles``, weight from ``[organization_weights]``."""
    held: dict[tuple[str, str], set[str]] = defaultdict(set)
    for role in facts.roles:
        if role.party not in facts.organizations or role.mechanism not in facts.mechanisms:
            continue
        if config.organization_group(role.role) is not None:
            held[(role.party, role.mechanism)].add(role.role)
    G = nx.Graph(name="iscm_organization")
    for org in sorted({o for o, _ in held}):
        G.add_node(org, bipartite=0, **party_attrs(facts, org))
    for mechanism in sorted({m for _, m in held} | set(facts.iscms)):
        G.add_node(mechanism, bipartite=1, **mechanism_attrs(facts, mechanism))
    weights = config.organization_weights
    for (org, mechanism), roles in sorted(held.items()):
        groups = {config.organization_group(role) or "" for role in roles}
        group = max(sorted(groups), key=lambda g: weights.get(g, 0.0))
        G.add_edge(org, mechanism, role=group, roles="|".join(sorted(roles)), weight=r(weights.get(group, 0.0)))
    return G


def organizations_by_iscm(G: nx.Graph, config: Config) -> dict[str, set[str]]:
    """Mechanism -> organizations that hold a role in one of the groups of ``[organization_synergy]``."""
    groups = set(config.organization_synergy_groups)
    out: dict[str, set[str]] = {n: set() for n, d in G.nodes(data=True) if d.get("bipartite") == 1}
    for u, v, roles in G.edges(data="roles"):
        org, mechanism = (u, v) if G.nodes[u].get("bipartite") == 0 else (v, u)
        if any(config.organization_group(role) in groups for role in roles.split("|")):
            out[mechanism].add(org)
    return out
