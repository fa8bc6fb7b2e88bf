"""Facts computed from other facts: labels for n-ary nodes and the listed member counts. They go in their
own graph, with the build as their source, so they are never mistaken for facts a document states."""

from __future__ import annotations

from rdflib import Dataset, Graph, Literal, URIRef

from .namespaces import DCTERMS, IDS, ISCM, ORG, OWL, PROV, RDF, RDFS, SKOS


def _label(graph: Graph, node: URIRef) -> str:
    for prop in (SKOS.prefLabel, RDFS.label):
        for value in graph.objects(node, prop):
            return str(value)
    return str(node).rsplit("/", 1)[-1]


def listed_member_counts(union: Graph) -> dict[URIRef, int]:
    """Distinct States and territories with the member role in the reference list (memberships.csv), whatever
    their as_of: the size of the list, to set beside the count Annex 2 declares."""
    member_role = IDS.thing("role", "member")
    reference_list = IDS.thing("document", "memberships")
    counts: dict[URIRef, set[URIRef]] = {}
    for membership in union.subjects(ORG.role, member_role):
        listed = any((locator, DCTERMS.isPartOf, reference_list) in union
                     for locator in union.objects(membership, PROV.wasDerivedFrom))
        if not listed:
            continue  # only the reference list, not the roles the report states
        party = union.value(membership, ORG.member)
        if (party, RDF.type, ISCM.State) not in union and (party, RDF.type, ISCM.Territory) not in union:
            continue
        counts.setdefault(union.value(membership, ORG.organization), set()).add(party)
    return {mech: len(parties) for mech, parties in counts.items()}


SHORT_LABEL_LENGTH = 32


def short_labels(union: Graph, derived: Graph) -> None:
    """A class or concept whose label fits is its own short label; a longer one needs a curated short label (the
    shapes refuse the build otherwise), so grouping by short label never drops a class or concept."""
    nodes = set(union.subjects(RDF.type, OWL.Class)) | set(union.subjects(RDF.type, SKOS.Concept))
    for node in nodes:
        if (node, ISCM.shortLabel, None) in union:
            continue
        label = union.value(node, SKOS.prefLabel) or union.value(node, RDFS.label)
        if label is not None and len(label) <= SHORT_LABEL_LENGTH:
            derived.add((node, ISCM.shortLabel, label))


def mechanism_short_labels(union: Graph, derived: Graph) -> None:
    """The name a mechanism goes by, for titles, links and legends (RCM, Rabat Process, Budapest Process): its
    acronym, else a name of its own ending in "Process", else its name if short, else its shortest short name;
    none when every name it has is long (the pages show its name then)."""
    for node in set(union.subjects(SKOS.prefLabel, None)):
        thing = IDS.split(str(node))
        if thing is None or thing.kind != "mechanism" or (node, ISCM.shortLabel, None) in union:
            continue
        pref = [str(v) for v in union.objects(node, SKOS.prefLabel)]
        alt = sorted(str(v) for v in union.objects(node, SKOS.altLabel))
        candidates = [*sorted(str(v) for v in union.objects(node, ISCM.acronym)),
                      *(name for name in alt + pref if name.endswith("Process")),
                      *pref, *sorted(alt, key=len)]
        short = next((name for name in candidates if len(name) <= SHORT_LABEL_LENGTH), None)
        if short is not None:
            derived.add((node, ISCM.shortLabel, Literal(short, lang="en")))


def latest_as_of(union: Graph, membership: URIRef) -> Literal | None:
    """The latest year the references of a statement describe (None if all are undated)."""
    years = [year for ref in union.objects(membership, PROV.qualifiedDerivation)
             for year in union.objects(ref, ISCM.asOf)]
    return max(years, key=str) if years else None


def member_count_discrepancies(dataset: Dataset, union: Graph, derived: Graph, listed: dict[URIRef, int]) -> None:
    """A Discrepancy for every mechanism whose declared member count (Annex 2) differs from the number of member
    States and territories the reference list names, citing the Annex 2 row and the reference list."""
    prov = dataset.graph(IDS.graph("provenance"))
    for mechanism, declared in sorted(union.subject_objects(ISCM.declaredMemberCount)):
        count = listed.get(mechanism, 0)
        if int(declared) == count:
            continue
        key = str(mechanism).rsplit("/", 1)[-1]
        iri = IDS.thing("discrepancy", f"member-count-{key}")
        names = "no member States" if count == 0 else f"{count} member States and territories"
        text = (f"Annex 2 declares {int(declared)} member States for {_label(union, mechanism)}; the reference list "
                f"(memberships.csv) names {names}.")
        derived.add((iri, RDF.type, ISCM.Discrepancy))
        derived.add((iri, ISCM.about, mechanism))
        derived.add((iri, DCTERMS.description, Literal(text, lang="en")))
        derived.add((iri, RDFS.label, Literal(f"Member count of {key}: {int(declared)} declared, {count} listed",
                                              lang="en")))
        for graph in dataset.contexts((mechanism, ISCM.declaredMemberCount, declared)):
            for locator in prov.objects(graph.identifier, PROV.wasDerivedFrom):
                derived.add((iri, PROV.wasDerivedFrom, locator))
        derived.add((iri, PROV.wasDerivedFrom, IDS.thing("document", "memberships")))


def add_derived(dataset: Dataset) -> None:
    union = Graph()
    for quad in dataset.quads((None, None, None, None)):
        union.add(quad[:3])
    graph_iri = IDS.graph("derived")
    derived = dataset.graph(graph_iri)
    prov = dataset.graph(IDS.graph("provenance"))
    prov.add((graph_iri, RDF.type, ISCM.FactGraph))
    prov.add((graph_iri, PROV.wasDerivedFrom, IDS.thing("document", "memberships")))
    prov.add((graph_iri, DCTERMS.description, Literal(
        "Computed by the build from the other graphs: listed member counts and where they differ from the declared "
        "ones, the latest as-of year of each membership statement, labels of n-ary nodes and the short labels of "
        "classes and concepts whose labels are short already.",
        lang="en")))
    listed = listed_member_counts(union)
    for mechanism, count in listed.items():
        derived.add((mechanism, ISCM.listedMemberCount, Literal(count)))
    member_count_discrepancies(dataset, union, derived, listed)
    for membership in set(union.subjects(RDF.type, ORG.Membership)):
        latest = latest_as_of(union, membership)
        if latest is not None:
            derived.add((membership, ISCM.asOf, latest))
        if (membership, RDFS.label, None) in union:
            continue
        party = union.value(membership, ORG.member)
        role = union.value(membership, ORG.role)
        org = union.value(membership, ORG.organization)
        text = f"{_label(union, party)}: {_label(union, role)} of {_label(union, org)}"
        derived.add((membership, RDFS.label, Literal(text, lang="en")))
        for ref in union.objects(membership, PROV.qualifiedDerivation):
            locator = union.value(ref, PROV.entity)
            doc = union.value(locator, DCTERMS.isPartOf) if locator is not None else None
            where = f"{str(doc).rsplit('/', 1)[-1]}, line {union.value(locator, ISCM.line)}" if doc else "?"
            derived.add((ref, RDFS.label, Literal(f"{where}: {text}", lang="en")))
    short_labels(union, derived)
    mechanism_short_labels(union, derived)
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


def label_fact_graphs(dataset: Dataset) -> None:
    """Name each fact graph after the data row that made it."""
    prov = dataset.graph(IDS.graph("provenance"))
    for graph_iri in set(prov.subjects(RDF.type, ISCM.FactGraph)):
        if (graph_iri, RDFS.label, None) in prov:
            continue
        where = ", ".join(sorted(str(f) for f in prov.objects(graph_iri, ISCM.dataFile)))  # a statement: several
        text = f"Facts from {where}" if where else f"Facts: {str(graph_iri).rsplit('/graph/', 1)[-1]}"
        prov.add((graph_iri, RDFS.label, Literal(text, lang="en")))
