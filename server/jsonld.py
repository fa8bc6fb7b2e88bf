"""Compacted JSON-LD for the RDF documents (linked_data.serialize).

pyoxigraph writes JSON-LD in expanded form only (full IRIs everywhere, no ``@context``). Documents are
read by people too, so we write them ourselves, compacted with an inline ``@context`` of prefixes:

- the prefixes of ``linked_data.prefixes()`` and ``dcat``/``void``, always, so that every document names
  them alike: the vocabularies (``iscm``, ``rdf``, ``rdfs``, ``owl``, ``xsd``, ``skos``, ``org``, ``prov``,
  ``dct``, …) and the main kinds of things as in Turtle (``mech``, ``state``, ``orgn``, ``role``, ``theme``);
- a prefix for each other kind under ``{base}id/`` that the document mentions, named after the kind
  (``membership``, ``document``, ``m49``, ``locator``, …), and ``graph`` for ``{base}graph/``.

Terms only abbreviate IRIs (no type coercion or containers): each value says what it is, so the document
expands back to exactly the same triples, with literals in their original lexical form. ``rdf:type`` with an
IRI value becomes ``@type``. An inline context keeps the documents self-contained (no context to fetch).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import pyoxigraph as ox

from iscm_kg.iris import Ids

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# Vocabularies of the dataset's record (VoID + DCAT) that Turtle writes with the release's own prefixes.
RECORD_VOCABULARIES = {"dcat": "http://www.w3.org/ns/dcat#", "void": "http://rdfs.org/ns/void#"}


def expressible(triples: Iterable[ox.Triple]) -> bool:
    """False if a triple needs what this writer leaves out: triple terms and directional literals (RDF 1.2)."""
    for triple in triples:
        obj = triple.object
        if isinstance(obj, ox.Triple) or (isinstance(obj, ox.Literal) and obj.direction):
            return False
    return True


def context(triples: Iterable[ox.Triple], vocabularies: Mapping[str, str], base: str) -> dict[str, str]:
    """The ``@context``: ``vocabularies`` (prefix -> namespace), then prefixes for the other kinds under
    ``{base}id/`` and for ``{base}graph/`` that the triples mention."""
    names = {**vocabularies, **{k: v for k, v in RECORD_VOCABULARIES.items() if k not in vocabularies}}
    known = set(names.values())
    found: dict[str, str] = {}  # namespace -> its prefix: the kind, or "graph"
    for iri in _iris(triples):
        namespace = Ids(base).namespace(iri)
        if namespace is not None and namespace not in known:
            found[namespace] = namespace[len(base) : -1].removeprefix("id/")
    for namespace, name in sorted(found.items(), key=lambda item: item[1]):
        # A kind named like a prefix already taken, or not usable as a term, keeps its IRIs in full.
        if name not in names and ":" not in name and not name.startswith(("@", "_")):
            names[name] = namespace
    return names


def _iris(triples: Iterable[ox.Triple]) -> Iterable[str]:
    for triple in triples:
        for term in (triple.subject, triple.object):
            if isinstance(term, ox.NamedNode):
                yield term.value


class _Compactor:
    """IRIs to compact IRIs (``prefix:local``) with the longest matching namespace of a context."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self._namespaces = sorted(((ns, prefix) for prefix, ns in names.items()), key=lambda n: -len(n[0]))
        self._done: dict[str, str] = {}

    def iri(self, iri: str) -> str:
        found = self._done.get(iri)
        if found is None:
            found = iri
            for ns, prefix in self._namespaces:
                # A local part starting with "//" would be read as an absolute IRI, not a compact one.
                if iri.startswith(ns) and not iri.startswith("//", len(ns)):
                    found = f"{prefix}:{iri[len(ns) :]}"
                    break
            self._done[iri] = found
        return found

    def node(self, term: ox.NamedNode | ox.BlankNode) -> str:
        return self.iri(term.value) if isinstance(term, ox.NamedNode) else f"_:{term.value}"

    def value(self, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Any:
        if not isinstance(term, ox.Literal):
            return {"@id": self.node(term)}
        datatype = term.datatype.value
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if datatype == XSD_STRING:
            return term.value
        return {"@value": term.value, "@type": self.iri(datatype)}


def compact(
    triples: list[ox.Triple], vocabularies: Mapping[str, str], base: str, first: str | None = None
) -> dict[str, Any]:
    """The triples as a compacted JSON-LD document: ``{"@context": …, "@graph": [node, …]}``. The node of
    ``first`` (the thing a document is about) leads; the others follow in the order their subjects first
    occur. Properties are sorted (``@type`` first), values keep the order of ``triples``."""
    names = context(triples, vocabularies, base)
    compactor = _Compactor(names)
    nodes: dict[str, dict[str, list[Any]]] = {}
    if first is not None:
        nodes[compactor.iri(first)] = {}
    for triple in triples:
        properties = nodes.setdefault(compactor.node(triple.subject), {})
        obj = triple.object
        if triple.predicate.value == RDF_TYPE and not isinstance(obj, ox.Literal):
            properties.setdefault("@type", []).append(compactor.node(obj))
        else:
            properties.setdefault(compactor.iri(triple.predicate.value), []).append(compactor.value(obj))
    graph = []
    for subject, properties in nodes.items():
        if not properties:  # ``first`` without triples of its own (a thing only linked to)
            continue
        node: dict[str, Any] = {"@id": subject}
        for key in sorted(properties, key=lambda k: (k != "@type", k)):
            values = properties[key]
            node[key] = values[0] if len(values) == 1 else values
        graph.append(node)
    return {"@context": names, "@graph": graph}


def serialize(triples: list[ox.Triple], vocabularies: Mapping[str, str], base: str, first: str | None = None) -> bytes:
    """The compacted document as UTF-8 JSON, laid out for reading: one line per context entry, property
    and value."""
    doc = compact(triples, vocabularies, base, first)
    context_lines = ",\n".join(f"    {_json(k)}: {_json(v)}" for k, v in doc["@context"].items())
    nodes = ",\n".join(_node_text(node) for node in doc["@graph"])
    graph = f"[\n{nodes}\n  ]" if nodes else "[]"
    return f'{{\n  "@context": {{\n{context_lines}\n  }},\n  "@graph": {graph}\n}}\n'.encode()


def _node_text(node: dict[str, Any]) -> str:
    entries = []
    for key, value in node.items():
        if isinstance(value, list):
            items = ",\n".join(f"        {_json(v)}" for v in value)
            entries.append(f"      {_json(key)}: [\n{items}\n      ]")
        else:
            entries.append(f"      {_json(key)}: {_json(value)}")
    return "    {\n" + ",\n".join(entries) + "\n    }"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
