"""The page of an ISCM or other mechanism: fact sheet, members and other roles, themes, cooperation,
shared members, structures / funding / contributions / statements, and the one-page summary."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import Response

from ..dataset import base_iri, short
from ..names import labels
from .common import expand, ontology_ns, q, val
from .facts import collect_iris, facts, group_by_role, membership_iris, memberships, order_facts, source_key
from .templating import render

MECHANISM_ORDER = [
    "skos:prefLabel",
    "iscm:acronym",
    "skos:altLabel",
    "skos:hiddenLabel",
    "rdf:type",
    "iscm:annex2Number",
    "iscm:status",
    "iscm:yearEstablished",
    "iscm:establishmentNote",
    "iscm:declaredMemberCount",
    "iscm:listedMemberCount",
    "iscm:coversRegion",
    "iscm:regionsText",
    "iscm:chairText",
    "iscm:secretariatText",
    "iscm:associatedOrganizationsText",
    "iscm:iomRoleText",
    "iscm:successorOf",
    "dct:description",
    "rdfs:comment",
]
# Shown in their own sections of the ISCM page, not in the fact sheet.
MECHANISM_SECTIONS = {
    "thematicFocus",
    "cooperatesWith",
    "overlapsWith",
    "hasStructure",
    "hasFunding",
    "hasContribution",
    "memberOf",
    "observerOf",
    "partnerOf",
    "participantIn",
}


def related_nodes(iri: str) -> dict[str, list[dict[str, Any]]]:
    """Structures, funding, contributions, cooperations, overlaps, statements and discrepancies of a
    mechanism by type, each with its kind, description, quote, sources and the other parties."""
    nodes: dict[str, dict[str, Any]] = {}
    for row in q("related-nodes", iri=iri):
        node = nodes.setdefault(
            val(row, "node") or "",
            {
                "iri": val(row, "node"),
                "type": (val(row, "type") or "").rsplit("#", 1)[-1],
                "kind": val(row, "kind"),
                "label": val(row, "label"),
                "description": val(row, "desc"),
                "quote": val(row, "quote"),
                "others": set(),
                "sources": {},
            },
        )
        if val(row, "other"):
            node["others"].add(val(row, "other"))
        if row.get("loc"):
            node["sources"][source_key(row)] = row
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for node in nodes.values():
        node["others"] = sorted(node["others"])
        out[node["type"]].append(node)
    for items in out.values():
        items.sort(key=lambda n: (n["kind"] or "", n["label"] or ""))
    return out


TYPES = ("RegionalConsultativeProcess", "InterregionalForum", "GlobalProcess", "ISCM", "MigrationDialogue")
CHAIRS = ("chair", "co-chair")
SECRETARIATS = ("secretariat", "co-secretariat", "technical-secretariat", "secretariat-collaborator")
TOP_OVERLAPS = 3
SHARED_NAMED = 8


def at_a_glance(iri: str, sections: dict[str, Any], groups: list[dict[str, Any]], members: list[dict[str, Any]],
                shared: list[dict[str, Any]]) -> dict[str, Any]:
    """What the top of an ISCM page says, read in ten seconds: each value with the sources of its fact."""
    ns = ontology_ns()
    by_property = {g["property"][len(ns):]: g["values"] for g in groups if g["property"].startswith(ns)}
    types = [e["term"]["value"] for g in groups if g["property"].endswith("#type") for e in g["values"]]
    kind = next((t for name in TYPES for t in types if t == ns + name), None)

    def role_key(role: str | None) -> str:
        return (role or "").rstrip("/").rsplit("/", 1)[-1]

    parties = {role: sorted({m["party"] for m in members if role_key(m["role"]) == role}) for role in
               {role_key(m["role"]) for m in members}}

    def with_sources(roles: tuple[str, ...]) -> list[dict[str, Any]]:
        """The parties in these roles, once each, with the sources of their statements."""
        found: dict[str, dict[str, Any]] = {}
        for m in members:
            if role_key(m["role"]) in roles:
                found.setdefault(m["party"], {"iri": m["party"], "sources": {}})["sources"].update(m["sources"])
        return list(found.values())

    iom = f"{base_iri()}id/organization/iom"
    overlaps = []
    for row in shared[:TOP_OVERLAPS]:
        other = row["iri"]
        both = [val(r, "party") or "" for r in q("pair-members", a=iri, b=other)
                if val(r, "inA") == "1" and val(r, "inB") == "1"]
        overlaps.append({"iri": other, "count": row["count"], "parties": both,
                         "compare": f"/compare/{short_key(iri)}/{short_key(other)}"})
    return {
        "kind": kind,
        "regions": by_property.get("coversRegion", []),
        "established": by_property.get("yearEstablished", []),
        "status": by_property.get("status", []),
        "declared": by_property.get("declaredMemberCount", []),
        "members": len(parties.get("member", [])),
        "observers": len(parties.get("observer", [])),
        "chairs": with_sources(CHAIRS),
        "secretariats": with_sources(SECRETARIATS),
        "iom_roles": [{"iri": m["role"], "sources": m["sources"]} for m in members if m["party"] == iom],
        "themes": len(sections["thematicFocus"]["values"]) if sections.get("thematicFocus") else 0,
        "cooperation": len(sections["cooperatesWith"]["values"]) if sections.get("cooperatesWith") else 0,
        "overlaps": overlaps,
    }


def short_key(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def mechanism_page(iri: str) -> Response:
    ns = ontology_ns()
    groups = facts(iri)
    sections = {g["property"][len(ns) :]: g for g in groups if g["property"].startswith(ns)}
    fact_sheet = order_facts(
        [g for g in groups if not (g["property"].startswith(ns) and g["property"][len(ns) :] in MECHANISM_SECTIONS)],
        expand(MECHANISM_ORDER),
    )
    members = memberships(iri, "organization")
    related = related_nodes(iri)
    shared = q("shared-members-top", iri=iri)
    sizes = q("member-counts", m=[iri, *(val(r, "other") or "" for r in shared)])
    size = {val(r, "m"): int(val(r, "n") or 0) for r in sizes}
    summary = q("summary", iri=iri)
    iris = collect_iris(groups) | {iri} | membership_iris(members)
    iris |= {val(r, "other") or "" for r in shared}
    for items in related.values():
        for node in items:
            iris |= set(node["others"]) | {node["kind"] or ""}
    iris |= {val(r, "doc") or "" for r in summary}
    glance = at_a_glance(iri, sections, groups, members, [
        {"iri": val(r, "other") or "", "count": int(val(r, "n") or 0)} for r in shared])
    iris |= {p for o in glance["overlaps"] for p in o["parties"]} | {glance["kind"] or ""}
    iris |= {r["iri"] for r in glance["iom_roles"]}
    iris |= {e["term"]["value"] for key in ("regions", "status") for e in glance[key]}
    names = labels(iris)
    for overlap in glance["overlaps"]:
        overlap["parties"].sort(key=lambda party: names.get(party, short(party)).lower())
    return render(
        "mechanism.html",
        iri=iri,
        name=names.get(iri, short(iri)),
        formal=labels([iri], short=False).get(iri),
        glance=glance,
        names=names,
        fact_sheet=fact_sheet,
        themes=sections.get("thematicFocus"),
        cooperates=sections.get("cooperatesWith"),
        overlaps=sections.get("overlapsWith"),
        roles=group_by_role(members, names),
        related=related,
        shared=[
            {"iri": val(r, "other"), "count": int(val(r, "n") or 0), "size": size.get(val(r, "other"), 0)}
            for r in shared
        ],
        own_size=size.get(iri, 0),
        summary=summary,
        nav="mechanisms",
    )
