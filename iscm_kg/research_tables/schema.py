"""What each research table is, column by column, and its CSV on the Web (CSVW) metadata
(https://www.w3.org/TR/tabular-metadata/): a TableGroup whose tables have a title, a description (what a row is),
columns with name, title, datatype, whether required, the ontology term a column maps to (propertyUrl), primary
and foreign keys, sources, licence and citation. The codebook is made from this metadata only."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import attribution, iris
from .derive import COW_CODES, ROLE_CODES, column_name
from .read import LIST

YEAR = {"base": "gYear"}  # a date type takes no regular expression as its format (CSVW)
IRIS = "anyURI"


def one_of(*values: str) -> dict:
    return {"base": "string", "format": "|".join(values)}


@dataclass(frozen=True)
class Column:
    name: str
    datatype: str | dict
    description: str
    required: bool = False
    property: str = ""  # a prefixed name of iris.prefixes(): the term the column's values are the objects of
    separator: str | None = None  # list-valued cells
    value_url: str = ""  # URI templates (CSVW): the thing a key names, the subject of the cell ({base}: the base)
    about_url: str = ""


@dataclass(frozen=True)
class Table:
    name: str  # the file is {name}.csv
    title: str
    description: str  # what one row is
    columns: list[Column]
    primary_key: list[str]
    foreign_keys: dict[str, str] = field(default_factory=dict)  # column -> table (its primary key)
    sources: list[str] = field(default_factory=list)  # things the table is derived from, as kind/key under id/
    citation: str = ""
    about_url: str = ""  # what a row is about (a URI template)


SOURCE = Column("source", IRIS, "Where the row's facts come from: the source locators (a line of a document: "
                "dereference one, or see its document, line and section in the graph) or source documents.",
                required=True, separator=LIST)
REFERENCE, LOCATOR = "{+reference}", "{+source}"  # the columns a source adds are about its reference, its locator
COW_NOTE = (" COW codes and abbreviations from the Correlates of War Project's State System Membership List, v2016 "
            f"({attribution.COW_PAGE}), mapped to ISO 3166 by hand (data/cow-iso.csv).")

ISCMS = Table(
    "iscms", "ISCMs",
    "One row per inter-State consultation mechanism on migration (ISCM): the 30 ISCMs of the report's Annex 2 and the "
    "global processes the report names.",
    [Column("key", "string", "The ISCM's key (the end of its IRI); the other tables name ISCMs by it.", True),
     Column("iri", IRIS, "The ISCM's IRI (dereferenceable).", True),
     Column("annex2", {"base": "integer", "minimum": 1, "maximum": 30}, "Its number in Annex 2 of the report "
            "(empty: not in Annex 2).", property="iscm:annex2Number"),
     Column("name", "string", "Its name (preferred label).", True, "skos:prefLabel"),
     Column("short_label", "string", "A short name for tables and figures.", property="iscm:shortLabel"),
     Column("acronym", "string", "Its acronym, where the sources use one.", property="iscm:acronym"),
     Column("type", one_of("rcp", "irf", "global"), "rcp: regional consultative process; irf: interregional "
            "forum; global: global process (the class of its IRI).", True),
     Column("regions", "string", "The regions it covers, as Annex 2 prints them.", separator=LIST),
     Column("established", YEAR, "The year it was established.", property="iscm:yearEstablished"),
     Column("status", one_of("active", "dormant", "completed", "renamed"), "Whether it is active, as the sources "
            "say.", property="iscm:status", value_url="{base}id/status/{status}"),
     Column("members", {"base": "integer", "minimum": 0}, "Its member States and territories by any source "
            "(memberships.csv, role member): the 1s of its column of state-iscm-matrix.csv.", True),
     Column("annex2_members", {"base": "integer", "minimum": 0}, "The number of member States Annex 2 declares.",
            property="iscm:declaredMemberCount"),
     Column("secretariat", "string", "The parties providing its secretariat (any secretariat role of "
            "memberships.csv).", separator=LIST),
     SOURCE],
    ["key"], sources=["document/report"], about_url="{+iri}")

STATES = Table(
    "states", "States and territories",
    "One row per State or territory of the dataset, with its identifiers: ISO 3166, UN M49, Correlates of War (COW) "
    "and Wikidata." + COW_NOTE,
    [Column("key", "string", "The key of the State or territory (the end of its IRI): its ISO 3166-1 alpha-3 code "
            "(XKX for Kosovo), or SADR for the Sahrawi Arab Democratic Republic, which has none.", True),
     Column("iri", IRIS, "Its IRI (dereferenceable).", True),
     Column("name", "string", "Its English name.", True, "skos:prefLabel"),
     Column("kind", one_of("state", "territory"), "state or territory (the class of its IRI).", True),
     Column("iso3", {"base": "string", "format": "[A-Z]{3}"}, "ISO 3166-1 alpha-3 code.",
            property="iscm:iso3166Alpha3"),
     Column("iso2", {"base": "string", "format": "[A-Z]{2}"}, "ISO 3166-1 alpha-2 code.",
            property="iscm:iso3166Alpha2"),
     Column("m49", {"base": "string", "format": "[0-9]{3}"}, "UN M49 code (three digits, leading zeros kept).",
            property="iscm:m49Code"),
     Column("m49_region", "string", "UN M49 region."),
     Column("m49_subregion", "string", "UN M49 sub-region."),
     Column("cow_code", {"base": "integer", "minimum": 2, "maximum": 999}, "Correlates of War State code (CCode; "
            "empty: not in the COW list: the territories, the Cook Islands, Niue, Palestine and the Sahrawi Arab "
            "Democratic Republic).", property="iscm:cowCode"),
     Column("cow_abb", {"base": "string", "format": "[A-Z]{3}"}, "Correlates of War State abbreviation (StateAbb).",
            property="iscm:cowAbbreviation"),
     Column("wikidata", {"base": "string", "format": "Q[0-9]+"}, "Its Wikidata item.", True, "skos:exactMatch",
            value_url="http://www.wikidata.org/entity/{wikidata}"),
     SOURCE,
     Column("cow_source", IRIS, "Where the COW code and abbreviation come from: the line of the COW list and the "
            "curators' mapping (data/cow-iso.csv).", separator=LIST)],
    ["key"], sources=["document/cow-states", "document/hdx-country"], about_url="{+iri}",
    citation="COW codes: " + attribution.COW_CITATION + " " + attribution.RIGHTS)

MEMBERSHIPS = Table(
    "memberships", "Memberships and other roles",
    "One row per membership statement (party x ISCM x role) and source stating it (a reference): a statement two "
    "sources state has two rows. Roles: member, observer, partner, participant, former member, chairs, "
    "secretariats, IOM's roles and the other roles of the role scheme.",
    [Column("reference", IRIS, "The reference: this source's support for the statement.", True),
     Column("statement", IRIS, "The statement (org:Membership).", True),
     Column("party", IRIS, "The State, territory, organization or group of States holding the role.", True,
            "org:member", value_url="{+party}"),
     Column("party_kind", one_of("state", "territory", "organization", "group"), "What the party is.", True),
     Column("party_name", "string", "The party's name.", True),
     Column("state", "string", "The party's key in states.csv when it is a State or territory (else empty)."),
     Column("iscm", "string", "The ISCM's key in iscms.csv.", True, "org:organization",
            value_url="{base}id/mechanism/{iscm}"),
     Column("role", "string", "The role's key (see the COW status codes of state-iscm-matrix.csv for how roles "
            "map to them).", True, "org:role", value_url="{base}id/role/{role}"),
     Column("rank", one_of("normal", "preferred", "deprecated"), "The statement's rank: normal, or preferred / "
            "deprecated where sources disagree.", True, "iscm:rank", value_url="{base}id/rank/{rank}"),
     Column("as_of", YEAR, "The year the source describes (empty: undated, or not stated).", property="iscm:asOf",
            about_url=REFERENCE),
     Column("undated", "boolean", "true when the source (a web page) gives no date.", True, "iscm:undated",
            about_url=REFERENCE),
     Column("confidence", one_of("high", "medium", "low"), "How sure the compiler of the list is (empty: not "
            "rated).", property="iscm:confidence", value_url="{base}id/confidence/{confidence}", about_url=REFERENCE),
     Column("qualifier", "string", "What the source adds to the role (e.g. a kind of observer).",
            property="iscm:qualifier", about_url=REFERENCE),
     Column("note", "string", "The note on this source's support.", property="rdfs:comment", about_url=REFERENCE),
     Column("source", IRIS, "The source locator: a line of a source document.", True, "prov:entity",
            value_url="{+source}", about_url=REFERENCE),
     Column("source_document", "string", "The source document's key: memberships (the list compiled from public "
            "pages, line = its line in data/memberships.csv), report (IOM's 2019 assessment report), a summary-*.",
            True, "dct:isPartOf", value_url="{base}id/document/{source_document}", about_url=LOCATOR),
     Column("source_line", {"base": "integer", "minimum": 1}, "The line in the document's text copy.", True,
            "iscm:line", about_url=LOCATOR),
     Column("source_section", "string", "The section of the document.", property="iscm:section", about_url=LOCATOR),
     Column("source_url", IRIS, "The web pages the row cites; for a row of the list without one, the locator of "
            "the report or summary line that states it.", separator=LIST, property="dct:source",
            value_url="{+source_url}", about_url=LOCATOR)],
    ["reference"], {"iscm": "iscms", "state": "states"}, ["document/memberships", "document/report"],
    about_url="{+statement}")

MATRIX_DESCRIPTION = (
    "One row per State or territory, a column per ISCM (named by its key, with _ for -): the State's membership "
    "status in the ISCM as the Correlates of War IGO data codes it (0 none, 1 full member, 2 associate member, "
    "3 observer), from the statements of memberships.csv, every source and year together (not a panel: the years "
    "the sources describe are in memberships.csv, as_of).")
DYADS = Table(
    "dyads", "State pairs sharing ISCMs",
    "One row per pair of States or territories (state_a < state_b) that are both full members of at least one "
    "ISCM, as COW counts joint membership (full members only): the number of ISCMs they share and which.",
    [Column("state_a", "string", "The first State's key.", True),
     Column("state_b", "string", "The second State's key.", True),
     Column("cow_code_a", "integer", "The first State's COW code."),
     Column("cow_code_b", "integer", "The second State's COW code."),
     Column("shared", {"base": "integer", "minimum": 1}, "The number of ISCMs both are full members of.", True),
     Column("iscms", "string", "Those ISCMs (keys).", True, separator=LIST)],
    ["state_a", "state_b"], {"state_a": "states", "state_b": "states", "iscms": "iscms"}, ["document/memberships"])
OVERLAPS = Table(
    "iscm-overlaps", "ISCM pairs sharing members",
    "One row per pair of ISCMs (iscm_a < iscm_b) sharing at least one full member (State or territory): the "
    "counts, the Jaccard index and the overlap coefficient (as dist/networks/top_overlaps.csv has them).",
    [Column("iscm_a", "string", "The first ISCM's key.", True),
     Column("iscm_b", "string", "The second ISCM's key.", True),
     Column("members_a", {"base": "integer", "minimum": 1}, "Full members of the first.", True),
     Column("members_b", {"base": "integer", "minimum": 1}, "Full members of the second.", True),
     Column("shared", {"base": "integer", "minimum": 1}, "Full members of both.", True),
     Column("jaccard", {"base": "decimal", "minimum": 0, "maximum": 1}, "shared / members of either (rounded to "
            "6 decimals).", True),
     Column("overlap_coefficient", {"base": "decimal", "minimum": 0, "maximum": 1}, "shared / the smaller "
            "membership (rounded to 6 decimals).", True),
     Column("shared_members", "string", "The shared members (keys of states.csv).", True, separator=LIST)],
    ["iscm_a", "iscm_b"], {"iscm_a": "iscms", "iscm_b": "iscms", "shared_members": "states"},
    ["document/memberships"])
THEMES = Table(
    "themes", "Thematic foci of the ISCMs",
    "One row per ISCM and theme it focuses on: the ticked cells of the report's Annex 10, with the report's other "
    "theme lists (chapter 1, Table 1) that name the theme.",
    [Column("iscm", "string", "The ISCM's key.", True),
     Column("theme", "string", "The theme's key: the ISCM's iscm:thematicFocus.", True, "iscm:thematicFocus",
            value_url="{base}id/theme/{theme}", about_url="{base}id/mechanism/{iscm}"),
     Column("theme_name", "string", "The theme's name.", True, "skos:prefLabel", about_url="{base}id/theme/{theme}"),
     Column("every_reading", "boolean", "true for the Annex 10 row with one cell too many ('Migration and "
            "development'): the focus holds on every reading of the row.", True),
     Column("theme_lists", "string", "The report's theme lists naming the theme (annex10, ch1-*: chapter 1, "
            "table1-*: Table 1).", True, separator=LIST),
     SOURCE],
    ["iscm", "theme"], {"iscm": "iscms"}, ["document/report"])


def matrix_table(iscms: list[dict]) -> Table:
    """The State x ISCM matrix: its ISCM columns are the rows of iscms.csv."""
    columns = [Column("state", "string", "The State's key in states.csv.", True),
               Column("cow_code", "integer", "Its COW code (as in states.csv)."),
               Column("cow_abb", "string", "Its COW abbreviation (as in states.csv)."),
               Column("name", "string", "Its name.", True)]
    columns += [Column(column_name(i["key"]), {"base": "integer", "minimum": 0, "maximum": 3},
                       f"COW status code in {i['name']}" + (f" ({i['acronym']})" if i["acronym"] else "") + ".", True)
                for i in iscms]
    return Table("state-iscm-matrix", "State x ISCM membership matrix (COW IGO style)", MATRIX_DESCRIPTION + COW_NOTE,
                 columns, ["state"], {"state": "states"}, ["document/memberships"],
                 "COW codes: " + attribution.COW_CITATION)


def tables(iscms: list[dict]) -> list[Table]:
    """Every table, in the order the metadata lists them."""
    return [ISCMS, STATES, MEMBERSHIPS, matrix_table(iscms), DYADS, OVERLAPS, THEMES]


def metadata(all_tables: list[Table], roles: list[dict[str, str]], base: str) -> dict:
    """The CSVW metadata of the table group, its IRIs under ``base``."""
    prefixes = iris.prefixes(base)
    ids = iris.Ids(base)
    by_name = {t.name: t for t in all_tables}

    def expand(name: str) -> str:
        prefix, _, local = name.partition(":")
        return prefixes[prefix] + local

    def column(c: Column) -> dict:
        out: dict = {"name": c.name, "titles": c.name, "datatype": c.datatype, "required": c.required,
                     "dc:description": c.description}
        if c.property:
            out["propertyUrl"] = expand(c.property)
        if c.separator:
            out["separator"] = c.separator
        for key, template in (("valueUrl", c.value_url), ("aboutUrl", c.about_url)):
            if template:
                out[key] = template.replace("{base}", base)
        return out

    def table(t: Table) -> dict:
        out: dict = {
            "url": f"{t.name}.csv", "dc:title": t.title, "dc:description": t.description,
            "dc:source": [{"@id": ids.thing(*s.split("/"))} for s in t.sources],
            "tableSchema": {"columns": [column(c) for c in t.columns], "primaryKey": t.primary_key,
                            "foreignKeys": [{"columnReference": col, "reference": {
                                "resource": f"{target}.csv", "columnReference": by_name[target].primary_key[0]}}
                                for col, target in t.foreign_keys.items()]},
        }
        if t.about_url:
            out["tableSchema"]["aboutUrl"] = t.about_url.replace("{base}", base)
        if t.citation:
            out["dc:bibliographicCitation"] = t.citation
        if t.name == "state-iscm-matrix":
            out["notes"] = [cow_codes(roles)]
        return out

    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "@type": "TableGroup",
        "dc:title": "ISCM knowledge graph: research tables",
        "dc:description": "Tidy tables of the ISCM knowledge graph for statistics and network tools, read from the "
                          "statements of the graph: ISCMs, States with their ISO, M49, COW and Wikidata identifiers, "
                          "memberships with their sources, a State x ISCM matrix and State and ISCM pairs in the "
                          "style of the Correlates of War IGO data, and thematic foci.",
        "dc:isPartOf": {"@id": ids.dataset()},
        "dc:license": {"@id": attribution.LICENSE},
        "dc:rights": attribution.RIGHTS,
        "dc:bibliographicCitation": "COW codes: " + attribution.COW_CITATION,
        "dc:source": [{"@id": ids.thing("document", "report")}, {"@id": attribution.COW_PAGE}],
        "tables": [table(t) for t in all_tables],
    }


def cow_codes(roles: list[dict[str, str]]) -> dict:
    """The COW status codes and the roles coded by each (the one table that maps our roles to them)."""
    by_code: dict[int, list[dict]] = {code: [] for code in COW_CODES}
    for role in roles:
        by_code[ROLE_CODES.get(role["key"], 0)].append(
            {"@id": role["iri"], "skos:notation": role["key"], "skos:prefLabel": role["label"]})
    return {
        "@type": "skos:ConceptScheme",
        "skos:prefLabel": "Correlates of War IGO membership status codes, and the roles coded by each",
        "skos:hasTopConcept": [{"skos:notation": code, "skos:prefLabel": label, "skos:definition": definition,
                                "skos:related": by_code[code]} for code, (label, definition) in COW_CODES.items()],
    }
