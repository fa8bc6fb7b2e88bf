"""The tables computed from the memberships, in the shapes of the Correlates of War (COW) IGO data: a State x ISCM
matrix of COW status codes, the State pairs sharing ISCMs (full members only, as COW counts joint membership), and
the ISCM pairs sharing members. Parties are the States and territories (rows of states.csv), as in the networks.

>>> rows = [{"state": "A", "iscm": "x", "role": "member"}, {"state": "B", "iscm": "x", "role": "member"},
...         {"state": "B", "iscm": "y", "role": "member"}, {"state": "A", "iscm": "y", "role": "observer"},
...         {"state": "A", "iscm": "y", "role": "chair"}, {"state": "", "iscm": "y", "role": "member"}]
>>> status_codes(rows)
{('A', 'x'): 1, ('B', 'x'): 1, ('B', 'y'): 1, ('A', 'y'): 3}
>>> [(d["state_a"], d["state_b"], d["shared"], d["iscms"]) for d in dyads(status_codes(rows), {})]
[('A', 'B', 1, 'x')]
>>> [(o["iscm_a"], o["iscm_b"], o["shared"], o["jaccard"]) for o in overlaps(status_codes(rows), ["x", "y"])]
[('x', 'y', 1, 0.5)]
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from ..analysis.networks import r, similarity
from .read import LIST

# Our roles -> COW IGO status codes (0 none, 1 full member, 2 associate member, 3 observer). Only these two roles
# are membership statuses; no role of ours is an associate membership, so code 2 never occurs. Every other role
# (partner, participant, former member, chair, secretariat, ...) has no COW equivalent: alone it gives 0.
ROLE_CODES = {"member": 1, "observer": 3}
COW_CODES = {
    0: ("none", "No membership status: no member or observer statement (the State may hold another role of "
                "memberships.csv, e.g. partner, participant, former member, chair)."),
    1: ("full member", "A member statement (role member), from any source."),
    2: ("associate member", "No role of the vocabulary is an associate membership: never used."),
    3: ("observer", "An observer statement (role observer) and no member statement."),
}
PRECEDENCE = (1, 2, 3)  # a State holding several statuses in an ISCM gets the strongest: full, associate, observer


def status_codes(memberships: list[dict]) -> dict[tuple[str, str], int]:
    """(State or territory key, ISCM key) -> its COW status code, for the pairs with a membership status."""
    held: dict[tuple[str, str], set[int]] = defaultdict(set)
    for row in memberships:
        if row["state"] and row["role"] in ROLE_CODES:
            held[(row["state"], row["iscm"])].add(ROLE_CODES[row["role"]])
    return {pair: next(code for code in PRECEDENCE if code in codes) for pair, codes in held.items()}


def column_name(iscm_key: str) -> str:
    """The matrix column of an ISCM: its key with "-" as "_" (a CSVW column name and a pandas one; R's read.csv
    puts an X before a leading digit unless given check.names = FALSE)."""
    return iscm_key.replace("-", "_")


def matrix(codes: dict[tuple[str, str], int], states: list[dict], iscm_keys: list[str]) -> list[dict]:
    """One row per State and territory, a column per ISCM: the COW status code (0 where none)."""
    return [{"state": s["key"], "cow_code": s["cow_code"], "cow_abb": s["cow_abb"], "name": s["name"],
             **{column_name(k): codes.get((s["key"], k), 0) for k in iscm_keys}} for s in states]


def full_members(codes: dict[tuple[str, str], int]) -> dict[str, set[str]]:
    """ISCM key -> its full members (code 1)."""
    members: dict[str, set[str]] = defaultdict(set)
    for (state, iscm), code in codes.items():
        if code == 1:
            members[iscm].add(state)
    return members


def dyads(codes: dict[tuple[str, str], int], cow: dict[str, str | None]) -> list[dict]:
    """The State pairs (key a < key b) that are full members of one ISCM or more, with the ISCMs (COW counts joint
    membership between full members only). ``cow``: State key -> COW code."""
    shared: dict[tuple[str, str], set[str]] = defaultdict(set)
    for iscm, members in full_members(codes).items():
        for a, b in combinations(sorted(members), 2):
            shared[(a, b)].add(iscm)
    return [{"state_a": a, "state_b": b, "cow_code_a": cow.get(a), "cow_code_b": cow.get(b),
             "shared": len(iscms), "iscms": LIST.join(sorted(iscms))} for (a, b), iscms in sorted(shared.items())]


def overlaps(codes: dict[tuple[str, str], int], iscm_keys: list[str]) -> list[dict]:
    """ISCM pairs (key a < key b) sharing full members: counts, Jaccard index and overlap coefficient (rounded as
    the network analysis rounds them), and the shared members."""
    members = full_members(codes)
    rows = []
    for a, b in combinations(sorted(iscm_keys), 2):
        both = members[a] & members[b]
        if both:
            rows.append({"iscm_a": a, "iscm_b": b, "members_a": len(members[a]), "members_b": len(members[b]),
                         "shared": len(both), "jaccard": r(similarity(members[a], members[b])),
                         "overlap_coefficient": r(similarity(members[a], members[b], "overlap_coefficient")),
                         "shared_members": LIST.join(sorted(both))})
    return rows
