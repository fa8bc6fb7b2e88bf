"""The pages of organizations and groups of States (their roles in mechanisms and incoming links), and of
themes, Annex 2 regions and UN M49 regions (the mechanisms or States they gather)."""

from __future__ import annotations

from flask import Response

from ..dataset import short
from ..names import labels
from .common import KIND_NAMES, Row, expand, q, val
from .facts import (
    collect_iris,
    facts,
    group_by_role,
    incoming,
    is_membership_link,
    membership_iris,
    memberships,
    order_facts,
    roles_by_mechanism,
    without_shortcuts,
)
from .templating import render

# The kinds this module has pages for; parties are the kinds that hold roles in mechanisms.
KINDS = ("organization", "theme", "region", "m49", "group")
PARTY_KINDS = ("organization", "group")
FACT_ORDER = ["skos:prefLabel", "iscm:acronym", "skos:altLabel", "rdf:type"]
NAV = {"organization": "organizations", "theme": "themes", "region": "regions", "m49": "regions"}
MAX_INCOMING = 300


def party_or_concept_page(iri: str, kind: str) -> Response:
    groups = without_shortcuts(facts(iri))
    party = kind in PARTY_KINDS
    roles = memberships(iri, "member") if party else []
    mechanisms_rows: list[Row] = []
    heading = ""
    if kind == "theme":
        heading = "ISCMs with this thematic focus"
        mechanisms_rows = q("theme-mechanisms", iri=iri)
    elif kind == "region":
        heading = "ISCMs covering this region (Annex 2)"
        mechanisms_rows = q("region-mechanisms", iri=iri)
    states_rows = q("m49-states", iri=iri) if kind == "m49" else []
    # Memberships point at their party with org:member; the roles table already shows them.
    links = [r for r in incoming(iri, MAX_INCOMING) if not is_membership_link(r)] if party else []
    iris = collect_iris(groups) | {iri} | membership_iris(roles)
    iris |= {val(r, "m") or "" for r in mechanisms_rows + states_rows}
    iris |= {val(r, "s") or "" for r in links} | {val(r, "p") or "" for r in links}
    names = labels(iris)

    def by_name(rows: list[Row]) -> list[str]:
        return sorted((val(r, "m") or "" for r in rows), key=lambda i: names.get(i, i).lower())

    return render(
        "concept.html",
        iri=iri,
        kind=KIND_NAMES.get(kind, kind),
        name=names.get(iri, short(iri)),
        names=names,
        fact_sheet=order_facts(groups, expand(FACT_ORDER)),
        roles=group_by_role(roles, names),
        by_mechanism=roles_by_mechanism(roles, names),
        heading=heading,
        mechanisms=by_name(mechanisms_rows),
        states=by_name(states_rows),
        links=links,
        nav=NAV.get(kind),
    )
