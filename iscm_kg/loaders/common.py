"""Small helpers shared by the loaders."""

from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef

from ..context import BuildContext
from ..namespaces import ISCM, PROV, RDFS, XSD
from ..tables import Row

SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    return SLUG.sub("-", text.lower()).strip("-")[:80] or "x"


def party_slug(ref: str) -> str:
    """state:ESP -> state-ESP, org:iom -> org-iom (readable, stable)."""
    kind, _, key = ref.partition(":")
    return f"{kind}-{key}"


def add_text(graph: Graph, subject: URIRef, predicate: URIRef, value: str, lang: str | None = "en") -> None:
    if value:
        graph.add((subject, predicate, Literal(value, lang=lang)))


def year(row: Row, column: str) -> Literal | None:
    value = row[column]
    if not value:
        return None
    if not re.fullmatch(r"\d{4}", value):
        raise row.error(f"{column} {value!r} is not a year (YYYY)")
    number = int(value)
    if not 1900 <= number <= 2030:
        raise row.error(f"{column} {value} is out of range (1900-2030)")
    return Literal(value, datatype=XSD.gYear)


def as_of(row: Row, column: str = "as_of") -> tuple[Literal | None, bool]:
    """(the year as xsd:gYear or None, whether the source is marked 'undated')."""
    value = row[column]
    if value == "undated":
        return None, True
    return year(row, column), False


def integer(row: Row, column: str) -> Literal | None:
    value = row[column]
    if not value:
        return None
    if not re.fullmatch(r"\d+", value):
        raise row.error(f"{column} {value!r} is not a whole number")
    return Literal(int(value))


def sourced_record(ctx: BuildContext, row: Row, table: str, key: str, quote_col: str = "quote") -> Graph:
    """A record graph for a row with source/line/section/quote columns; checks the quote is on the line."""
    source, line = ctx.source_line(row)
    quote = row[quote_col] if quote_col in row.cells else ""
    if quote and line:
        ctx.check_quote(row, source, line, quote)
    return ctx.record(row, table, key, source, line, row["section"], quote)


def note(graph: Graph, subject: URIRef, row: Row) -> None:
    add_text(graph, subject, RDFS.comment, row["note"])


def derived_from(graph: Graph, subject: URIRef, ctx: BuildContext, row: Row) -> None:
    """Attach the row's locator to an n-ary node directly, so its source is one hop away."""
    source, line = ctx.source_line(row)
    graph.add((subject, PROV.wasDerivedFrom, ctx.locator(row, source, line, row["section"])))


__all__ = ["slug", "party_slug", "add_text", "year", "as_of", "integer", "sourced_record", "note",
           "derived_from", "ISCM"]
