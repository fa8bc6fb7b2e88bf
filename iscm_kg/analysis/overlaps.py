"""Who is in how many ISCMs, and which ISCMs overlap within a region.

>>> import networkx as nx
>>> B = nx.Graph()
>>> B.add_nodes_from(["s1", "s2", "s3"], bipartite=0, subregion="East")
>>> B.add_nodes_from(["A", "B"], bipartite=1, type="rcp")
>>> B.add_edges_from([("s1", "A"), ("s2", "A"), ("s2", "B"), ("s3", "B"), ("s1", "B")], role="member")
>>> [(row["a"], row["b"], row["shared"]) for row in regional_overlaps(B, min_shared=2)]
[('A', 'B', 2)]
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import networkx as nx

from .facts import Facts
from .networks import members_by_iscm, r


def _label(G: nx.Graph, n: str) -> str:
    return G.nodes[n].get("short") or G.nodes[n].get("label") or n


def states_by_iscm_count(B: nx.Graph, roles: tuple[str, ...] = ("member",)) -> list[dict]:
    """States and territories with the number of ISCMs they are members of (``roles``) and take part in (any
    role of the bipartite graph), most first; ties by name."""
    rows = []
    for n, data in B.nodes(data=True):
        if data.get("bipartite") != 0:
            continue
        member = sorted(_label(B, m) for m in B[n] if B.edges[n, m]["role"] in roles)
        anyrole = sorted(f"{_label(B, m)} ({B.edges[n, m]['role']})" for m in B[n]
                         if B.edges[n, m]["role"] not in roles)
        rows.append({"party": n, "label": data.get("label", n), "iso3": data.get("iso3", ""),
                     "region": data.get("region", ""), "subregion": data.get("subregion", ""),
                     "member_of": len(member), "takes_part_in": B.degree(n), "member_iscms": "|".join(member),
                     "other_roles": "|".join(anyrole)})
    return sorted(rows, key=lambda row: (-row["member_of"], -row["takes_part_in"], row["label"]))


def regional_overlaps(B: nx.Graph, roles: tuple[str, ...] = ("member",), min_shared: int = 2,
                      level: str = "subregion", named: set[frozenset[str]] | None = None) -> list[dict]:
    """Pairs of ISCMs that share at least ``min_shared`` members located in one region (node attribute
    ``level``: UN M49 sub-region by default). For each: the members of each ISCM in the region, the shared
    ones, the overlap coefficient in the region, the share of each ISCM's membership lying in the region
    (``focus``: the smaller of the two; 1 = both ISCMs are wholly in the region), whether both are RCPs, and
    whether a source names the overlap."""
    members = members_by_iscm(B, roles)
    by_region: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for mechanism, parties in members.items():
        for p in parties:
            region = B.nodes[p].get(level, "")
            if region:
                by_region[region][mechanism].add(p)
    named = named or set()
    rows = []
    for region in sorted(by_region):
        local = by_region[region]
        for a, b in combinations(sorted(local), 2):
            shared = local[a] & local[b]
            if len(shared) < min_shared:
                continue
            focus_a = len(local[a]) / len(members[a])
            focus_b = len(local[b]) / len(members[b])
            rows.append({
                "region": region, "a": a, "b": b, "a_label": _label(B, a), "b_label": _label(B, b),
                "a_type": B.nodes[a].get("type", ""), "b_type": B.nodes[b].get("type", ""),
                "both_rcp": B.nodes[a].get("type") == "rcp" and B.nodes[b].get("type") == "rcp",
                "shared": len(shared), "a_in_region": len(local[a]), "b_in_region": len(local[b]),
                "overlap": r(len(shared) / min(len(local[a]), len(local[b]))),
                "focus": r(min(focus_a, focus_b)), "named": frozenset((a, b)) in named,
                "members": "|".join(sorted(_label(B, s) for s in shared)),
            })
    return sorted(rows, key=lambda row: (-row["both_rcp"], -row["focus"], -row["shared"], row["region"],
                                         row["a"], row["b"]))


def _year(as_of: str) -> int | None:
    return int(as_of) if as_of.isdigit() else None


def compare_reported_counts(B: nx.Graph, facts: Facts, period_end: int = 2019) -> list[dict]:
    """The report's "member of N ISCMs" statements against the membership lists: all listed memberships,
    those whose source describes ``period_end`` or earlier, undated ones, later ones, and the ISCMs open to a
    whole group of States (e.g. the GFMD: all UN Member States), which the lists do not enumerate."""
    open_to_all = sorted(facts.short(role.mechanism) for role in facts.roles
                         if role.party_kind == "group" and role.role == "member")
    rows = []
    for reported in facts.reported_counts:
        party = reported.party
        edges = [(m, B.edges[party, m]) for m in B[party]] if party in B else []
        members = sorted((facts.short(m), d.get("as_of", "")) for m, d in edges if d["role"] == "member")
        dated = [(m, a) for m, a in members if _year(a) is not None and _year(a) <= period_end]  # type: ignore[operator]
        later = [(m, a) for m, a in members if _year(a) is not None and _year(a) > period_end]  # type: ignore[operator]
        undated = [(m, a) for m, a in members if _year(a) is None]
        other = sorted(f"{facts.short(m)} ({d['role']})" for m, d in edges if d["role"] != "member")
        rows.append({
            "party": party, "label": facts.label(party), "reported": reported.value, "statement": reported.statement,
            "line": reported.line or "", "listed_member_of": len(members),
            f"dated_up_to_{period_end}": len(dated), "undated": len(undated), f"dated_after_{period_end}": len(later),
            "open_to_all": len(open_to_all), "listed_plus_open": len(members) + len(open_to_all),
            "difference": len(members) - reported.value,
            "member_iscms": "|".join(f"{m} ({a or 'no date'})" for m, a in members),
            "open_iscms": "|".join(open_to_all), "other_roles": "|".join(other),
        })
    return rows
