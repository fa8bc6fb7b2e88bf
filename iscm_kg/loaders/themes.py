"""Thematic foci: the theme lists of the report as one SKOS scheme with a collection per list, and the
Annex 10 matrix cell by cell (anomalies recorded, not repaired)."""

from __future__ import annotations

from rdflib import Literal, URIRef

from ..context import BuildContext
from ..errors import DataError
from ..namespaces import DCTERMS, ISCM, PROV, RDF, RDFS, SKOS, XSD
from ..table_schemas import read
from ..tables import Row
from .common import add_text, note, sourced_record

TICK, NO_TICK = "✓", "-"


def load_themes(ctx: BuildContext) -> dict[str, str]:
    """Returns label -> key of the Annex 10 themes."""
    rows = read(ctx.data_dir, "themes.csv")
    scheme = ctx.ids.scheme("theme")
    labels: dict[str, str] = {}
    shorts: dict[str, str] = {}
    annex10: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()

    def load(row: Row) -> None:
        key, label, lst = row["key"], row["label"], row["list"]
        if not key or not label or not lst:
            raise row.error("list, key and label are required")
        if (lst, row["position"]) in seen:
            raise row.error(f"duplicate position {row['position']} in list {lst}")
        seen.add((lst, row["position"]))
        ctx.concepts.setdefault("theme", set()).add(key)
        graph = sourced_record(ctx, row, "themes", f"{lst}/{row['position']}")
        iri = ctx.ids.thing("theme", key)
        graph.add((iri, RDF.type, SKOS.Concept))
        graph.add((iri, SKOS.inScheme, scheme))
        if key not in labels:
            labels[key] = label
            graph.add((iri, SKOS.prefLabel, Literal(label, lang="en")))
            graph.add((iri, RDFS.label, Literal(label, lang="en")))
            graph.add((iri, SKOS.topConceptOf, scheme))
        elif labels[key] != label:
            graph.add((iri, SKOS.altLabel, Literal(label, lang="en")))
        if row["short_label"]:
            if shorts.setdefault(key, row["short_label"]) != row["short_label"]:
                raise row.error(f"short_label {row['short_label']!r} differs from {shorts[key]!r} given before")
            graph.add((iri, ISCM.shortLabel, Literal(row["short_label"], lang="en")))
        collection = ctx.ids.thing("theme-list", lst)
        graph.add((collection, RDF.type, SKOS.Collection))
        graph.add((collection, RDFS.label, Literal(f"Theme list {lst}", lang="en")))
        graph.add((collection, SKOS.member, iri))
        entry = ctx.ids.thing("theme-list", f"{lst}/{row['position']}")
        graph.add((entry, RDF.type, ISCM.ListEntry))
        graph.add((entry, ISCM.listName, Literal(lst)))
        graph.add((entry, ISCM.listNumber, Literal(int(row["position"]))))
        graph.add((entry, ISCM.listedAs, Literal(label, lang="en")))
        graph.add((entry, RDFS.label, Literal(f"{label} ({lst}, no. {row['position']})", lang="en")))
        graph.add((entry, ISCM.about, iri))
        add_text(graph, entry, ISCM.qualifier, row["emphasis"], None)
        note(graph, entry, row)
        if lst == "annex10":
            annex10[label] = key

    ctx.collect(load, rows)
    graph = ctx.dataset.graph(ctx.ids.graph("themes", "scheme"))
    ctx.provenance.add((ctx.ids.graph("themes", "scheme"), PROV.wasDerivedFrom, ctx.ids.thing("document", "report")))
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, SKOS.prefLabel, Literal("Thematic foci of ISCMs", lang="en")))
    graph.add((scheme, RDFS.label, Literal("Thematic foci of ISCMs", lang="en")))
    return annex10


def load_annex10(ctx: BuildContext, annex10_themes: dict[str, str]) -> None:
    columns = _read_columns(ctx)
    path = ctx.data_dir / "annex10.tsv"
    header: list[str] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        try:
            line_text, _, rest = raw.partition("\t")
            line = int(line_text)
        except ValueError:
            ctx.errors.append(DataError(path, number, "a line must start with the source line number and a tab"))
            continue
        cells = rest.split("\t")
        row = Row(path, number, {"line": line_text})
        try:
            if cells[0] == "Thematic focus":
                header = cells
                _check_header(row, cells, columns)
                continue
            if header is None:
                raise row.error("a matrix row before any header row")
            _load_row(ctx, row, line, cells, header, columns, annex10_themes)
        except DataError as exc:
            ctx.errors.append(exc)


def _read_columns(ctx: BuildContext) -> dict[int, Row]:
    rows = read(ctx.data_dir, "annex10-columns.csv")
    columns: dict[int, Row] = {}
    for row in rows:
        try:
            position = int(row["position"])
            ctx.mechanism(row, row["mechanism"], "mechanism")
            if position in columns:
                raise row.error(f"duplicate position {position}")
            columns[position] = row
        except ValueError:
            ctx.errors.append(row.error(f"position {row['position']!r} is not a number"))
        except DataError as exc:
            ctx.errors.append(exc)
    return columns


def _check_header(row: Row, cells: list[str], columns: dict[int, Row]) -> None:
    labels = [c for c in cells[1:] if c]
    for position, label in enumerate(labels, 1):
        if position not in columns or columns[position]["label"] != label:
            raise row.error(f"header column {position} is {label!r}, annex10-columns.csv says "
                            f"{columns[position]['label'] if position in columns else 'nothing'!r}")


def _load_row(ctx: BuildContext, row: Row, line: int, cells: list[str], header: list[str],
              columns: dict[int, Row], themes: dict[str, str]) -> None:
    label = cells[0]
    if label not in themes:
        raise row.error(f"theme {label!r} is not in themes.csv (list annex10)")
    theme = ctx.ids.thing("theme", themes[label])
    values = cells[1:]
    width = len([c for c in header[1:] if c])
    # Trailing empty cells come from a trailing tab in the copy; they are not cells of the table.
    while values and values[-1] == "" and len(values) > width:
        values.pop()
    graph = ctx.record(row, "annex10", themes[label], "report", line, "Annex 10")
    misaligned = len(values) != width
    for position, value in enumerate(values, 1):
        if value not in (TICK, NO_TICK):
            raise row.error(f"cell {position} of {label!r} is {value!r}, expected {TICK!r} or {NO_TICK!r}")
        cell = ctx.ids.thing("annex10-cell", f"{themes[label]}/{position}")
        graph.add((cell, RDF.type, ISCM.ThemeMatrixCell))
        graph.add((cell, ISCM.cellTheme, theme))
        graph.add((cell, ISCM.cellColumn, Literal(position)))
        graph.add((cell, ISCM.cellValue, Literal(value)))
        graph.add((cell, ISCM.ticked, Literal(value == TICK, datatype=XSD.boolean)))
        graph.add((cell, PROV.wasDerivedFrom, ctx.locator(row, "report", line, "Annex 10")))
        column = columns.get(position)
        if column is None:
            graph.add((cell, RDFS.comment, Literal(
                f"This cell lies beyond the last column: the row {label!r} has {len(values)} cells for "
                f"{width} columns, so no cell of this row can be assigned to an ISCM with certainty.",
                lang="en")))
            continue
        mechanism = ctx.ids.thing("mechanism", column["mechanism"])
        graph.add((cell, ISCM.cellColumnLabel, Literal(column["label"])))
        graph.add((cell, ISCM.cellMechanism, mechanism))
        if misaligned:
            graph.add((cell, RDFS.comment, Literal(
                f"Row {label!r} has {len(values)} cells for {width} columns (report line {line}): the column "
                "is given by position only; a thematic focus is derived only where every reading of the row "
                "ticks it.", lang="en")))
        elif value == TICK:
            graph.add((mechanism, ISCM.thematicFocus, theme))
    if len(values) == width + 1:
        _every_reading(ctx, row, line, label, values, columns, theme, themes[label])


def _every_reading(ctx: BuildContext, row: Row, line: int, label: str, values: list[str], columns: dict[int, Row],
                   theme: URIRef, key: str) -> None:
    """A row with one cell too many can be read 30 ways (drop any one cell); column j then holds cell j or cell
    j+1. Where both are ticked, every reading ticks the ISCM: that focus is derived, in a graph of its own that
    says so."""
    graph_iri = ctx.ids.graph("annex10", f"{key}/every-reading")
    graph = ctx.record(row, "annex10", f"{key}/every-reading", "report", line, "Annex 10")
    prov = ctx.provenance
    prov.add((graph_iri, ISCM.everyReadingOfMisalignedRow, Literal(True)))
    prov.add((graph_iri, DCTERMS.description, Literal(
        f"Annex 10's row {label!r} has {len(values)} cells for {len(values) - 1} columns. Whichever cell is the "
        "extra one, these ISCMs are ticked: their thematic focus is derived from every reading of the row.",
        lang="en")))
    for position, column in sorted(columns.items()):
        if position < len(values) and values[position - 1] == TICK and values[position] == TICK:
            graph.add((ctx.ids.thing("mechanism", column["mechanism"]), ISCM.thematicFocus, theme))


