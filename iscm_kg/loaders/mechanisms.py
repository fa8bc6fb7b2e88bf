"""Mechanisms (the 30 ISCMs of Annex 2 and the other processes the sources name), their names and the
regions they cover."""

from __future__ import annotations

import hashlib

from rdflib import Literal

from ..context import BuildContext
from ..namespaces import DCTERMS, ISCM, RDF, RDFS, SKOS
from ..table_schemas import read
from .common import add_text, integer, note, slug, sourced_record, year

TYPES = {
    "rcp": ISCM.RegionalConsultativeProcess,
    "irf": ISCM.InterregionalForum,
    "global": ISCM.GlobalProcess,
    "other": ISCM.MigrationDialogue,
}
VERBATIM = {
    "regions_text": ISCM.regionsText,
    "associated_text": ISCM.associatedOrganizationsText,
    "chair_text": ISCM.chairText,
    "secretariat_text": ISCM.secretariatText,
    "iom_role_text": ISCM.iomRoleText,
}


def read_mechanisms(ctx: BuildContext) -> None:
    rows = read(ctx.data_dir, "mechanisms.csv")
    for row in rows:
        ctx.mechanisms[row["key"]] = row


def load_mechanisms(ctx: BuildContext, pref_labels: dict[str, str]) -> None:
    regions = _read_regions(ctx)

    def load(row) -> None:
        key = row["key"]
        iri = ctx.ids.thing("mechanism", key)
        graph = sourced_record(ctx, row, "mechanisms", key)
        kind = row["type"]
        if kind not in TYPES:
            raise row.error(f"type {kind!r} is not one of {', '.join(TYPES)}")
        graph.add((iri, RDF.type, TYPES[kind]))
        label = pref_labels.get(key) or row["name_as_printed"]
        if not label:
            raise row.error("no name: give name_as_printed or a pref name in names.csv")
        graph.add((iri, SKOS.prefLabel, Literal(label, lang="en")))
        graph.add((iri, RDFS.label, Literal(label, lang="en")))
        if row["name_as_printed"] and row["name_as_printed"] != label:
            graph.add((iri, SKOS.altLabel, Literal(row["name_as_printed"], lang="en")))
        number = integer(row, "annex2_no")
        if number is not None:
            graph.add((iri, ISCM.annex2Number, number))
            graph.add((ctx.ids.thing("collection", "annex2"), SKOS.member, iri))  # sourced to its Annex 2 row
            if kind == "other":
                raise row.error("an Annex 2 ISCM needs type rcp, irf or global")
        count = integer(row, "declared_member_count")
        if count is not None:
            graph.add((iri, ISCM.declaredMemberCount, count))
        founded = year(row, "year_established")
        if founded is not None:
            graph.add((iri, ISCM.yearEstablished, founded))
        add_text(graph, iri, ISCM.establishmentNote, row["establishment_note"])
        if row["status"]:
            graph.add((iri, ISCM.status, ctx.concept(row, "status", row["status"], "status")))
        for column, prop in VERBATIM.items():
            add_text(graph, iri, prop, row[column])
        for label_as_printed in filter(None, (r.strip() for r in row["regions_text"].split(" | "))):
            if label_as_printed in ("Not applicable", "None"):
                continue
            if label_as_printed not in regions:
                raise row.error(f"regions_text: region {label_as_printed!r} is not in annex2-regions.csv")
            graph.add((iri, ISCM.coversRegion, ctx.ids.thing("region", regions[label_as_printed])))
        if row["successor_of"]:
            graph.add((iri, ISCM.successorOf, ctx.mechanism(row, row["successor_of"], "successor_of")))
        add_text(graph, iri, DCTERMS.description, row["description"])
        note(graph, iri, row)

    ctx.collect(load, list(ctx.mechanisms.values()))
    _annex2_collection(ctx)


def _annex2_collection(ctx: BuildContext) -> None:
    """The 30 ISCMs of the fact sheet as a SKOS collection (its members are added with each mechanism's row)."""
    row = next(r for r in ctx.mechanisms.values() if r["annex2_no"])
    graph = ctx.record(row, "collections", "annex2", "report", ANNEX2_HEADER_LINE, "Annex 2")
    iri = ctx.ids.thing("collection", "annex2")
    graph.add((iri, RDF.type, SKOS.Collection))
    label = "ISCMs listed in Annex 2 (Fact sheet on inter-State consultation mechanisms on migration)"
    graph.add((iri, SKOS.prefLabel, Literal(label, lang="en")))
    graph.add((iri, RDFS.label, Literal(label, lang="en")))


def _read_regions(ctx: BuildContext) -> dict[str, str]:
    rows = read(ctx.data_dir, "annex2-regions.csv")
    mapping: dict[str, str] = {}
    scheme = ctx.ids.scheme("region")
    keys = {row["key"] for row in rows}

    def load(row) -> None:
        if row["label"] in mapping:
            raise row.error(f"duplicate label {row['label']!r}")
        mapping[row["label"]] = row["key"]
        ctx.concepts.setdefault("region", set()).add(row["key"])
        graph = sourced_record(ctx, row, "regions", row["key"])
        iri = ctx.ids.thing("region", row["key"])
        graph.add((iri, RDF.type, SKOS.Concept))
        graph.add((iri, SKOS.inScheme, scheme))
        # a printed label that combines or narrows others ("Europe/Eurasia", "Africa (continent-wide)") sits under
        # them, so that a query for Africa or Europe rolls up to it
        broader = row["broader"].split()
        for key in broader:
            if key not in keys or key == row["key"]:
                raise row.error(f"broader: {key!r} is not another region of this table")
            graph.add((iri, SKOS.broader, ctx.ids.thing("region", key)))
        if not broader:
            graph.add((iri, SKOS.topConceptOf, scheme))
        for column, prop in (("m49_close", SKOS.closeMatch), ("m49_related", SKOS.relatedMatch)):
            for code in row[column].split():
                if not (code.isdigit() and len(code) == 3):
                    raise row.error(f"{column}: {code!r} is not a UN M49 code (three digits)")
                graph.add((iri, prop, ctx.ids.thing("m49", code)))
        graph.add((iri, SKOS.prefLabel, Literal(row["label"], lang="en")))
        graph.add((iri, RDFS.label, Literal(row["label"], lang="en")))
        note(graph, iri, row)
        graph.add((scheme, RDF.type, SKOS.ConceptScheme))
        graph.add((scheme, SKOS.prefLabel, Literal("Regions covered by ISCMs (Annex 2)", lang="en")))
        graph.add((scheme, RDFS.label, Literal("Regions covered by ISCMs (Annex 2)", lang="en")))

    ctx.collect(load, rows)
    return mapping


ANNEX2_HEADER_LINE = 1530  # the header row of the Annex 2 table in the report's text copy

NAME_KINDS = {"pref": None, "alt": SKOS.altLabel, "acronym": ISCM.acronym, "hidden": SKOS.hiddenLabel}


def load_names(ctx: BuildContext) -> dict[str, str]:
    """Every name variant; returns the pref name of each mechanism (organizations carry theirs)."""
    rows = read(ctx.data_dir, "names.csv")
    prefs: dict[str, str] = {}
    seen: dict[tuple[str, str, str], int] = {}

    def load(row) -> None:
        entity, name, kind = row["entity"], row["name"], row["kind"]
        if kind not in NAME_KINDS:
            raise row.error(f"kind {kind!r} is not one of {', '.join(NAME_KINDS)}")
        if not name:
            raise row.error("empty name")
        if not entity.startswith(("mech:", "org:", "event:")):
            raise row.error(f"entity {entity!r} must be mech:key, org:key or event:key")
        iri = ctx.subject(row, entity, "entity")
        marker = (entity, name, kind)
        if marker in seen:
            raise row.error(f"duplicate name {name!r} of {entity} (first on line {seen[marker]})")
        seen[marker] = row.line
        if kind == "pref":
            if not entity.startswith("mech:"):
                raise row.error("organizations and events take their pref name from their own table")
            key = entity[5:]
            if key in prefs:
                raise row.error(f"{entity} has two pref names")
            prefs[key] = name
            return
        digest = hashlib.sha1(name.encode()).hexdigest()[:6]  # names that slug alike stay apart
        graph = sourced_record(ctx, row, "names", f"{entity.replace(':', '-')}/{kind}-{slug(name)}-{digest}")
        graph.add((iri, NAME_KINDS[kind], Literal(name, lang="en")))

    ctx.collect(load, rows)
    return prefs
