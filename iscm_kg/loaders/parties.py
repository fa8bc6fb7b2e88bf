"""States, territories, groups of States and organizations."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from rdflib import Literal

from ..context import BuildContext
from ..namespaces import ISCM, ORG, PROV, RDF, RDFS, SKOS, WD, XSD
from ..table_schemas import read
from .common import add_text, note, sourced_record

# Parties recorded as one row for a whole set of States (memberships.csv, GFMD).
GROUPS = {
    "un-member-and-observer-states": "All UN Member States and UN Observer States",
}


def load_country_identifiers(ctx: BuildContext) -> None:
    rows = read(ctx.data_dir, "country-identifiers.csv")
    for row in rows:
        ctx.countries[row["iso3"]] = row
    ctx.groups.update(GROUPS)
    # States that have no ISO 3166 code (the SADR), under a key of four capital letters: never an ISO code
    for row in read(ctx.data_dir, "states-without-iso.csv"):
        if not (row["key"].isalpha() and row["key"].isupper() and len(row["key"]) == 4):
            ctx.errors.append(row.error(f"key {row['key']!r}: four capital letters (ISO codes have three)"))
        elif row["key"] in ctx.countries:
            ctx.errors.append(row.error(f"key {row['key']!r} is used twice"))
        ctx.countries[row["key"]] = row
    _load_cow(ctx)


def _load_cow(ctx: BuildContext) -> None:
    """The Correlates of War State each of our States corresponds to (cow-iso.csv, checked by hand), checked
    against the COW list (cow-states.csv): the same code, abbreviation and name, no COW State and no State twice,
    and a note wherever one side is empty."""
    cow = {row["CCode"]: row for row in read(ctx.data_dir, "cow-states.csv")}
    mapped_codes: set[str] = set()
    mapped_states: set[str] = set()

    def load(row) -> None:
        code, iso3 = row["cow_code"], row["iso3"]
        if code:
            listed = cow.get(code)
            if listed is None:
                raise row.error(f"cow_code {code!r} is not in cow-states.csv")
            if (row["cow_abb"], row["cow_name"]) != (listed["StateAbb"], listed["StateNme"]):
                raise row.error(f"cow_abb/cow_name {row['cow_abb']!r}/{row['cow_name']!r}: cow-states.csv:"
                                f"{listed.line} has {listed['StateAbb']!r}/{listed['StateNme']!r} for {code}")
            if code in mapped_codes:
                raise row.error(f"cow_code {code} is listed twice")
            mapped_codes.add(code)
        elif row["cow_abb"] or row["cow_name"]:
            raise row.error("cow_abb or cow_name without a cow_code")
        if not (code and iso3) and not row["note"]:
            raise row.error("a row with no COW State or no current State needs a note saying why")
        if not iso3:
            return
        if iso3 not in ctx.countries:
            raise row.error(f"iso3: unknown country code {iso3!r} (not in country-identifiers.csv or "
                            "states-without-iso.csv)")
        if iso3 in mapped_states:
            raise row.error(f"iso3 {iso3} is listed twice")
        mapped_states.add(iso3)
        if code:
            ctx.cow[iso3] = (row, cow[code])

    ctx.collect(load, read(ctx.data_dir, "cow-iso.csv"))
    for code in sorted(set(cow) - mapped_codes, key=int):
        ctx.errors.append(cow[code].error(f"COW State {code} is not in cow-iso.csv (give it a row, even with "
                                          "an empty iso3)"))


def emit_countries(ctx: BuildContext, names: dict[str, set[str]]) -> None:
    """Every country or territory referenced anywhere, with its codes, UN M49 region (from the
    hdx-python-country package, offline) and Wikidata item. `names` holds the names the sources use."""
    from hdx.location.country import Country

    Country.set_use_live_default(False)
    m49 = ctx.dataset.graph(ctx.ids.graph("m49"))
    m49_scheme = ctx.ids.scheme("m49")
    m49.add((m49_scheme, RDF.type, SKOS.ConceptScheme))
    m49.add((m49_scheme, SKOS.prefLabel, Literal("UN M49 regions and sub-regions", lang="en")))
    m49.add((m49_scheme, RDFS.label, Literal("UN M49 regions and sub-regions", lang="en")))
    ctx.provenance.add((ctx.ids.graph("m49"), PROV.wasDerivedFrom, ctx.ids.thing("document", "hdx-country")))
    for iso3 in sorted(ctx.used_countries):
        row = ctx.countries[iso3]
        if "iso2" not in row.cells:
            _state_without_iso(ctx, iso3, row, names)
            continue
        info = Country.get_country_info_from_iso3(iso3) or {}
        graph = ctx.record(row, "countries", iso3, "country-identifiers", row.line)
        ctx.provenance.add((ctx.ids.graph("countries", iso3), PROV.wasDerivedFrom,
                            ctx.ids.thing("document", "hdx-country")))
        iri = ctx.ids.thing("state", iso3)
        independent = info.get("Independent")
        graph.add((iri, RDF.type, ISCM.Territory if independent == "N" else ISCM.State))
        label = info.get("Preferred Term") or row["name"]
        graph.add((iri, SKOS.prefLabel, Literal(label, lang="en")))
        graph.add((iri, RDFS.label, Literal(label, lang="en")))
        alternatives = {row["name"], info.get("ISO Alt Term") or "", info.get("M49 English") or ""}
        alternatives |= names.get(iso3, set())
        for alt in sorted(a for a in alternatives if a and a != label):
            graph.add((iri, SKOS.altLabel, Literal(alt, lang="en")))
        _printed_names(ctx, iso3, iri, label)
        graph.add((iri, ISCM.iso3166Alpha3, Literal(iso3)))
        graph.add((iri, ISCM.iso3166Alpha2, Literal(row["iso2"])))
        graph.add((iri, ISCM.iso3166Numeric, Literal(row["numeric"])))
        _cow_code(ctx, iso3, iri)
        if row["wikidata"]:
            graph.add((iri, SKOS.exactMatch, WD[row["wikidata"]]))
        for column, prop in (("latitude", ISCM.latitude), ("longitude", ISCM.longitude)):
            try:
                graph.add((iri, prop, Literal(Decimal(row[column]).quantize(Decimal("0.0001")),
                                              datatype=XSD.decimal)))
            except InvalidOperation:
                pass
        if info:
            graph.add((iri, ISCM.m49Code, Literal(info["m49 numerical code"].zfill(3))))
            region = _m49_concept(ctx, m49, info.get("Region Code"), info.get("Region Name"), None)
            sub = _m49_concept(ctx, m49, info.get("Sub-region Code"), info.get("Sub-region Name"), region)
            if region:
                graph.add((iri, ISCM.m49Region, region))
            if sub:
                graph.add((iri, ISCM.m49SubRegion, sub))
        else:
            graph.add((iri, RDFS.comment, Literal(
                f"{iso3} is not in the UN M49 taxonomy of hdx-python-country, so it has no M49 region here.",
                lang="en")))


def _cow_code(ctx: BuildContext, iso3: str, iri) -> None:
    """The Correlates of War code and abbreviation of a State, in a graph of its own: the line of the COW list
    that gives them, and the row of cow-iso.csv that maps them (a curation decision)."""
    if iso3 not in ctx.cow:
        return
    row, listed = ctx.cow[iso3]
    graph = ctx.record(row, "cow", iso3, "cow-states", listed.line)
    ctx.provenance.add((ctx.ids.graph("cow", iso3), PROV.wasDerivedFrom, ctx.ids.thing("document", "curation")))
    graph.add((iri, ISCM.cowCode, Literal(int(listed["CCode"]), datatype=XSD.integer)))
    graph.add((iri, ISCM.cowAbbreviation, Literal(listed["StateAbb"])))


def _printed_names(ctx: BuildContext, key: str, iri, label: str) -> None:
    """A name the report prints for a country that differs from its preferred name ("Turkey" for Türkiye): an
    alternative name in a graph of its own, sourced to the line that prints it."""
    for name, row, source, line in ctx.printed_names.get(key, []):
        if name == label:
            continue
        graph = ctx.record(row, "names", f"state-{key}/printed-{source}-{line}", source, line, quote=name)
        graph.add((iri, SKOS.altLabel, Literal(name, lang="en")))


def _state_without_iso(ctx: BuildContext, key: str, row, names: dict[str, set[str]]) -> None:
    """A State with no ISO 3166 code (states-without-iso.csv): its name, Wikidata item and why it has no code."""
    source, line = ctx.source_line(row)
    graph = ctx.record(row, "countries", key, source, line)
    iri = ctx.ids.thing("state", key)
    graph.add((iri, RDF.type, ISCM.State))
    graph.add((iri, ISCM.withoutIsoCode, Literal(True)))
    add_text(graph, iri, SKOS.prefLabel, row["name"])
    add_text(graph, iri, RDFS.label, row["name"])
    for alt in sorted(names.get(key, set()) - {row["name"]}):
        graph.add((iri, SKOS.altLabel, Literal(alt, lang="en")))
    graph.add((iri, SKOS.exactMatch, WD[row["wikidata"]]))
    _cow_code(ctx, key, iri)
    note(graph, iri, row)


def _m49_concept(ctx, graph, code, name, broader):
    if not code or not name:
        return None
    code = code.zfill(3)
    iri = ctx.ids.thing("m49", code)
    graph.add((iri, RDF.type, SKOS.Concept))
    graph.add((iri, SKOS.inScheme, ctx.ids.scheme("m49")))
    graph.add((iri, SKOS.notation, Literal(code)))
    graph.add((iri, SKOS.prefLabel, Literal(name, lang="en")))
    graph.add((iri, RDFS.label, Literal(name, lang="en")))
    if broader is not None:
        graph.add((iri, SKOS.broader, broader))
    else:
        graph.add((iri, SKOS.topConceptOf, ctx.ids.scheme("m49")))
    return iri


def emit_groups(ctx: BuildContext) -> None:
    for key, label in ctx.groups.items():
        graph = ctx.dataset.graph(ctx.ids.graph("groups", key))
        ctx.provenance.add((ctx.ids.graph("groups", key), PROV.wasDerivedFrom,
                            ctx.ids.thing("document", "memberships")))
        iri = ctx.ids.thing("group", key)
        graph.add((iri, RDF.type, ISCM.StateGroup))
        graph.add((iri, SKOS.prefLabel, Literal(label, lang="en")))
        graph.add((iri, RDFS.label, Literal(label, lang="en")))


def load_organizations(ctx: BuildContext) -> None:
    rows = read(ctx.data_dir, "organizations.csv")
    for row in rows:
        ctx.organizations[row["key"]] = row

    def load(row) -> None:
        iri = ctx.ids.thing("organization", row["key"])
        graph = sourced_record(ctx, row, "organizations", row["key"])
        if not row["pref_label"]:
            raise row.error("empty pref_label")
        graph.add((iri, RDF.type, ISCM.Organization))
        add_text(graph, iri, SKOS.prefLabel, row["pref_label"])
        add_text(graph, iri, RDFS.label, row["pref_label"])
        add_text(graph, iri, ISCM.acronym, row["acronym"])
        graph.add((iri, ORG.classification, ctx.concept(row, "organization-kind", row["kind"], "kind")))
        if row["part_of"]:
            if row["part_of"] not in ctx.organizations:
                raise row.error(f"part_of: unknown organization {row['part_of']!r}")
            graph.add((iri, ORG.subOrganizationOf, ctx.ids.thing("organization", row["part_of"])))
        note(graph, iri, row)

    ctx.collect(load, rows)
