"""Helpers every page uses: running the pages' SPARQL, reading result rows, and naming things (labels,
short names, kinds)."""

from __future__ import annotations

from collections.abc import Iterable

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
# Labels are looked up this many IRIs at a time (keeps each VALUES block small).
LABEL_CHUNK = 400


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


def labels(iris: Iterable[str], short: bool = True) -> dict[str, str]:
    """The best label of each IRI: the name a mechanism goes by (its short label; not with ``short=False``,
    for its formal name), else skos:prefLabel, else rdfs:label, else an acronym (English first)."""
    wanted = sorted({i for i in iris if i})
    found: dict[str, str] = {}
    for start in range(0, len(wanted), LABEL_CHUNK):
        best: dict[str, tuple[int, str]] = {}
        for row in q("labels", x=wanted[start : start + LABEL_CHUNK]):
            candidate = (int(val(row, "k") or 9), val(row, "l") or "")
            iri = val(row, "x") or ""
            if candidate[0] == 0 and not short:
                continue
            if candidate[1] and (iri not in best or candidate < best[iri]):
                best[iri] = candidate
        found.update({iri: label for iri, (_k, label) in best.items()})
    return found


def kind_of(iri: str) -> str | None:
    """The kind of a thing from its IRI: ``{base}id/{kind}/{key}``."""
    thing = Ids(base_iri()).split(iri)
    return thing.kind if thing else None
