"""The ontology: a label and a definition on every term, a version IRI, and every term the data uses defined."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from iscm_kg.paths import ONTOLOGY

NS = "https://w3id.org/iscm/ontology#"


def ontology() -> Graph:
    graph = Graph()
    graph.parse(ONTOLOGY / "iscm.ttl")
    graph.parse(ONTOLOGY / "vocab.ttl")
    return graph


def test_every_term_has_english_label_and_definition():
    graph = ontology()
    terms = {s for s in graph.subjects() if str(s).startswith(NS)}
    assert len(terms) > 80
    for term in terms:
        labels = [o for o in graph.objects(term, RDFS.label) if isinstance(o, Literal) and o.language == "en"]
        definitions = [o for o in graph.objects(term, SKOS.definition) if o.language == "en"]
        assert labels, f"{term} has no English rdfs:label"
        assert definitions, f"{term} has no English skos:definition"


def test_header():
    graph = ontology()
    onto = URIRef("https://w3id.org/iscm/ontology")
    assert (onto, RDF.type, OWL.Ontology) in graph
    assert graph.value(onto, OWL.versionIRI) is not None
    assert graph.value(onto, OWL.versionInfo) is not None


def test_vocabulary_concepts_have_labels_and_definitions():
    graph = ontology()
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        assert graph.value(concept, SKOS.prefLabel) is not None, concept
        assert graph.value(concept, SKOS.definition) is not None, concept


def test_data_uses_only_defined_terms(store):
    graph = ontology()
    defined = {str(s) for s in graph.subjects() if str(s).startswith(NS)}
    used = set()
    for quad in store.quads_for_pattern(None, None, None, None):
        for term in (quad.predicate, quad.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(NS):
                used.add(term.value)
    assert used - defined == set()


def test_the_iri_module_matches_the_ontology_and_the_data(store):
    """iscm_kg.iris is the one place of IRIs: its ontology namespace is the one the ontology declares, every
    kind it names a prefix for has things in the release, and an IRI goes back to its kind and key."""
    from iscm_kg import iris

    graph = ox.Store()
    graph.load(path=str(ONTOLOGY / "iscm.ttl"), format=ox.RdfFormat.TURTLE)
    declared = {q.subject.value for q in graph.quads_for_pattern(
        None, ox.NamedNode(iris.VOCABULARIES["rdf"] + "type"), ox.NamedNode(iris.VOCABULARIES["owl"] + "Ontology"))}
    assert declared == {iris.DEFAULT_BASE + "ontology"} and iris.ontology() == iris.DEFAULT_BASE + "ontology#"
    for kind in iris.THING_PREFIXES:
        assert bool(store.query(f"ASK {{ ?s ?p ?o FILTER STRSTARTS(STR(?s), {ox.Literal(iris.Ids().scheme(kind))}) }}")), kind
    ids = iris.Ids("http://example.org/kg/")
    assert ids.split("http://example.org/kg/id/membership/bali/state-AUS/member") == ("membership", "bali/state-AUS/member")
    assert ids.split(iris.DEFAULT_BASE + "id/state/ESP") is None and ids.split("http://example.org/kg/id/x") is None
    assert ids.namespace("http://example.org/kg/graph/memberships/1") == "http://example.org/kg/graph/"
    assert iris.rebase(f"<{iris.DEFAULT_BASE}id/state/ESP> .", "http://example.org/kg/") == "<http://example.org/kg/id/state/ESP> ."
