"""``/page/{path}``: the page of any thing or named graph under the base, by kind (the dataset record has its
own); things without a page of their own (memberships, roles, documents, named graphs, …) get the generic one."""

from __future__ import annotations

from flask import Response

from ..dataset import base_iri, exists, not_found_response, short
from ..names import labels
from .common import KIND_NAMES, Row, expand, kind_of, q, val
from .dataset import dataset_page, is_record
from .facts import collect_iris, facts, incoming, order_facts
from .mechanism import mechanism_page
from .organization import KINDS as CONCEPT_KINDS
from .organization import party_or_concept_page
from .state import state_page
from .templating import render

FACT_ORDER = ["skos:prefLabel", "rdfs:label", "rdf:type", "dct:title"]


def page(path: str) -> Response:
    if not path.startswith(("id/", "graph/")):
        return not_found_response(message=f"/page/{path} is not a page of this site")
    iri = base_iri() + path
    if not exists(iri):
        return not_found_response(iri)
    kind = kind_of(iri)
    if kind == "mechanism":
        return mechanism_page(iri)
    if kind == "state":
        return state_page(iri)
    if kind in CONCEPT_KINDS:
        return party_or_concept_page(iri, kind)
    if kind == "dataset" and is_record(iri):
        return dataset_page(iri)
    return resource_page(iri)


def resource_page(iri: str) -> Response:
    """Facts, incoming links and, for a named graph, its content."""
    groups = facts(iri)
    links = incoming(iri)
    graph_rows: list[Row] = []
    if iri.startswith(base_iri() + "graph/"):
        graph_rows = q("graph-content", graph=iri)
    iris = collect_iris(groups) | {iri} | {val(r, "s") or "" for r in links} | {val(r, "p") or "" for r in links}
    for row in graph_rows:
        iris |= {val(row, "s") or "", val(row, "p") or ""}
        if row["o"]["type"] == "uri":
            iris.add(row["o"]["value"])
    names = labels(iris)
    kind = kind_of(iri)
    return render(
        "resource.html",
        iri=iri,
        kind=KIND_NAMES.get(kind or "", (kind or "named graph").replace("-", " ")),
        name=names.get(iri, short(iri)),
        names=names,
        fact_sheet=order_facts(groups, expand(FACT_ORDER)),
        links=links,
        graph_rows=graph_rows,
    )
