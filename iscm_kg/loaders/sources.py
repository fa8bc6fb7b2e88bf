"""Source documents, the ontology and the controlled vocabularies."""

from __future__ import annotations

from rdflib import Graph, Literal

from ..context import BuildContext
from ..errors import DataError
from ..namespaces import DCTERMS, FOAF, ISCM, PROV, RDF, RDFS, SKOS
from ..table_schemas import read
from .common import add_text

OPEN_SCHEMES = ("cooperation-kind", "structure-kind", "funding-kind", "statement-topic", "partnership-kind")


def load_documents(ctx: BuildContext) -> None:
    rows = read(ctx.data_dir, "documents.csv")
    for row in rows:
        key = row["key"]
        ctx.documents[key] = row
        if row["file"]:
            file = ctx.data_dir / row["file"]
            if not file.exists():
                ctx.errors.append(row.error(f"file {row['file']!r} not found"))
                continue
            ctx.source_lines[key] = file.read_text(encoding="utf-8").split("\n")
        iri = ctx.ids.thing("document", key)
        graph = ctx.record(row, "documents", key)
        ctx.provenance.add((ctx.ids.graph("documents", key), PROV.wasDerivedFrom, iri))
        graph.add((iri, RDF.type, ISCM.SourceDocument))
        add_text(graph, iri, DCTERMS.title, row["title"])
        add_text(graph, iri, RDFS.label, row["title"])
        add_text(graph, iri, DCTERMS.publisher, row["publisher"], None)
        add_text(graph, iri, DCTERMS.issued, row["issued"], None)
        add_text(graph, iri, DCTERMS.identifier, row["identifier"], None)
        add_text(graph, iri, DCTERMS.rights, row["rights"], None)
        add_text(graph, iri, DCTERMS.type, row["kind"], None)
        add_text(graph, iri, RDFS.comment, row["note"])
        if row["file"]:
            add_text(graph, iri, ISCM.dataFile, f"data/{row['file']}", None)
        if row["url"]:
            graph.add((iri, FOAF.page, _iri(row["url"])))


def load_vocabularies(ctx: BuildContext, ontology: Graph) -> None:
    """Concept keys per scheme, from ontology/vocab.ttl and data/vocabularies.csv (open lists)."""
    for concept, scheme in ontology.subject_objects(SKOS.inScheme):
        base = str(scheme)
        prefix = ctx.ids.base + "id/"
        if base.startswith(prefix) and str(concept).startswith(base):
            ctx.concepts.setdefault(base[len(prefix):].strip("/"), set()).add(str(concept)[len(base):])
    rows = read(ctx.data_dir, "vocabularies.csv")
    seen: set[tuple[str, str]] = set()

    def load(row) -> None:
        scheme, key = row["scheme"], row["key"]
        if scheme not in OPEN_SCHEMES:
            raise row.error(f"scheme {scheme!r} is not an open list here (open: {', '.join(OPEN_SCHEMES)}); "
                            "closed lists live in ontology/vocab.ttl")
        if (scheme, key) in seen:
            raise row.error(f"duplicate concept {scheme}/{key}")
        if not row["label"]:
            raise row.error("empty label")
        seen.add((scheme, key))
        ctx.concepts.setdefault(scheme, set()).add(key)
        source, line = (row["source"], int(row["line"])) if row["source"] and row["line"] else ("curation", None)
        graph = ctx.record(row, "vocabularies", f"{scheme}/{key}", source, line)
        scheme_iri = ctx.ids.scheme(scheme)
        iri = ctx.ids.thing(scheme, key)
        graph.add((iri, RDF.type, SKOS.Concept))
        graph.add((iri, SKOS.inScheme, scheme_iri))
        graph.add((iri, SKOS.topConceptOf, scheme_iri))
        graph.add((iri, SKOS.notation, Literal(key)))
        add_text(graph, iri, SKOS.prefLabel, row["label"])
        add_text(graph, iri, RDFS.label, row["label"])
        add_text(graph, iri, ISCM.shortLabel, row["short_label"])
        add_text(graph, iri, SKOS.definition, row["definition"] or row["label"])
        graph.add((scheme_iri, RDF.type, SKOS.ConceptScheme))
        label = scheme.replace("-", " ").capitalize() + "s"
        graph.add((scheme_iri, SKOS.prefLabel, Literal(label, lang="en")))
        graph.add((scheme_iri, RDFS.label, Literal(label, lang="en")))

    ctx.collect(load, rows)


def _iri(url: str):
    from rdflib import URIRef

    return URIRef(url.strip())


__all__ = ["load_documents", "load_vocabularies", "DataError"]
