"""The state of one build: the dataset being written, the entities known so far, and the helpers that
turn a curated row into a named graph with its provenance."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef

from .errors import DataError
from .namespaces import DCTERMS, IDS, ISCM, PROV, RDF, Ids
from .paths import DATA
from .tables import Row

PARTY_KINDS = ("state", "org", "mech", "group")


@dataclass
class BuildContext:
    """Everything a loader needs; loaders add to `dataset` and register what they define."""

    data_dir: Path = DATA
    ids: Ids = field(default=IDS, init=False)  # the build mints IRIs under the default base (iris.py)
    dataset: Dataset = field(default_factory=lambda: Dataset(default_union=False))
    errors: list[DataError] = field(default_factory=list)
    documents: dict[str, Row] = field(default_factory=dict)
    source_lines: dict[str, list[str]] = field(default_factory=dict)
    mechanisms: dict[str, Row] = field(default_factory=dict)
    organizations: dict[str, Row] = field(default_factory=dict)
    countries: dict[str, Row] = field(default_factory=dict)  # every country the identifiers table knows
    used_countries: dict[str, str] = field(default_factory=dict)  # iso3 -> first place it is referenced
    groups: dict[str, str] = field(default_factory=dict)
    # country key -> (its cow-iso.csv row, its cow-states.csv row): the COW State it corresponds to
    cow: dict[str, tuple[Row, Row]] = field(default_factory=dict)
    events: set[str] = field(default_factory=set)  # keys of events.csv (a meeting of a series, the survey)
    # country key -> (name as a source prints it, the row that quotes it, document, line)
    printed_names: dict[str, list[tuple[str, Row, str, int]]] = field(default_factory=dict)
    concepts: dict[str, set[str]] = field(default_factory=dict)  # scheme -> keys

    # --- graphs and provenance -------------------------------------------------------------------

    @property
    def provenance(self) -> Graph:
        return self.dataset.graph(self.ids.graph("provenance"))

    def record(self, row: Row, table: str, key: str, source: str | None = None, line: int | None = None,
               section: str = "", quote: str = "") -> Graph:
        """A named graph for one curated record, described in the provenance graph:
        where the facts come from (document, line, section, quote) and which data row made them."""
        graph_iri = self.ids.graph(table, key)
        graph = self.dataset.graph(graph_iri)
        prov = self.provenance
        prov.add((graph_iri, RDF.type, ISCM.FactGraph))
        prov.add((graph_iri, ISCM.dataFile, Literal(self.where(row))))
        if source:
            prov.add((graph_iri, PROV.wasDerivedFrom, self.locator(row, source, line, section)))
        if quote:
            prov.add((graph_iri, ISCM.quote, Literal(quote, lang="en")))
        return graph

    def locator(self, row: Row, source: str, line: int | None, section: str = "") -> URIRef:
        """The IRI of a place in a source document (document + line), checked against the documents."""
        if source not in self.documents:
            raise row.error(f"unknown source document {source!r}; known: {', '.join(sorted(self.documents))}")
        lines = self.source_lines.get(source)
        if line is None:
            iri = self.ids.thing("document", source)
            return iri
        if lines is not None and not 1 <= line <= len(lines):
            raise row.error(f"line {line} is outside {source} (1-{len(lines)})")
        iri = self.ids.thing("locator", f"{source}/{line}")
        prov = self.provenance
        prov.add((iri, RDF.type, ISCM.SourceLocator))
        prov.add((iri, DCTERMS.isPartOf, self.ids.thing("document", source)))
        prov.add((iri, ISCM.line, Literal(line)))
        if section:
            prov.add((iri, ISCM.section, Literal(section)))
        return iri

    def check_quote(self, row: Row, source: str, line: int, quote: str) -> None:
        lines = self.source_lines.get(source)
        if quote and lines is not None and quote not in lines[line - 1]:
            raise row.error(f"quote {quote!r} is not on line {line} of {source}")

    def source_line(self, row: Row, source_col: str = "source", line_col: str = "line") -> tuple[str, int | None]:
        source = row[source_col]
        if not source:
            raise row.error(f"empty {source_col}: every row needs its source")
        raw = row[line_col]
        if not raw:
            if self.source_lines.get(source) is not None:
                raise row.error(f"empty {line_col}: give the line in {source}")
            return source, None
        try:
            return source, int(raw)
        except ValueError:
            raise row.error(f"{line_col} {raw!r} is not a line number") from None

    # --- references ------------------------------------------------------------------------------

    def party(self, row: Row, ref: str, column: str) -> URIRef:
        """Resolve `state:ESP`, `org:iom`, `mech:bali` or `group:key` to the entity's IRI."""
        kind, _, key = ref.partition(":")
        if kind not in PARTY_KINDS or not key:
            raise row.error(f"{column} {ref!r} is not a party reference (state:ISO3, org:key, mech:key)")
        if kind == "state":
            return self.country(row, key, column)
        if kind == "org":
            if key not in self.organizations:
                raise row.error(f"{column}: unknown organization {key!r} (not in organizations.csv)")
            return self.ids.thing("organization", key)
        if kind == "mech":
            return self.mechanism(row, key, column)
        if key not in self.groups:
            raise row.error(f"{column}: unknown group of States {key!r}")
        return self.ids.thing("group", key)

    def subject(self, row: Row, ref: str, column: str) -> URIRef:
        """What a name or a statement can be about: a party reference or `event:key` (one meeting, the survey)."""
        kind, _, key = ref.partition(":")
        if kind != "event":
            return self.party(row, ref, column)
        if key not in self.events:
            raise row.error(f"{column}: unknown event {key!r} (not in events.csv)")
        return self.ids.thing("event", key)

    def mechanism(self, row: Row, key: str, column: str) -> URIRef:
        if key not in self.mechanisms:
            raise row.error(f"{column}: unknown mechanism {key!r} (not in mechanisms.csv)")
        return self.ids.thing("mechanism", key)

    def country(self, row: Row, iso3: str, column: str) -> URIRef:
        if iso3 not in self.countries:
            raise row.error(f"{column}: unknown country code {iso3!r} (not an ISO 3166-1 alpha-3 code "
                            "in country-identifiers.csv)")
        self.used_countries.setdefault(iso3, self.where(row))
        return self.ids.thing("state", iso3)

    def concept(self, row: Row, scheme: str, key: str, column: str) -> URIRef:
        known = self.concepts.get(scheme, set())
        if key not in known:
            raise row.error(f"{column}: {key!r} is not in the {scheme} vocabulary "
                            f"(known: {', '.join(sorted(known)) or 'none'})")
        return self.ids.thing(scheme, key)

    def where(self, row: Row) -> str:
        """data/<file>:<line> of a row, relative to the data directory (stable across machines)."""
        try:
            rel = row.path.resolve().relative_to(self.data_dir.resolve())
        except ValueError:
            rel = Path(row.path.name)
        return f"data/{rel.as_posix()}:{row.line}"

    def collect(self, fn: Callable[[Row], None], rows: list[Row]) -> None:
        """Run fn on every row, keeping every DataError so one build reports them all."""
        for row in rows:
            try:
                fn(row)
            except DataError as exc:
                self.errors.append(exc)

