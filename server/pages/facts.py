"""What the pages show about one thing: its facts grouped by property, incoming links, and the
memberships (n-ary org:Membership nodes) it takes part in, each value with its sources."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from iscm_kg.iris import VOCABULARIES

from ..dataset import short
from .common import Row, ontology_ns, q, val

# Role shortcuts (iscm:memberOf etc.): the memberships table shows them with their details, so fact
# sheets leave them out.
PARTY_SECTIONS = {
    "memberOf",
    "observerOf",
    "partnerOf",
    "participantIn",
    "formerMemberOf",
    "chairOf",
    "secretariatOf",
    "associatedWith",
    "supports",
    "tookPartIn",
}
ROLE_ORDER = ["member", "observer", "partner", "participant", "chair", "co-chair", "secretariat", "former-member"]


def source_key(row: Row) -> tuple[str, ...]:
    """Identifies one source of a row (the columns ?loc ?doc ?line ?section ?srcurl of the site queries)."""
    return tuple(val(row, k) or "" for k in ("loc", "doc", "line", "section", "srcurl"))


def facts(iri: str) -> list[dict[str, Any]]:
    """Every triple with ``iri`` as subject, grouped by property, each value with its sources."""
    grouped: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in q("facts", iri=iri):
        obj = row["o"]
        key = obj["type"] + obj["value"] + obj.get("xml:lang", "") + obj.get("datatype", "")
        entry = grouped[val(row, "p") or ""].setdefault(key, {"term": obj, "sources": {}})
        # Every row counts as a source: one without a locator is shown as "derived".
        entry["sources"][source_key(row)] = row
    return [
        {
            "property": prop,
            "values": sorted(values.values(), key=lambda e: str(e["term"]["value"]).lower()),
        }
        for prop, values in grouped.items()
    ]


def without_shortcuts(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Facts minus the role shortcuts of PARTY_SECTIONS."""
    ns = ontology_ns()
    return [g for g in groups if not (g["property"].startswith(ns) and g["property"][len(ns) :] in PARTY_SECTIONS)]


def order_facts(groups: list[dict[str, Any]], order: list[str]) -> list[dict[str, Any]]:
    """Fact groups with the properties of ``order`` first, in that order, then the rest by IRI."""
    rank = {p: i for i, p in enumerate(order)}
    return sorted(groups, key=lambda g: (rank.get(g["property"], len(rank)), g["property"]))


def collect_iris(groups: list[dict[str, Any]]) -> set[str]:
    """The IRIs that fact groups show (properties, values, source documents and locators), to label them."""
    out = set()
    for group in groups:
        out.add(group["property"])
        for entry in group["values"]:
            if entry["term"]["type"] == "uri":
                out.add(entry["term"]["value"])
            for src in entry["sources"].values():
                for name in ("doc", "loc"):
                    if src.get(name):
                        out.add(src[name]["value"])
    return out


def incoming(iri: str, limit: int = 500) -> list[Row]:
    """Links to ``iri`` (?s ?p), at most ``limit``."""
    return q("incoming", iri=iri)[:limit]


def is_membership_link(row: Row) -> bool:
    return (val(row, "p") or "") == VOCABULARIES["org"] + "member"


def memberships(subject: str, side: str) -> list[dict[str, Any]]:
    """Membership statements of a mechanism (side="organization") or of a party (side="member"): one per party
    and role, with what each of its references adds (confidence levels, qualifiers, notes) and every source."""
    nodes: dict[str, dict[str, Any]] = {}
    for row in q("memberships-of-mechanism" if side == "organization" else "memberships-of-party", subject=subject):
        node = nodes.setdefault(
            val(row, "ms") or "",
            {
                "iri": val(row, "ms"),
                "party": val(row, "party"),
                "role": val(row, "role"),
                "as_of": val(row, "asof"),
                "confidence": [],
                "notes": [],
                "code": val(row, "iso3"),
                "sources": {},
            },
        )
        for key, column in (("confidence", "conf"), ("notes", "qual"), ("notes", "comment")):
            value = val(row, column)
            if value and value not in node[key]:
                node[key].append(value)
        if not node["as_of"] and val(row, "undated") == "true":
            node["as_of"] = "undated"  # no reference gives a year
        if row.get("loc"):
            node["sources"][source_key(row)] = row
    return list(nodes.values())


def membership_iris(items: list[dict[str, Any]]) -> set[str]:
    """The IRIs a memberships table shows: parties, roles and confidence levels."""
    return {m["party"] for m in items} | {m["role"] for m in items} | {c for m in items for c in m["confidence"]}


def group_by_role(items: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    """Memberships grouped by role (members, observers, partners first), sorted by party name."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        groups[item["role"]].append(item)

    def rank(role: str) -> tuple[int, str]:
        key = role.rstrip("/").rsplit("/", 1)[-1]
        return (ROLE_ORDER.index(key) if key in ROLE_ORDER else len(ROLE_ORDER), names.get(role, key))

    out = []
    for role in sorted(groups, key=rank):
        rows = sorted(
            groups[role], key=lambda m: (names.get(m["party"] or "", short(m["party"] or "")).lower(), m["iri"] or "")
        )
        parties = {m["party"] for m in rows}
        out.append({"role": role, "items": rows, "parties": len(parties)})
    return out


def roles_by_mechanism(roles: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    """One line per mechanism: the roles the party holds in it, the latest year its sources describe (their
    "as of", not a date of joining) and what they note (joining or leaving, where a source says so)."""
    found: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"roles": set(), "years": set(), "notes": [], "member": False})
    for item in roles:
        line = found[item["party"]]
        line["member"] |= (item["role"] or "").rstrip("/").endswith("/member")
        line["roles"].add(names.get(item["role"], short(item["role"])))
        if item["as_of"] and item["as_of"] != "undated":
            line["years"].add(item["as_of"])
        line["notes"] += [note for note in item["notes"] if note not in line["notes"]]
    return sorted(
        ({"iri": m, "roles": sorted(line["roles"]), "as_of": max(line["years"], default=None), "notes": line["notes"],
          "member": line["member"]} for m, line in found.items()),
        key=lambda e: names.get(e["iri"], short(e["iri"])).lower(),
    )
