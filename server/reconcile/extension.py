"""What the data extension service adds as columns (OpenRefine's "Add columns from reconciled values"): its
properties, by the kind of entity they describe, and every entity's values, read once per dataset version
(queries/site/reconcile-extension.rq) so that a request is answered by dictionary look-ups, no SPARQL per row."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache, cached

from ..dataset import base_iri, select, site_query, store
from ..names import labels
from .entities import WIKIDATA, Catalogue, catalogue, type_chain

# The kinds of entity a property describes: the broadest types (entities.BROADER's roots). ISCM: a type of values.
COUNTRY, MECHANISM, ORGANIZATION, ISCM = "Country", "MigrationDialogue", "Organization", "ISCM"
EVERY_KIND = (COUNTRY, MECHANISM, ORGANIZATION)


@dataclass(frozen=True)
class Property:
    id: str
    name: str  # "" for the identifiers the reconciliation matches on: named as the suggest service names them
    kinds: tuple[str, ...]  # the kinds of entity it describes
    value: str  # str | int | label (an IRI shown by its name) | entity | count (of the values of `of`) | type
    of: str = ""  # a count: the property whose values it counts
    type: str | None = None  # an entity-valued property: the type of its values (the response's meta)


PROPERTIES: tuple[Property, ...] = (
    Property("iso3", "", (COUNTRY,), "str"),
    Property("iso2", "", (COUNTRY,), "str"),
    Property("m49", "UN M49 code", (COUNTRY,), "str"),
    Property("m49Region", "UN M49 region", (COUNTRY,), "label"),
    Property("m49SubRegion", "UN M49 sub-region", (COUNTRY,), "label"),
    Property("cowCode", "", (COUNTRY,), "int"),
    Property("cowAbbreviation", "", (COUNTRY,), "str"),
    Property("memberOf", "ISCMs it is a member of", (COUNTRY,), "entity", type=ISCM),
    Property("memberOfCount", "number of ISCMs it is a member of", (COUNTRY,), "count", of="memberOf"),
    Property("observerOf", "ISCMs it is an observer of (not a member)", (COUNTRY,), "entity", type=ISCM),
    Property("shortName", "short name", (MECHANISM,), "str"),
    Property("acronym", "acronym", (MECHANISM, ORGANIZATION), "str"),
    Property("mechanismType", "type of mechanism", (MECHANISM,), "type"),
    Property("yearEstablished", "year established", (MECHANISM,), "int"),
    Property("regions", "regions covered", (MECHANISM,), "label"),
    Property("members", "member States and territories", (MECHANISM,), "entity", type=COUNTRY),
    Property("memberCount", "number of member States and territories", (MECHANISM,), "count", of="members"),
    Property("secretariats", "secretariat", (MECHANISM,), "entity"),
    Property("kind", "kind of organization", (ORGANIZATION,), "label"),
    Property("secretariatOf", "ISCMs it is a secretariat of", (ORGANIZATION, COUNTRY), "entity", type=ISCM),
    Property("wikidata", "", EVERY_KIND, "str"),
)
BY_ID = {p.id: p for p in PROPERTIES}


@dataclass(frozen=True)
class Extension:
    values: dict[str, dict[str, list[dict[str, Any]]]]  # entity id -> property id -> values (the spec's shapes)
    names: dict[str, str]  # property id -> name


def kind_of(type_ids: tuple[str, ...]) -> str | None:
    """The kind of entity of a type's chain of broader types (or of an entity's types)."""
    return next((t for t in type_ids if t in EVERY_KIND), None)


def properties_of(type_id: str | None) -> list[Property]:
    """The properties of the entities of a type (of every type when none is given)."""
    if type_id is None:
        return list(PROPERTIES)
    kind = kind_of(type_chain(type_id))
    return [p for p in PROPERTIES if kind in p.kinds]


def extension() -> Extension:
    return _extension(str(store().version.tag), base_iri())


@cached(LRUCache(maxsize=2), lock=threading.Lock())
def _extension(_version: str, base: str) -> Extension:  # the arguments are the cache key
    table = catalogue()
    found: dict[str, dict[str, list[dict[str, str]]]] = {}
    for row in select(site_query("reconcile-extension")):
        found.setdefault(row["x"]["value"], {}).setdefault(row["property"]["value"], []).append(row["value"])
    named = labels({term["value"] for values in found.values() for terms in values.values() for term in terms
                    if term["type"] == "uri"}, short=False)
    values: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for entity in table.entities.values():
        held = found.get(entity.iri, {})
        kind = kind_of(entity.types)
        values[entity.id] = {p.id: _values(p, held, entity.types, table, named, base)
                             for p in PROPERTIES if kind in p.kinds}
    names = {p.id: p.name or table.property_names[p.id] for p in PROPERTIES}
    return Extension(values, names)


def _values(prop: Property, held: dict[str, list[dict[str, str]]], types: tuple[str, ...], table: Catalogue,
            named: dict[str, str], base: str) -> list[dict[str, Any]]:
    """One entity's values of ``prop``, as the spec's data extension response writes them, sorted."""
    if prop.value == "count":
        return [{"int": len(held.get(prop.of, ()))}]
    if prop.value == "type":  # its most specific class
        return [{"str": table.type_names[types[0]]}]
    terms = held.get(prop.id, [])
    if prop.value == "entity":
        ids = {t["value"][len(base + "id/"):] for t in terms}
        shown = [table.entities[i] for i in ids if i in table.entities]
        return [{"id": e.id, "name": e.name} for e in sorted(shown, key=lambda e: (e.name, e.id))]
    texts = sorted({t["value"] for t in terms})
    if prop.value == "int":
        return [{"int": int(text)} for text in texts if text.lstrip("-").isdigit()]
    if prop.value == "label":
        return [{"str": name} for name in sorted(named.get(text, text) for text in texts)]
    return [{"str": text.removeprefix(WIKIDATA)} for text in texts]
