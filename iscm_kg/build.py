"""Build the dataset: curated tables + ontology -> named graphs with provenance. Nothing is written here;
see release.py for the files and validate.py for the shapes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, Literal

from .context import BuildContext
from .derived import add_derived, label_fact_graphs
from .errors import DataErrors
from .loaders import mechanisms as mech
from .loaders import memberships, parties, relations, sources, survey, themes
from .namespaces import PROV, RDF, RDFS
from .paths import DATA, ONTOLOGY
from .rdf_files import parse_turtle, turtle_files


@dataclass
class BuildResult:
    dataset: Dataset
    ontology: Graph


def build_dataset(data_dir: Path = DATA, ontology_dir: Path = ONTOLOGY) -> BuildResult:
    """Load every curated table. Raises DataErrors listing every bad row found (file:line: what)."""
    ontology = parse_turtle(turtle_files(ontology_dir))
    ctx = BuildContext(data_dir=data_dir)
    sources.load_documents(ctx)
    sources.load_vocabularies(ctx, ontology)
    parties.load_country_identifiers(ctx)
    parties.load_organizations(ctx)
    mech.read_mechanisms(ctx)
    survey.load_events(ctx)
    pref_labels = mech.load_names(ctx)
    mech.load_mechanisms(ctx, pref_labels)
    shortcuts = memberships.RoleProperties(ctx, ontology)
    country_names: dict[str, set[str]] = {}
    memberships.load_memberships(ctx, shortcuts, country_names)
    memberships.load_roles(ctx, shortcuts)
    annex10_themes = themes.load_themes(ctx)
    themes.load_annex10(ctx, annex10_themes)
    relations.load_cooperations(ctx)
    relations.load_overlaps(ctx)
    relations.load_partnerships(ctx)
    relations.load_structures(ctx)
    relations.load_funding(ctx)
    relations.load_contributions(ctx)
    relations.load_statements(ctx)
    relations.load_discrepancies(ctx)
    survey.load_survey(ctx)
    survey.load_summaries(ctx)
    if ctx.errors:
        raise DataErrors(ctx.errors)
    parties.emit_groups(ctx)
    parties.emit_countries(ctx, country_names)
    _add_ontology(ctx, ontology)
    add_derived(ctx.dataset)
    label_fact_graphs(ctx.dataset)
    return BuildResult(ctx.dataset, ontology)


def _add_ontology(ctx: BuildContext, ontology: Graph) -> None:
    from .namespaces import ONTOLOGY_IRI

    graph_iri = ctx.ids.graph("ontology")
    graph = ctx.dataset.graph(graph_iri)
    for triple in ontology:
        graph.add(triple)
    ctx.provenance.add((graph_iri, RDF.type, PROV.Entity))
    ctx.provenance.add((graph_iri, PROV.wasDerivedFrom, ONTOLOGY_IRI))
    ctx.provenance.add((graph_iri, RDFS.label, Literal("The ISCM ontology and its vocabularies", lang="en")))
