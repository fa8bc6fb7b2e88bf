"""Namespaces. The iscm: terms are read from the ontology, so a term the ontology does not define
cannot be used by mistake (ClosedNamespace raises AttributeError)."""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD, ClosedNamespace

from .paths import ONTOLOGY

DEFAULT_BASE = "https://w3id.org/iscm/"
ONTOLOGY_NS = DEFAULT_BASE + "ontology#"
ONTOLOGY_IRI = URIRef(DEFAULT_BASE + "ontology")
WD = Namespace("http://www.wikidata.org/entity/")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")


def _ontology_terms() -> list[str]:
    graph = Graph()
    graph.parse(ONTOLOGY / "iscm.ttl", format="turtle")
    return sorted(
        str(s)[len(ONTOLOGY_NS):] for s in set(graph.subjects()) if str(s).startswith(ONTOLOGY_NS)
    )


ISCM = ClosedNamespace(ONTOLOGY_NS, _ontology_terms())


class Ids:
    """IRIs of things: {base}id/{kind}/{key}, graphs: {base}graph/{table}/{key}."""

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = base

    def thing(self, kind: str, key: str) -> URIRef:
        return URIRef(f"{self.base}id/{kind}/{key}")

    def graph(self, *parts: str) -> URIRef:
        return URIRef(f"{self.base}graph/" + "/".join(parts))

    def scheme(self, name: str) -> URIRef:
        return URIRef(f"{self.base}id/{name}/")


IDS = Ids()

__all__ = [
    "DCAT", "DCTERMS", "FOAF", "ORG", "OWL", "PROV", "RDF", "RDFS", "SKOS", "VOID", "XSD",
    "ISCM", "IDS", "WD", "SCHEMA", "SH", "DEFAULT_BASE", "ONTOLOGY_IRI", "Ids",
]
