"""The page of a State or territory: its roles in ISCMs, the States sharing the most ISCMs with it, the
events it took part in, and its identifiers."""

from __future__ import annotations

from flask import Response

from ..dataset import short
from ..names import labels
from .common import expand, q, val
from .facts import (
    collect_iris,
    facts,
    group_by_role,
    membership_iris,
    memberships,
    order_facts,
    roles_by_mechanism,
    without_shortcuts,
)
from .templating import render

STATE_ORDER = [
    "skos:prefLabel",
    "rdfs:label",
    "rdf:type",
    "iscm:iso3166Alpha3",
    "iscm:iso3166Alpha2",
    "iscm:iso3166Numeric",
    "iscm:m49Code",
    "iscm:m49Region",
    "iscm:m49SubRegion",
    "skos:exactMatch",
    "iscm:latitude",
    "iscm:longitude",
]


def state_page(iri: str) -> Response:
    groups = without_shortcuts(facts(iri))
    roles = memberships(iri, "member")
    shared = q("shared-states", iri=iri)
    survey = q("survey", iri=iri)
    iris = collect_iris(groups) | {iri} | membership_iris(roles)
    iris |= {val(r, "other") or "" for r in shared} | {val(r, "event") or "" for r in survey}
    names = labels(iris)
    return render(
        "state.html",
        iri=iri,
        name=names.get(iri, short(iri)),
        names=names,
        fact_sheet=order_facts(groups, expand(STATE_ORDER)),
        roles=group_by_role(roles, names),
        by_mechanism=roles_by_mechanism(roles, names),
        shared=[{"iri": val(r, "other"), "count": int(val(r, "n") or 0)} for r in shared],
        survey=[val(r, "event") for r in survey],
        nav="states",
    )
