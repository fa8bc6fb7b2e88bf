"""Memberships and other roles, the Wikidata way: one org:Membership statement per (party, mechanism, role),
and one reference per source row that states it (the reference list, memberships.csv, and the roles the report
and summaries state, roles.csv).

A statement's core triples (type, member, organization, role, rank and the shortcut such as iscm:memberOf) are in
one named graph of their own, graph/statements/membership/{key}, whose provenance lists every supporting row; each
row's own named graph holds its reference and the links to it. So every triple is in exactly one graph, and even
a store whose default graph is a bag of the named graphs (Virtuoso) counts each statement once.
"""

from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef

from ..context import BuildContext
from ..errors import DataError
from ..namespaces import DCTERMS, ISCM, ORG, PROV, RDF, RDFS, SKOS
from ..table_schemas import read
from ..tables import Row
from .common import add_text, as_of, note, party_slug, slug, sourced_record

URL = re.compile(r"https?://[^\s;,)]+")
REFERENCE_ROLES = ("member", "observer", "partner", "participant", "former-member")
PARTY_TYPES = ("state", "territory", "organization", "state-group")
ANNEX2_CELLS = {"regions": "regions_text", "associated": "associated_text", "chair": "chair_text",
                "secretariat": "secretariat_text", "iom-role": "iom_role_text"}


class RoleProperties:
    """role key -> shortcut property, read from the vocabulary (org:roleProperty), never typed here."""

    def __init__(self, ctx: BuildContext, ontology: Graph) -> None:
        self.by_role: dict[str, URIRef] = {}
        base = str(ctx.ids.scheme("role"))
        for role, prop in ontology.subject_objects(ORG.roleProperty):
            self.by_role[str(role)[len(base):]] = prop

    def get(self, role: str) -> URIRef | None:
        return self.by_role.get(role)


def statement_key(mechanism: str, party_ref: str, role: str) -> str:
    """The key of the one statement of a (mechanism, party, role): id/membership/{mechanism}/{party}/{role}."""
    return f"{mechanism}/{party_slug(party_ref)}/{role}"


def statement(ctx: BuildContext, row: Row, key: str, party: URIRef, mechanism: URIRef, role: str,
              shortcuts: RoleProperties, source: str, line: int | None, section: str = "") -> URIRef:
    """The statement's core triples in its own graph, which cites this supporting row too; its IRI."""
    graph = ctx.record(row, "statements", f"membership/{key}", source, line, section)
    iri = ctx.ids.thing("membership", key)
    graph.add((iri, RDF.type, ORG.Membership))
    graph.add((iri, ORG.member, party))
    graph.add((iri, ORG.organization, mechanism))
    graph.add((iri, ORG.role, ctx.concept(row, "role", role, "role")))
    graph.add((iri, ISCM.rank, ctx.concept(row, "rank", "normal", "rank")))
    prop = shortcuts.get(role)
    if prop is not None:
        graph.add((party, prop, mechanism))
    return iri


def reference(graph: Graph, ctx: BuildContext, row: Row, statement_iri: URIRef, key: str, locator: URIRef) -> URIRef:
    """One source's support for a statement: the row's locator, year, confidence and note."""
    iri = ctx.ids.thing("reference", key)
    graph.add((statement_iri, PROV.wasDerivedFrom, locator))  # the unqualified shortcut (PROV-O)
    graph.add((statement_iri, PROV.qualifiedDerivation, iri))
    graph.add((iri, RDF.type, ISCM.Reference))
    graph.add((iri, PROV.entity, locator))
    year, undated = as_of(row)
    if year is not None:
        graph.add((iri, ISCM.asOf, year))
    if undated:
        graph.add((iri, ISCM.undated, Literal(True)))
    note(graph, iri, row)
    return iri


def read_party_map(ctx: BuildContext) -> dict[str, str]:
    rows = read(ctx.data_dir, "membership-parties.csv")
    mapping: dict[str, str] = {}
    for row in rows:
        if row["party"] in mapping:
            ctx.errors.append(row.error(f"duplicate party {row['party']!r}"))
        mapping[row["party"]] = row["ref"]
    return mapping


def read_bases(ctx: BuildContext) -> dict[str, URIRef]:
    """The lists memberships are derived from (membership-bases.csv), as nodes; by the text that names them in
    memberships.csv's source column."""
    by_text: dict[str, URIRef] = {}

    def load(row: Row) -> None:
        graph = ctx.record(row, "membership-bases", row["key"], "memberships", None)
        iri = ctx.ids.thing("membership-basis", row["key"])
        graph.add((iri, RDF.type, ISCM.MembershipBasis))
        add_text(graph, iri, RDFS.label, row["label"])
        add_text(graph, iri, ISCM.rule, row["rule"])
        for url in URL.findall(row["source_text"]):
            graph.add((iri, DCTERMS.source, URIRef(url.rstrip("."))))
        by_text[row["source_text"]] = iri

    ctx.collect(load, read(ctx.data_dir, "membership-bases.csv"))
    return by_text


def read_source_lines(ctx: BuildContext) -> dict[int, URIRef]:
    """memberships.csv rows with no web page: the place in a source document that states them (its quote checked
    on the line), by row."""
    found: dict[int, URIRef] = {}

    def load(row: Row) -> None:
        source, line = ctx.source_line(row)
        if line is None:
            raise row.error("give the line that states the membership")
        ctx.check_quote(row, source, line, row["quote"])
        found[int(row["row"])] = ctx.locator(row, source, line, row["section"])

    ctx.collect(load, read(ctx.data_dir, "membership-source-lines.csv"))
    return found


def load_memberships(ctx: BuildContext, shortcuts: RoleProperties, names: dict[str, set[str]]) -> None:
    rows = read(ctx.data_dir, "memberships.csv")
    party_map = read_party_map(ctx)
    bases = read_bases(ctx)
    stated_at = read_source_lines(ctx)
    seen: dict[str, int] = {}

    def load(row: Row) -> None:
        mechanism = ctx.mechanism(row, row["iscm"], "iscm")
        if row["party_type"] not in PARTY_TYPES:
            raise row.error(f"party_type {row['party_type']!r} is not one of {', '.join(PARTY_TYPES)}")
        if row["role"] not in REFERENCE_ROLES:
            raise row.error(f"role {row['role']!r} is not one of {', '.join(REFERENCE_ROLES)}")
        if row["iso3"] and row["party_type"] not in ("state", "territory"):
            raise row.error(f"iso3 given for a party of type {row['party_type']}")
        if row["party"] in party_map:  # first: it also corrects an ISO code used for another entity (the SADR)
            ref = party_map[row["party"]]
        elif row["iso3"]:
            ref = f"state:{row['iso3']}"
        else:
            raise row.error(f"party {row['party']!r} has no iso3 and is not in membership-parties.csv")
        party = ctx.party(row, ref, "party")
        if ref.startswith("state:"):
            names.setdefault(ref[6:], set()).add(row["party"])
            if row["iso3"] and ref != f"state:{row['iso3']}":
                ctx.provenance.add((ctx.locator(row, "memberships", row.line), RDFS.comment, Literal(
                    f"the reference list gives the ISO code {row['iso3']}, which is another entity's")))
        elif ref.startswith("org:") and row["party"] != ctx.organizations[ref[4:]]["pref_label"]:
            org_names.append((party, row["party"], row))
        key = statement_key(row["iscm"], ref, row["role"])
        if key in seen:
            raise row.error(f"duplicate membership {key} (first on line {seen[key]})")
        seen[key] = row.line
        if not row["as_of"]:
            raise row.error("empty as_of (a year, or 'undated')")
        graph = ctx.record(row, "memberships", key, "memberships", row.line)
        locator = ctx.locator(row, "memberships", row.line)
        prov = ctx.provenance
        for url in URL.findall(row["source"]):
            prov.add((locator, DCTERMS.source, URIRef(url.rstrip("."))))
        if row.line in stated_at:
            prov.add((locator, DCTERMS.source, stated_at.pop(row.line)))
        elif not URL.search(row["source"]):
            raise row.error("no web page in source: give the line that states it in membership-source-lines.csv")
        prov.add((locator, RDFS.comment, Literal(f"source: {row['source']}")))
        iri = statement(ctx, row, key, party, mechanism, row["role"], shortcuts, "memberships", row.line)
        ref_iri = reference(graph, ctx, row, iri, f"memberships/{key}", locator)
        graph.add((ref_iri, ISCM.confidence, ctx.concept(row, "confidence", row["confidence"], "confidence")))
        if row["source"].startswith("derived"):
            basis = bases.get(row["source"].split(";")[0])
            if basis is None:
                raise row.error("a derived membership needs its list in membership-bases.csv (source_text = the "
                                "source up to its first ';')")
            graph.add((ref_iri, ISCM.derivedFromList, basis))

    org_names: list[tuple[URIRef, str, Row]] = []
    ctx.collect(load, rows)
    for line in stated_at:
        ctx.errors.append(DataError(ctx.data_dir / "membership-source-lines.csv", None,
                                    f"row {line} is not a row of memberships.csv without a web page"))
    # Organization names as the reference list writes them ("European Union (EU)"): other names, sourced to
    # the first row that uses each.
    seen_names: set[tuple[URIRef, str]] = set()
    for party, name, row in org_names:
        if (party, name) in seen_names:
            continue
        seen_names.add((party, name))
        key = f"memberships/org-{str(party).rsplit('/', 1)[-1]}-{slug(name)}"
        graph = ctx.record(row, "names", key, "memberships", row.line)
        graph.add((party, SKOS.altLabel, Literal(name, lang="en")))


def load_roles(ctx: BuildContext, shortcuts: RoleProperties) -> None:
    rows = read(ctx.data_dir, "roles.csv")
    seen: dict[str, int] = {}

    def load(row: Row) -> None:
        mechanism = ctx.mechanism(row, row["mechanism"], "mechanism")
        party = ctx.party(row, row["party"], "party")
        source, line = ctx.source_line(row)
        key = statement_key(row["mechanism"], row["party"], row["role"])
        row_key = f"{key}/{source}-{line}"
        if row_key in seen:
            raise row.error(f"duplicate role {row_key} (first on line {seen[row_key]})")
        seen[row_key] = row.line
        column = annex2_column(ctx, row)
        graph = sourced_record(ctx, row, "roles", row_key)
        iri = statement(ctx, row, key, party, mechanism, row["role"], shortcuts, source, line, row["section"])
        ref_iri = reference(graph, ctx, row, iri, f"roles/{row_key}", ctx.locator(row, source, line, row["section"]))
        add_text(graph, ref_iri, ISCM.qualifier, row["qualifier"])
        add_text(graph, ref_iri, ISCM.notMemberReason, row["not_member_reason"])
        add_text(graph, ref_iri, ISCM.quote, row["quote"])
        if column is not None:
            graph.add((ref_iri, ISCM.annex2Column, column))
        if row["frequency"]:
            graph.add((ref_iri, ISCM.participationFrequency, ctx.concept(row, "frequency", row["frequency"],
                                                                          "frequency")))
        if row["former_role"]:
            graph.add((ref_iri, ISCM.formerRole, ctx.concept(row, "role", row["former_role"], "former_role")))
        if row["interpretation"]:
            graph.add((ref_iri, ISCM.readsBeyondWords, Literal(True)))
            add_text(graph, ref_iri, ISCM.interpretation, row["interpretation"])

    ctx.collect(load, rows)


def annex2_column(ctx: BuildContext, row: Row) -> URIRef | None:
    """The Annex 2 column a row reads (required for Annex 2 rows), checked: its quote is in that cell."""
    key = row["annex2_column"]
    if row["section"] != "Annex 2":
        if key:
            raise row.error("annex2_column is only for rows whose section is Annex 2")
        return None
    if key not in ANNEX2_CELLS:
        raise row.error(f"annex2_column {key!r} is not one of {', '.join(ANNEX2_CELLS)}")
    cell = ctx.mechanisms[row["mechanism"]][ANNEX2_CELLS[key]]
    if row["quote"] not in cell:
        raise row.error(f"quote {row['quote']!r} is not in the {key} cell of {row['mechanism']} in Annex 2")
    return ctx.concept(row, "annex2-column", key, "annex2_column")
