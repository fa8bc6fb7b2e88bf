"""What the reconciliation service matches against: its types (ontology classes), its properties (the identifiers
of States) and its entities (ISCMs and other migration dialogues, States, territories, organizations), each with
its name, types, identifiers and a one-line description. Read once per dataset version into the web worker
(queries/site/reconcile-entities.rq and the labels of server/names.py), so a batch runs no SPARQL."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from cachetools import LRUCache, cached

from iscm_kg.iris import VOCABULARIES, ontology

from ..dataset import base_iri, select, site_query, store
from ..names import fold, labels

# Each type (an ontology class, by its local name) with its broader type; entities are typed by their most
# specific class and found under every broader one (an RCP is an ISCM is a migration dialogue).
BROADER: dict[str, str | None] = {
    "MigrationDialogue": None,
    "ISCM": "MigrationDialogue",
    "RegionalConsultativeProcess": "ISCM",
    "InterregionalForum": "ISCM",
    "GlobalProcess": "ISCM",
    "Country": None,
    "State": "Country",
    "Territory": "Country",
    "Organization": None,
}
# The types OpenRefine offers first; an entity lists its types up to the first of these.
DEFAULT_TYPES = ("ISCM", "State", "Country", "Organization")
# Property id (a variable of reconcile-entities.rq) -> the ontology term it reads (its local name).
PROPERTIES: dict[str, str] = {
    "iso3": "iso3166Alpha3",
    "iso2": "iso3166Alpha2",
    "cowCode": "cowCode",
    "cowAbbreviation": "cowAbbreviation",
    "wikidata": "",  # skos:exactMatch to a Wikidata item
}
WIKIDATA_PROPERTY = VOCABULARIES["skos"] + "exactMatch"
WIKIDATA_NAME = "Wikidata item"  # skos:exactMatch restricted to Wikidata (the ontology has no term of its own)
WIKIDATA = "http://www.wikidata.org/entity/"


@dataclass(frozen=True)
class Entity:
    iri: str
    id: str  # the IRI without `{base}id/`: `state/MAR`
    name: str
    types: tuple[str, ...]  # every type it belongs to, most specific first
    shown_types: tuple[str, ...]  # the types a result lists: up to the first default type
    identifiers: dict[str, frozenset[str]]  # property id -> folded values
    description: str


@dataclass(frozen=True)
class Catalogue:
    entities: dict[str, Entity]  # by id
    type_names: dict[str, str]  # type id -> name (the class's label)
    property_names: dict[str, str]
    by_identifier: dict[str, frozenset[str]] = field(default_factory=dict)  # folded code or QID -> entity ids


def type_chain(name: str) -> tuple[str, ...]:
    chain: list[str] = []
    current: str | None = name
    while current is not None:
        chain.append(current)
        current = BROADER[current]
    return tuple(chain)


def identifier_value(value: str) -> str:
    """A code or Wikidata item as compared: folded, a Wikidata IRI as its QID (``q1028``)."""
    return fold(value[len(WIKIDATA):] if value.startswith(WIKIDATA) else value)


def catalogue() -> Catalogue:
    return _catalogue(str(store().version.tag), base_iri())


@cached(LRUCache(maxsize=2), lock=threading.Lock())
def _catalogue(_version: str, base: str) -> Catalogue:  # the arguments are the cache key
    terms = ontology(base)
    rows = select(site_query("reconcile-entities"))
    found: dict[str, dict[str, set[str]]] = {}
    for row in rows:
        values = found.setdefault(row["x"]["value"], {})
        for variable, term in row.items():
            values.setdefault(variable, set()).add(term["value"])
    kinds = {kind for values in found.values() for kind in values.get("kind", ())}
    # An entity goes by its formal name (not the short one a mechanism's page uses): "Regional Conference on
    # Migration", not "RCM", is what a spreadsheet's column is matched to and shown with.
    named = labels(
        [*found, *kinds, *(terms + name for name in BROADER), *(terms + term for term in PROPERTIES.values() if term)],
        short=False,
    )
    type_names = {name: named.get(terms + name, name) for name in BROADER}
    property_names = {pid: named.get(terms + term, pid) if term else WIKIDATA_NAME for pid, term in PROPERTIES.items()}
    entities: dict[str, Entity] = {}
    by_identifier: dict[str, set[str]] = {}
    for iri, values in found.items():
        entity_id = iri[len(base + "id/"):]
        classes = sorted(c[len(terms):] for c in values["class"] if c[len(terms):] in BROADER)
        if not entity_id or not classes:
            continue
        types = tuple(dict.fromkeys(t for c in classes for t in type_chain(c)))
        shown = tuple(dict.fromkeys(t for c in classes for t in _up_to_default(c)))
        identifiers = {pid: frozenset(identifier_value(v) for v in values.get(pid, ())) for pid in PROPERTIES}
        for value in frozenset().union(*identifiers.values()):
            by_identifier.setdefault(value, set()).add(entity_id)
        name = named.get(iri, entity_id)
        entities[entity_id] = Entity(iri, entity_id, name, types, shown, identifiers,
                                     _description(values, shown, type_names, named))
    return Catalogue(entities, type_names, property_names,
                     {value: frozenset(ids) for value, ids in by_identifier.items()})


def _up_to_default(name: str) -> tuple[str, ...]:
    chain = type_chain(name)
    for position, type_name in enumerate(chain):
        if type_name in DEFAULT_TYPES:
            return chain[: position + 1]
    return chain


def _description(values: dict[str, set[str]], shown: tuple[str, ...], type_names: dict[str, str],
                 named: dict[str, str]) -> str:
    """One line to tell namesakes apart: the type, the organization's kind, the year established, the codes."""
    parts = [type_names[shown[0]]]
    parts += sorted(named[kind] for kind in values.get("kind", ()) if kind in named)
    parts += [f"established {year}" for year in sorted(values.get("year", ()))]
    iso = sorted(values.get("iso3", ())) + sorted(values.get("iso2", ()))
    if iso:
        parts.append("ISO 3166-1 " + " ".join(iso))
    cow = sorted(values.get("cowCode", ())) + sorted(values.get("cowAbbreviation", ()))
    if cow:
        parts.append("COW " + " ".join(cow))
    parts += ["Wikidata " + qid[len(WIKIDATA):] for qid in sorted(values.get("wikidata", ()))]
    return " · ".join(parts)
