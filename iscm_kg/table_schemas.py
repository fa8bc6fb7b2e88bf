"""The curated tables of data/: for each, what one row is and its columns (required, optional, what they hold).

The loaders read every table through :func:`read`, so these are the columns the build accepts; the "Tables" section
of data/README.md is generated from them (``python -m iscm_kg.table_schemas``; a test keeps the two equal)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .tables import Row, read_table


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str = ""


@dataclass(frozen=True)
class Table:
    file: str
    row: str  # what one row is
    required: tuple[Column, ...]
    optional: tuple[Column, ...] = field(default=())
    key: str | None = None  # a column whose values are unique and not empty


def _columns(*names: str | tuple[str, str] | Column) -> tuple[Column, ...]:
    return tuple(
        name if isinstance(name, Column) else Column(*name) if isinstance(name, tuple) else Column(name)
        for name in names
    )


# where the fact is stated: document, line, section, the words on the line (relation tables require a quote)
SOURCED = _columns("source", "line", "section", "quote")

TABLES: dict[str, Table] = {
    table.file: table
    for table in (
        Table(
            "documents.csv",
            "a source document",
            _columns("key", "title", "kind", "file", "publisher", "issued", "url"),
            _columns("identifier", "rights", "note"),
            key="key",
        ),
        Table(
            "mechanisms.csv",
            (
                "a mechanism: the 30 ISCMs of Annex 2 (every column, verbatim) and every other mechanism, forum or "
                "process the sources name"
            ),
            _columns(
                "key",
                "annex2_no",
                "name_as_printed",
                ("type", "`rcp`, `irf`, `global`, `other`"),
                "declared_member_count",
                "year_established",
                "establishment_note",
                ("status", "`active`, `dormant`, `completed`, `renamed`"),
                ("regions_text", "verbatim Annex 2 cell; list items separated by ` | `"),
                ("associated_text", "verbatim Annex 2 cell; list items separated by ` | `"),
                ("chair_text", "verbatim Annex 2 cell; list items separated by ` | `"),
                ("secretariat_text", "verbatim Annex 2 cell; list items separated by ` | `"),
                ("iom_role_text", "verbatim Annex 2 cell; list items separated by ` | `"),
                "successor_of",
                "description",
                "source",
                "line",
                "section",
            ),
            _columns("note"),
            key="key",
        ),
        Table(
            "names.csv",
            "one name of a mechanism, organization or event",
            _columns(
                ("entity", "`mech:…`/`org:…`/`event:…`"),
                "name",
                (
                    "kind",
                    (
                        "`pref`, `alt`, `acronym`: one per entity, `hidden` for misspellings and other spellings of "
                        "the acronym"
                    ),
                ),
                "source",
                "line",
            ),
            _columns("note", "quote", "section"),
            key=None,
        ),
        Table(
            "organizations.csv",
            "an organization",
            _columns(
                "key",
                "pref_label",
                "acronym",
                ("kind", "see `ontology/vocab.ttl`, scheme organization-kind"),
                "part_of",
                "source",
                "line",
            ),
            _columns("note"),
            key="key",
        ),
        Table(
            "annex2-regions.csv",
            "a region label used in Annex 2",
            _columns(
                ("label", "as printed"),
                "key",
                ("broader", "keys of the regions it falls under"),
                ("m49_close", "UN M49 codes it matches"),
                ("m49_related", "UN M49 codes it overlaps"),
                "source",
                "line",
            ),
            _columns("note"),
            key=None,
        ),
        Table(
            "roles.csv",
            (
                "one source's statement of a role a party holds in a mechanism, as the report or a summary states it "
                "(chair, co-chair, secretariat, IOM's roles, observers and members named in the text, partners, "
                "former members); rows for the same party, mechanism and role become one statement with a reference "
                "per row"
            ),
            _columns(
                "mechanism",
                "party",
                ("role", "scheme role in `ontology/vocab.ttl`"),
                "qualifier",
                "not_member_reason",
                "as_of",
                "source",
                "line",
                "section",
                "quote",
                (
                    "annex2_column",
                    (
                        "for Annex 2 rows: `regions`, `associated`, `chair`, `secretariat` or `iom-role`, the column "
                        "the quote is in; the build checks it"
                    ),
                ),
            ),
            _columns(
                ("frequency", "`regular`, `occasional`"),
                ("former_role", "a role key: an observer that became a member"),
                ("interpretation", "where the row reads the source beyond its words: how and why"),
                "note",
            ),
            key=None,
        ),
        Table(
            "memberships.csv",
            (
                "a member, observer, partner, participant or former member, from public pages (copied unchanged from "
                "the reference compilation; see `memberships-notes.md`); each row is a reference of the statement for"
                " its party, ISCM and role"
            ),
            _columns(
                "iscm",
                "party",
                "party_type",
                "iso3",
                "role",
                ("as_of", "a year or `undated`"),
                ("source", 'URL or "derived: …"'),
                "confidence",
                "note",
            ),
            _columns(),
            key=None,
        ),
        Table(
            "membership-bases.csv",
            "a list the reference list derives memberships from (the members of the AU, the EU, CELAC, ...)",
            _columns(
                "key",
                "label",
                "rule",
                (
                    "source_text",
                    "the `source` of memberships.csv up to its first `;`: every `derived:` row must match one",
                ),
            ),
            _columns(),
            key="key",
        ),
        Table(
            "membership-source-lines.csv",
            "a memberships.csv row with no web page: the line of the report or a summary that states it",
            _columns(("row", "line in memberships.csv"), "source", "line", "section", ("quote", "checked on the line")),
            _columns("note"),
            key=None,
        ),
        Table(
            "membership-parties.csv",
            (
                "maps a party name used in `memberships.csv` to its party: organizations, and a State whose ISO code "
                "in the list is another entity's (the SADR, listed as ESH)"
            ),
            _columns("party", ("ref", "`org:…`, `state:…`")),
            _columns("note"),
            key=None,
        ),
        Table(
            "events.csv",
            "an event: the 2019 survey, a meeting of the GRCP series",
            _columns("key", "label", "date", "place", "description", "source", "line"),
            _columns(("series", "the mechanism a meeting belongs to"), "note"),
            key="key",
        ),
        Table(
            "themes.csv",
            "a theme in a list of the report: the Annex 10 rows and the theme lists of chapter 1 and Table 1",
            _columns("list", "position", "key", "label", "emphasis", "source", "line"),
            _columns(
                (
                    "short_label",
                    "at most 32 characters, for a label longer than that; the same on every row of the key",
                ),
                "note",
                "quote",
                "section",
            ),
            key=None,
        ),
        Table(
            "annex10-columns.csv",
            "an Annex 10 column header",
            _columns("position", ("label", "as printed"), "mechanism", "source", "line"),
            _columns("note"),
            key=None,
        ),
        Table(
            "cooperations.csv",
            "a documented cooperation between mechanisms",
            _columns("key", "parties", "kind", "description", *SOURCED),
            _columns(
                ("acting_party", "for a one-way kind such as `attends-meetings-of`: the mechanism that acts"), "note"
            ),
            key="key",
        ),
        Table(
            "partnerships.csv",
            (
                "a partnership the report states in general terms (key partners of ISCMs in a region, organizations "
                "providing expertise, experts in a structure, co-organizers of an event at a mechanism, a programme "
                "mechanisms work through)"
            ),
            _columns(
                "key",
                ("kind", "scheme partnership-kind"),
                "partner",
                ("with", "mechanisms or structure; empty: ISCMs in general"),
                ("region", "a key of annex2-regions.csv"),
                "description",
                *SOURCED,
            ),
            _columns("note"),
            key="key",
        ),
        Table(
            "overlaps.csv",
            "a geographic overlap a source names",
            _columns("key", "parties", "region", *SOURCED),
            _columns("note"),
            key="key",
        ),
        Table(
            "structures.csv",
            "a structure of a mechanism",
            _columns("key", "mechanism", "kind", "label", "description", "provided_by", *SOURCED),
            _columns(("year", "established"), "note"),
            key="key",
        ),
        Table(
            "funding.csv",
            "a funding arrangement",
            _columns("key", "mechanism", "kind", "funder", "amount", "currency", "basis", "description", *SOURCED),
            _columns("note"),
            key="key",
        ),
        Table(
            "contributions.csv",
            "a contribution to migration governance, with its example",
            _columns("key", "mechanism", "level", "description", "involves", "year", *SOURCED),
            _columns("note"),
            key="key",
        ),
        Table(
            "statements.csv",
            "any other fact the sources state (a reported count, a focal-point role, a notable feature, a goal)",
            _columns(
                "key",
                "about",
                "topic",
                "value",
                ("datatype", "`integer`, `decimal`, `gYear`, `date` or `string` (default) of the value"),
                "text",
                *SOURCED,
            ),
            _columns("note"),
            key="key",
        ),
        Table(
            "survey.csv",
            "an entry of the survey and GRCP 8 lists (Annexes 6 and 7)",
            _columns(
                "event",
                ("list", "the annex list the entry is in"),
                "number",
                "listed_as",
                "party",
                "marker",
                "source",
                "line",
            ),
            _columns("note"),
            key=None,
        ),
        Table(
            "summaries.csv",
            "a one-page summary of an ISCM (a source document) and the mechanism it summarizes",
            _columns(("document", "a key of documents.csv"), "mechanism"),
            _columns("note"),
            key=None,
        ),
        Table(
            "discrepancies.csv",
            "a disagreement between sources or an anomaly in one",
            _columns("key", "about", "description", ("sources", "`report:1531 summary-igc:40`")),
            _columns("note"),
            key="key",
        ),
        Table(
            "vocabularies.csv",
            "a concept of an open list (cooperation, structure, funding and statement kinds)",
            _columns("scheme", "key", "label", "definition"),
            _columns(("short_label", "at most 32 characters, for a label longer than that"), "source", "line", "note"),
            key=None,
        ),
        Table(
            "states-without-iso.csv",
            "a State with no ISO 3166 code (the Sahrawi Arab Democratic Republic)",
            _columns(("key", "four capital letters, used as `state:KEY`"), "name", "wikidata", "source", "line"),
            _columns("note"),
            key=None,
        ),
        Table(
            "country-identifiers.csv",
            "ISO codes, Wikidata item and coordinates of a country or territory (ODbL, see `country-identifiers.md`)",
            _columns("iso3", "iso2", "numeric", "name", "wikidata", "region", "subregion", "latitude", "longitude"),
            _columns(),
            key=None,
        ),
        Table(
            "cow-states.csv",
            (
                "a State of the Correlates of War State System Membership List, v2016 (copied unchanged, see "
                "`cow-states.md`)"
            ),
            _columns(("StateAbb", "COW abbreviation"), ("CCode", "COW numeric code"), ("StateNme", "COW name")),
            _columns(),
            key="CCode",
        ),
        Table(
            "cow-iso.csv",
            (
                "a COW State (cow-states.csv) and the current State it corresponds to, checked by hand; or one of "
                "our States that the COW list does not have (empty COW columns)"
            ),
            _columns(
                ("cow_abb", "StateAbb of cow-states.csv"),
                ("cow_code", "CCode of cow-states.csv"),
                ("cow_name", "StateNme of cow-states.csv"),
                (
                    "iso3",
                    (
                        "ISO 3166-1 alpha-3 of the current State (`XKX` for Kosovo, or a key of "
                        "states-without-iso.csv); empty for a historical State with no current one"
                    ),
                ),
                ("note", "why, for every match that is not obvious and every row with an empty side"),
            ),
            _columns(),
            key=None,
        ),
    )
}


def read(data_dir: Path, file: str) -> list[Row]:
    """The rows of a table of data/ (refused with file:line when a column is missing or unknown)."""
    table = TABLES[file]
    return read_table(
        data_dir / file, [c.name for c in table.required], [c.name for c in table.optional], key=table.key
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|")  # a pipe would end the Markdown table cell


def markdown() -> str:
    """The "Tables" section of data/README.md."""
    lines = ["| file | one row is | columns (optional ones in italics) |", "|---|---|---|"]
    for table in TABLES.values():
        cells = [f"{c.name} ({_cell(c.meaning)})" if c.meaning else c.name for c in table.required]
        cells += [f"*{c.name}* ({_cell(c.meaning)})" if c.meaning else f"*{c.name}*" for c in table.optional]
        lines.append(f"| `{table.file}` | {table.row} | {', '.join(cells)} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
