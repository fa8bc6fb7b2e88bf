"""The synergy score of two ISCMs and the candidate synergies.

    synergy(a, b) = sum_c weight[c] * component[c](a, b) / sum_c weight[c]

with every component in [0, 1] (weights in synergy.toml, documented in docs/networks.md):

- ``membership``: similarity of their member States and territories (Jaccard by default);
- ``themes``: Jaccard index of their Annex 10 thematic foci;
- ``organizations``: Jaccard index of the organizations serving them (secretariat, associated, support, partner);
- ``cooperation``: 1 when the report documents a cooperation between them (ignored kinds excepted), else 0;
- ``overlap``: 1 when a source names a geographic overlap between them, else 0.

Candidate synergies are pairs with no documented cooperation, at least ``min_shared_members`` shared members,
``min_shared_themes`` shared themes and a membership similarity of ``min_membership``, ranked by synergy.

>>> from iscm_kg.analysis.config import default_config
>>> pair_score({"membership": 0.5, "themes": 1.0, "organizations": 0.0, "cooperation": 0.0, "overlap": 0.0},
...            {"membership": 1, "themes": 1, "organizations": 0, "cooperation": 0, "overlap": 0})
0.75
"""

from __future__ import annotations

from itertools import combinations

import networkx as nx

from .config import COMPONENTS, Config
from .facts import Facts
from .networks import _key, mechanism_attrs, members_by_iscm, organizations_by_iscm, r, similarity


def pair_score(components: dict[str, float], weights: dict[str, float]) -> float:
    """The weighted mean of the components."""
    total = sum(weights[c] for c in COMPONENTS)
    return r(sum(weights[c] * components[c] for c in COMPONENTS) / total)


def documented_cooperation(facts: Facts, ignore_kinds: tuple[str, ...] = ()) -> dict[frozenset[str], list[str]]:
    """Pair of mechanisms -> keys of the documented cooperations between them (ignored kinds left out)."""
    out: dict[frozenset[str], list[str]] = {}
    for coop in facts.cooperations:
        if coop.kind in ignore_kinds:
            continue
        for a, b in combinations(coop.parties, 2):
            out.setdefault(frozenset((a, b)), []).append(_key(coop.iri))
    return out


def named_overlaps(facts: Facts) -> dict[frozenset[str], str]:
    """Pair of mechanisms -> the region of a geographic overlap a source names between them."""
    out = {}
    for overlap in facts.overlaps:
        for a, b in combinations(overlap.parties, 2):
            out[frozenset((a, b))] = overlap.region
    return out


def synergy_network(facts: Facts, B: nx.Graph, G_org: nx.Graph, config: Config) -> nx.Graph:
    """ISCM - ISCM with the synergy score and its components on every edge (pairs scoring 0 left out).

    ``B`` is the State-ISCM network, ``G_org`` the ISCM-organization network."""
    members = members_by_iscm(B, config.membership_roles)
    orgs = organizations_by_iscm(G_org, config)
    coop = documented_cooperation(facts, config.ignore_cooperation_kinds)
    wished = documented_cooperation(facts)
    named = named_overlaps(facts)
    iscms = facts.iscms
    G = nx.Graph(name="synergy")
    for node in iscms:
        G.add_node(node, **mechanism_attrs(facts, node))
    for a, b in combinations(iscms, 2):
        pair = frozenset((a, b))
        ma, mb = members.get(a, set()), members.get(b, set())
        ta, tb = facts.themes.get(a, set()), facts.themes.get(b, set())
        oa, ob = orgs.get(a, set()), orgs.get(b, set())
        components = {
            "membership": similarity(ma, mb, config.membership_measure),
            "themes": similarity(ta, tb),
            "organizations": similarity(oa, ob),
            "cooperation": 1.0 if pair in coop else 0.0,
            "overlap": 1.0 if pair in named else 0.0,
        }
        score = pair_score(components, config.weights)
        if score <= 0 or score < config.min_synergy:
            continue
        other = sorted(set(wished.get(pair, [])) - set(coop.get(pair, [])))
        G.add_edge(a, b, weight=score, synergy=score, **{c: r(v) for c, v in components.items()},
                   shared_members=len(ma & mb), shared_themes=len(ta & tb), shared_organizations=len(oa & ob),
                   jaccard=r(similarity(ma, mb, "jaccard")), overlap_coefficient=r(similarity(ma, mb,
                                                                                         "overlap_coefficient")),
                   members_list="|".join(sorted(B.nodes[s].get("short", s) for s in ma & mb)),
                   themes_list="|".join(sorted(_key(t) for t in ta & tb)),
                   organizations_list="|".join(sorted(G_org.nodes[o].get("short", o) for o in oa & ob)),
                   cooperations="|".join(sorted(coop.get(pair, []))), other_cooperations="|".join(other),
                   named_overlap=named.get(pair, ""))
    return G


def candidates(S: nx.Graph, config: Config) -> list[dict]:
    """Candidate synergies from the synergy network: no documented cooperation, enough shared members and
    themes; ranked by synergy score, then by shared members; at most ``top_candidates``."""
    rows = []
    for a, b, d in S.edges(data=True):
        if d["cooperation"] > 0:
            continue
        if d["shared_members"] < config.min_shared_members or d["shared_themes"] < config.min_shared_themes:
            continue
        if d["membership"] < config.min_membership:
            continue
        rows.append({"a": a, "b": b, "a_label": S.nodes[a]["short"], "b_label": S.nodes[b]["short"],
                     "a_type": S.nodes[a]["type"], "b_type": S.nodes[b]["type"], "synergy": d["synergy"],
                     **{c: d[c] for c in COMPONENTS if c != "cooperation"},
                     "shared_members": d["shared_members"], "shared_themes": d["shared_themes"],
                     "shared_organizations": d["shared_organizations"], "jaccard": d["jaccard"],
                     "overlap_coefficient": d["overlap_coefficient"], "members_list": d["members_list"],
                     "themes_list": d["themes_list"], "organizations_list": d["organizations_list"],
                     "named_overlap": d["named_overlap"], "other_cooperations": d["other_cooperations"]})
    rows.sort(key=lambda row: (-row["synergy"], -row["shared_members"], row["a"], row["b"]))
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    return rows[: config.top_candidates]

