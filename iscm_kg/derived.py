"""Facts computed from other facts: labels for n-ary nodes and the listed member counts. They go in their
own graph, with the build as their source, so they are never mistaken for facts a document states."""

from __future__ import annotations

from rdflib import Dataset, Graph, Literal, URIRef

from .namespaces import DCTERMS, IDS, ISCM, ORG, PROV, RDF, RDFS, SKOS, Ids


def _label(graph: Graph, node: URIRef) -> str:
    for prop in (SKOS.prefLabel, RDFS.label):
        for value in graph.objects(node, prop):
            return str(value)
    return str(node).rsplit("/", 1)[-1]


def listed_member_counts(union: Graph, ids: Ids = IDS) -> dict[URIRef, int]:
    """Distinct States and territories with the member role in the reference list (memberships.csv), whatever
    their as_of: the size of the list, to set beside the count Annex 2 declares."""
    member_role = ids.thing("role", "member")
    prefix = str(ids.thing("membership", ""))
    counts: dict[URIRef, set[URIRef]] = {}
    for membership in union.subjects(ORG.role, member_role):
        if not str(membership).startswith(prefix) or str(membership).count("/") - prefix.count("/") != 2:
            continue  # only the reference list (id/membership/{iscm}/{party}/member), not report roles
        party = union.value(membership, ORG.member)
        if (party, RDF.type, ISCM.State) not in union and (party, RDF.type, ISCM.Territory) not in union:
            continue
        counts.setdefault(union.value(membership, ORG.organization), set()).add(party)
    return {mech: len(parties) for mech, parties in counts.items()}


def add_derived(dataset: Dataset, ids: Ids = IDS) -> None:
    union = Graph()
    for quad in dataset.quads((None, None, None, None)):
        union.add(quad[:3])
    graph_iri = ids.graph("derived")
    derived = dataset.graph(graph_iri)
    prov = dataset.graph(ids.graph("provenance"))
    prov.add((graph_iri, RDF.type, ISCM.FactGraph))
    prov.add((graph_iri, PROV.wasDerivedFrom, ids.thing("document", "memberships")))
    prov.add((graph_iri, DCTERMS.description, Literal(
        "Computed by the build from the other graphs: listed member counts and labels of n-ary nodes.",
        lang="en")))
    for mechanism, count in listed_member_counts(union, ids).items():
        derived.add((mechanism, ISCM.listedMemberCount, Literal(count)))
    for membership in set(union.subjects(RDF.type, ORG.Membership)):
        if (membership, RDFS.label, None) in union:
            continue
        party = union.value(membership, ORG.member)
        role = union.value(membership, ORG.role)
        org = union.value(membership, ORG.organization)
        text = f"{_label(union, party)}: {_label(union, role)} of {_label(union, org)}"
        derived.add((membership, RDFS.label, Literal(text, lang="en")))
    for cell in set(union.subjects(RDF.type, ISCM.ThemeMatrixCell)):
        theme = _label(union, union.value(cell, ISCM.cellTheme))
        column = union.value(cell, ISCM.cellColumnLabel) or f"column {union.value(cell, ISCM.cellColumn)}"
        derived.add((cell, RDFS.label, Literal(f"Annex 10: {theme} × {column}", lang="en")))
    for locator in set(union.subjects(RDF.type, ISCM.SourceLocator)):
        doc = union.value(locator, DCTERMS.isPartOf)
        title = union.value(doc, DCTERMS.title) if doc is not None else None
        short = str(doc).rsplit("/", 1)[-1] if doc is not None else "?"
        text = f"{short}, line {union.value(locator, ISCM.line)}"
        if title:
            text = f"{text} ({title})"
        prov.add((locator, RDFS.label, Literal(text, lang="en")))


def label_fact_graphs(dataset: Dataset, ids: Ids = IDS) -> None:
    """Name each fact graph after the data row that made it."""
    prov = dataset.graph(ids.graph("provenance"))
    for graph_iri in set(prov.subjects(RDF.type, ISCM.FactGraph)):
        if (graph_iri, RDFS.label, None) in prov:
            continue
        where = prov.value(graph_iri, ISCM.dataFile)
        text = f"Facts from {where}" if where else f"Facts: {str(graph_iri).rsplit('/graph/', 1)[-1]}"
        prov.add((graph_iri, RDFS.label, Literal(text, lang="en")))
