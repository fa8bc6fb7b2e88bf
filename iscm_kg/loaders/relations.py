"""What the report's text says: cooperation between mechanisms, geographic overlaps, structures, funding,
contributions to governance and other statements. Each row becomes a node with its source."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from itertools import permutations

from rdflib import Literal, URIRef

from ..context import BuildContext
from ..namespaces import DCTERMS, ISCM, PROV, RDF, RDFS, XSD
from ..table_schemas import read
from ..tables import Row, split_list
from .common import add_text, derived_from, note, sourced_record, year

DATATYPES = {"integer": XSD.integer, "decimal": XSD.decimal, "gYear": XSD.gYear, "date": XSD.date, "string": None}


def _table(ctx: BuildContext, name: str) -> list[Row]:
    return read(ctx.data_dir, f"{name}.csv")


def _node(ctx: BuildContext, row: Row, table: str, kind: str, cls: URIRef):
    if not row["quote"]:  # the words on the cited line are what a reader checks the fact against
        raise row.error(f"empty quote: copy the words of {row['source']} line {row['line']} that state it")
    graph = sourced_record(ctx, row, table, row["key"])
    iri = ctx.ids.thing(kind, row["key"])
    graph.add((iri, RDF.type, cls))
    derived_from(graph, iri, ctx, row)
    add_text(graph, iri, ISCM.quote, row["quote"])
    note(graph, iri, row)
    return graph, iri


def load_cooperations(ctx: BuildContext) -> None:
    def load(row: Row) -> None:
        parties = [ctx.mechanism(row, p.removeprefix("mech:"), "parties") for p in split_list(row["parties"])]
        if not parties:
            raise row.error("parties: name at least one mechanism (mech:key)")
        graph, iri = _node(ctx, row, "cooperations", "cooperation", ISCM.Cooperation)
        for party in parties:
            graph.add((iri, ISCM.cooperationParty, party))
        graph.add((iri, ISCM.cooperationKind, ctx.concept(row, "cooperation-kind", row["kind"], "kind")))
        add_text(graph, iri, DCTERMS.description, row["description"])
        add_text(graph, iri, RDFS.label, row["description"][:120] or row["key"])
        if row["acting_party"]:  # a one-way cooperation (one attends the other's meetings): who acts
            acting = ctx.mechanism(row, row["acting_party"].removeprefix("mech:"), "acting_party")
            if acting not in parties:
                raise row.error("acting_party must be one of the parties")
            graph.add((iri, ISCM.actingParty, acting))
        for a, b in permutations(set(parties), 2):
            graph.add((a, ISCM.cooperatesWith, b))

    ctx.collect(load, _table(ctx, "cooperations"))


def load_partnerships(ctx: BuildContext) -> None:
    """Partnerships the report states in general terms (key partners of ISCMs in a region, organizations that
    provide expertise, co-organizers of an event, a programme two mechanisms work through), as typed nodes."""
    def load(row: Row) -> None:
        graph, iri = _node(ctx, row, "partnerships", "partnership", ISCM.Partnership)
        graph.add((iri, ISCM.partnershipKind, ctx.concept(row, "partnership-kind", row["kind"], "kind")))
        graph.add((iri, ISCM.partner, ctx.party(row, row["partner"], "partner")))
        for ref in split_list(row["with"]):  # empty: ISCMs in general
            graph.add((iri, ISCM.partnerOf, ctx.party(row, ref, "with")))
        if row["region"]:
            graph.add((iri, ISCM.forRegion, ctx.concept(row, "region", row["region"], "region")))
        add_text(graph, iri, DCTERMS.description, row["description"])
        add_text(graph, iri, RDFS.label, row["description"][:120] or row["key"])

    ctx.collect(load, _table(ctx, "partnerships"))


def load_overlaps(ctx: BuildContext) -> None:
    def load(row: Row) -> None:
        parties = [ctx.mechanism(row, p.removeprefix("mech:"), "parties") for p in split_list(row["parties"])]
        if len(parties) < 2:
            raise row.error("parties: an overlap needs at least two mechanisms")
        graph, iri = _node(ctx, row, "overlaps", "overlap", ISCM.GeographicOverlap)
        for party in parties:
            graph.add((iri, ISCM.overlapParty, party))
        add_text(graph, iri, ISCM.overlapRegion, row["region"])
        add_text(graph, iri, RDFS.label, f"Geographic overlap ({row['region']})")
        for a, b in permutations(set(parties), 2):
            graph.add((a, ISCM.overlapsWith, b))

    ctx.collect(load, _table(ctx, "overlaps"))


def load_structures(ctx: BuildContext) -> None:
    def load(row: Row) -> None:
        mechanism = ctx.mechanism(row, row["mechanism"], "mechanism")
        graph, iri = _node(ctx, row, "structures", "structure", ISCM.Structure)
        graph.add((mechanism, ISCM.hasStructure, iri))
        graph.add((iri, ISCM.structureKind, ctx.concept(row, "structure-kind", row["kind"], "kind")))
        add_text(graph, iri, RDFS.label, row["label"] or row["kind"])
        add_text(graph, iri, DCTERMS.description, row["description"])
        for ref in split_list(row["provided_by"]):
            graph.add((iri, ISCM.providedBy, ctx.party(row, ref, "provided_by")))
        established = year(row, "year")
        if established is not None:
            graph.add((iri, ISCM.yearEstablished, established))

    ctx.collect(load, _table(ctx, "structures"))


def load_funding(ctx: BuildContext) -> None:
    def load(row: Row) -> None:
        graph, iri = _node(ctx, row, "funding", "funding", ISCM.FundingArrangement)
        mechanism = ctx.mechanism(row, row["mechanism"], "mechanism") if row["mechanism"] else None
        if mechanism is not None:
            graph.add((mechanism, ISCM.hasFunding, iri))
        graph.add((iri, ISCM.fundingKind, ctx.concept(row, "funding-kind", row["kind"], "kind")))
        for ref in split_list(row["funder"]):
            funder = ctx.party(row, ref, "funder")
            graph.add((iri, ISCM.funder, funder))
            if mechanism is not None:
                graph.add((funder, ISCM.funds, mechanism))
        if row["amount"]:
            try:
                graph.add((iri, ISCM.amount, Literal(Decimal(row["amount"]), datatype=XSD.decimal)))
            except InvalidOperation:
                raise row.error(f"amount {row['amount']!r} is not a number") from None
            if not row["currency"]:
                raise row.error("an amount needs its currency (ISO 4217)")
        add_text(graph, iri, ISCM.currency, row["currency"], None)
        add_text(graph, iri, ISCM.amountBasis, row["basis"])
        add_text(graph, iri, DCTERMS.description, row["description"])
        add_text(graph, iri, RDFS.label, row["description"][:120] or row["kind"])

    ctx.collect(load, _table(ctx, "funding"))


def load_contributions(ctx: BuildContext) -> None:
    def load(row: Row) -> None:
        graph, iri = _node(ctx, row, "contributions", "contribution", ISCM.GovernanceContribution)
        if row["mechanism"]:
            graph.add((ctx.mechanism(row, row["mechanism"], "mechanism"), ISCM.hasContribution, iri))
        graph.add((iri, ISCM.governanceLevel, ctx.concept(row, "governance-level", row["level"], "level")))
        add_text(graph, iri, DCTERMS.description, row["description"])
        add_text(graph, iri, RDFS.label, row["description"][:120] or row["key"])
        for ref in split_list(row["involves"]):
            graph.add((iri, ISCM.involves, ctx.party(row, ref, "involves")))
        add_text(graph, iri, DCTERMS.date, row["year"], None)

    ctx.collect(load, _table(ctx, "contributions"))


def load_statements(ctx: BuildContext) -> None:
    def load(row: Row) -> None:
        graph, iri = _node(ctx, row, "statements", "statement", ISCM.Statement)
        for ref in split_list(row["about"]):
            if ref.startswith("doc:"):
                if ref[4:] not in ctx.documents:
                    raise row.error(f"about: unknown document {ref[4:]!r}")
                graph.add((iri, ISCM.about, ctx.ids.thing("document", ref[4:])))
            else:
                graph.add((iri, ISCM.about, ctx.subject(row, ref, "about")))
        graph.add((iri, ISCM.topic, ctx.concept(row, "statement-topic", row["topic"], "topic")))
        if row["value"]:
            kind = row["datatype"] or "string"
            if kind not in DATATYPES:
                raise row.error(f"datatype {kind!r} is not one of {', '.join(DATATYPES)}")
            literal = Literal(row["value"], datatype=DATATYPES[kind])
            if literal.ill_typed:
                raise row.error(f"value {row['value']!r} is not a valid {kind}")
            graph.add((iri, ISCM.value, literal))
        if not row["text"]:
            raise row.error("empty text: say the fact in one sentence")
        add_text(graph, iri, DCTERMS.description, row["text"])
        add_text(graph, iri, RDFS.label, row["text"][:120])

    ctx.collect(load, _table(ctx, "statements"))


def load_discrepancies(ctx: BuildContext) -> None:
    rows = read(ctx.data_dir, "discrepancies.csv")

    def load(row: Row) -> None:
        refs = split_list(row["sources"])
        if not refs:
            raise row.error("sources: name at least one source as doc:line")
        locators = []
        for ref in refs:
            doc, _, line = ref.partition(":")
            if not line.isdigit():
                raise row.error(f"sources: {ref!r} is not doc:line")
            locators.append(ctx.locator(row, doc, int(line)))
        first_doc, _, first_line = refs[0].partition(":")
        graph = ctx.record(row, "discrepancies", row["key"], first_doc, int(first_line))
        iri = ctx.ids.thing("discrepancy", row["key"])
        graph.add((iri, RDF.type, ISCM.Discrepancy))
        for loc in locators:
            graph.add((iri, PROV.wasDerivedFrom, loc))
        for ref in split_list(row["about"]):
            if ref.startswith("doc:"):
                graph.add((iri, ISCM.about, ctx.ids.thing("document", ref[4:])))
            elif ref.startswith("theme:"):
                graph.add((iri, ISCM.about, ctx.concept(row, "theme", ref[6:], "about")))
            else:
                graph.add((iri, ISCM.about, ctx.subject(row, ref, "about")))
        if not row["description"]:
            raise row.error("empty description")
        add_text(graph, iri, DCTERMS.description, row["description"])
        add_text(graph, iri, RDFS.label, row["description"][:120])
        note(graph, iri, row)

    ctx.collect(load, rows)
