"""The survey and GRCP 8 (Annexes 6 and 7): who answered, who attended, entry by entry, and the
one-page ISCM summaries section by section."""

from __future__ import annotations

import re

from rdflib import Literal, URIRef

from ..context import BuildContext
from ..namespaces import DCTERMS, ISCM, PROV, RDF, RDFS
from ..table_schemas import read
from ..tables import Row
from .common import add_text, note, slug, sourced_record

SECTION = re.compile(r"^(\d)\.\s+(\S.*)$")


def load_events(ctx: BuildContext) -> None:
    """Events (the survey, single meetings of a series such as GRCP 8); their keys go into ctx.events."""
    rows = read(ctx.data_dir, "events.csv")

    def load(row: Row) -> None:
        graph = sourced_record(ctx, row, "events", row["key"])
        iri = ctx.ids.thing("event", row["key"])
        graph.add((iri, RDF.type, ISCM.Event))
        add_text(graph, iri, RDFS.label, row["label"])
        add_text(graph, iri, DCTERMS.date, row["date"], None)
        add_text(graph, iri, DCTERMS.spatial, row["place"])
        add_text(graph, iri, DCTERMS.description, row["description"])
        if row["series"]:
            graph.add((iri, DCTERMS.isPartOf, ctx.mechanism(row, row["series"], "series")))
        note(graph, iri, row)
        ctx.events.add(row["key"])

    ctx.collect(load, rows)


def load_survey(ctx: BuildContext) -> None:
    rows = read(ctx.data_dir, "survey.csv")
    seen: dict[str, int] = {}
    lists: dict[str, URIRef] = {}

    def load(row: Row) -> None:
        if row["event"] not in ctx.events:
            raise row.error(f"event {row['event']!r} is not in events.csv")
        if not row["number"].isdigit():
            raise row.error(f"number {row['number']!r} is not a number")
        key = f"{row['event']}/{slug(row['list'])}/{row['number']}"
        if key in seen:
            raise row.error(f"duplicate entry {key} (first on line {seen[key]})")
        seen[key] = row.line
        source, line = ctx.source_line(row)
        if line:
            ctx.check_quote(row, source, line, row["listed_as"])
        graph = ctx.record(row, "survey", key, source, line, row["list"].split(":")[0])
        iri = ctx.ids.thing("participation", key)
        party = ctx.party(row, row["party"], "party")
        if row["party"].startswith("state:") and line:
            ctx.printed_names.setdefault(row["party"][6:], []).append((row["listed_as"], row, source, line))
        event = ctx.ids.thing("event", row["event"])
        graph.add((iri, RDF.type, ISCM.Participation))
        graph.add((iri, ISCM.participant, party))
        graph.add((iri, ISCM.event, event))
        graph.add((iri, ISCM.listName, Literal(row["list"])))
        key_of_list = f"{row['event']}/{slug(row['list'])}"
        if key_of_list not in lists:
            lists[key_of_list] = participant_list(ctx, row, key_of_list, source, line)
        graph.add((iri, ISCM.inList, lists[key_of_list]))
        graph.add((iri, ISCM.listNumber, Literal(int(row["number"]))))
        graph.add((iri, ISCM.listedAs, Literal(row["listed_as"], lang="en")))
        add_text(graph, iri, ISCM.listMarker, row["marker"], None)
        graph.add((iri, PROV.wasDerivedFrom, ctx.locator(row, source, line)))
        graph.add((party, ISCM.tookPartIn, event))
        add_text(graph, iri, RDFS.label, f"{row['listed_as']} ({row['list']}, no. {row['number']})")
        note(graph, iri, row)

    ctx.collect(load, rows)


def participant_list(ctx: BuildContext, row: Row, key: str, source: str, line: int | None) -> URIRef:
    """The printed list an entry is in (Annex 6: States; Annex 7: ISCMs at GRCP 8, ...): a node of its own, so
    that entries are counted per list, not per event (the survey's event holds lists of two annexes). Sourced
    to the list's first entry."""
    iri = ctx.ids.thing("participant-list", key)
    graph = ctx.record(row, "participant-lists", key, source, line, row["list"].split(":")[0])
    graph.add((iri, RDF.type, ISCM.ParticipantList))
    graph.add((iri, RDFS.label, Literal(row["list"], lang="en")))
    graph.add((iri, ISCM.annex, Literal(row["list"].split(":")[0])))
    graph.add((iri, ISCM.listOfEvent, ctx.ids.thing("event", row["event"])))
    return iri


def load_summaries(ctx: BuildContext) -> None:
    """Each one-page summary, section by section, in full (text from the document's copy in sources/)."""
    rows = read(ctx.data_dir, "summaries.csv")

    def load(row: Row) -> None:
        doc = row["document"]
        if doc not in ctx.source_lines:
            raise row.error(f"document {doc!r} has no text copy (documents.csv file)")
        mechanism = ctx.mechanism(row, row["mechanism"], "mechanism")
        lines = ctx.source_lines[doc]
        sections: list[tuple[int, int, str]] = []  # (number, heading line, title)
        for number, text in enumerate(lines, 1):
            match = SECTION.match(text.strip())
            if match:
                sections.append((int(match.group(1)), number, match.group(2).strip()))
        if not sections:
            raise row.error(f"no numbered sections found in {doc}")
        bounds = [(0, 1, "Introduction")] + sections
        for index, (number, start, title) in enumerate(bounds):
            end = bounds[index + 1][1] - 1 if index + 1 < len(bounds) else len(lines)
            body = "\n".join(t.rstrip() for t in lines[start if number else 0:end]).strip()
            key = f"{doc}/{number}"
            graph = ctx.record(row, "summaries", key, doc, start, title)
            iri = ctx.ids.thing("summary-section", key)
            graph.add((iri, RDF.type, ISCM.SummarySection))
            graph.add((iri, ISCM.summarizes, mechanism))
            graph.add((iri, ISCM.sectionNumber, Literal(number)))
            graph.add((iri, DCTERMS.title, Literal(title, lang="en")))
            graph.add((iri, RDFS.label, Literal(f"{title} ({doc})", lang="en")))
            graph.add((iri, DCTERMS.isPartOf, ctx.ids.thing("document", doc)))
            graph.add((iri, ISCM.text, Literal(body, lang="en")))
            graph.add((iri, PROV.wasDerivedFrom, ctx.locator(row, doc, start, title)))

    ctx.collect(load, rows)
