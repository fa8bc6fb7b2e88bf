"""Namespaces. The iscm: terms are read from the ontology, so a term the ontology does not define
cannot be used by mistake (ClosedNamespace raises AttributeError)."""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD, ClosedNamespace

from . import iris
from .iris import DEFAULT_BASE
from .paths import ONTOLOGY

ONTOLOGY_NS = iris.ontology()
ONTOLOGY_IRI = URIRef(DEFAULT_BASE + "ontology")
WD = Namespace(iris.VOCABULARIES["wd"])
SCHEMA = Namespace(iris.VOCABULARIES["schema"])
SH = Namespace(iris.VOCABULARIES["sh"])


def _ontology_terms() -> list[str]:
    graph = Graph()
    graph.parse(ONTOLOGY / "iscm.ttl", format="turtle")
    return sorted(
        str(s)[len(ONTOLOGY_NS):] for s in set(graph.subjects()) if str(s).startswith(ONTOLOGY_NS)
    )


ISCM = ClosedNamespace(ONTOLOGY_NS, _ontology_terms())


class Ids(iris.Ids):
    """iris.Ids with rdflib terms, for the build (always at the default base)."""

    def thing(self, kind: str, key: str) -> URIRef:
        return URIRef(super().thing(kind, key))

    def graph(self, *parts: str) -> URIRef:
        return URIRef(super().graph(*parts))

    def scheme(self, kind: str) -> URIRef:
        return URIRef(super().scheme(kind))


IDS = Ids()

__all__ = [
    "DCAT", "DCTERMS", "FOAF", "ORG", "OWL", "PROV", "RDF", "RDFS", "SKOS", "VOID", "XSD",
    "ISCM", "IDS", "WD", "SCHEMA", "SH", "DEFAULT_BASE", "ONTOLOGY_IRI", "Ids",
]
