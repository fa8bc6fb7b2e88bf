"""Helpers every page uses: running the pages' SPARQL, reading result rows, and naming things (labels, from
server/names.py; short names, kinds)."""

from __future__ import annotations

from iscm_kg.iris import Ids, ontology, prefixes

from ..dataset import base_iri, select, site_query

# A result row as SPARQL JSON bindings: {var: {"type", "value", "datatype"?, "xml:lang"?}}.
Row = dict[str, dict[str, str]]

KIND_NAMES = {
    "mechanism": "Mechanism",
    "state": "State or territory",
    "organization": "Organization",
    "theme": "Theme",
    "region": "Region",
    "m49": "UN M49 region",
    "role": "Role",
    "document": "Source document",
    "membership": "Membership statement",
    "reference": "Reference",
    "group": "Group of States",
}


def q(name: str, **params: str | list[str]) -> list[Row]:
    """Rows of the site query queries/site/{name}.rq with its parameters bound."""
    return select(site_query(name, **params))


def val(row: Row, name: str) -> str | None:
    """The value of ``name`` in ``row`` (None if unbound)."""
    term = row.get(name)
    return term["value"] if term else None


def ontology_ns() -> str:
    """The namespace of the ontology (``iscm:``) under the served base."""
    return ontology(base_iri())


def expand(names: list[str]) -> list[str]:
    """Full IRIs of prefixed names (``iscm:`` or a prefix of iris.prefixes)."""
    known = prefixes(base_iri())
    return [known[prefix] + local for prefix, _, local in (name.partition(":") for name in names)]


def kind_of(iri: str) -> str | None:
    """The kind of a thing from its IRI: ``{base}id/{kind}/{key}``."""
    thing = Ids(base_iri()).split(iri)
    return thing.kind if thing else None
