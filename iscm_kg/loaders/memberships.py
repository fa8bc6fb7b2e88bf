"""Memberships and other roles: the reference list of members/observers/partners (memberships.csv) and
the roles the report and summaries state (roles.csv), both as org:Membership nodes with the shortcut."""

from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef

from ..context import BuildContext
from ..namespaces import DCTERMS, ISCM, ORG, PROV, RDF, RDFS, SKOS
from ..tables import Row, read_table
from .common import add_text, as_of, note, party_slug, slug, sourced_record

URL = re.compile(r"https?://[^\s;,)]+")
REFERENCE_ROLES = ("member", "observer", "partner", "participant", "former-member")
PARTY_TYPES = ("state", "territory", "organization", "state-group")


class RoleProperties:
    """role key -> shortcut property, read from the vocabulary (org:roleProperty), never typed here."""

    def __init__(self, ctx: BuildContext, ontology: Graph) -> None:
        self.by_role: dict[str, URIRef] = {}
        base = str(ctx.ids.scheme("role"))
        for role, prop in ontology.subject_objects(ORG.roleProperty):
            self.by_role[str(role)[len(base):]] = prop

    def get(self, role: str) -> URIRef | None:
        return self.by_role.get(role)


def membership(graph: Graph, ctx: BuildContext, row: Row, iri: URIRef, party: URIRef, mechanism: URIRef,
               role: str, shortcuts: RoleProperties) -> None:
    graph.add((iri, RDF.type, ORG.Membership))
    graph.add((iri, ORG.member, party))
    graph.add((iri, ORG.organization, mechanism))
    graph.add((iri, ORG.role, ctx.concept(row, "role", role, "role")))
    prop = shortcuts.get(role)
    if prop is not None:
        graph.add((party, prop, mechanism))


def read_party_map(ctx: BuildContext) -> dict[str, str]:
    rows = read_table(ctx.data_dir / "membership-parties.csv", ["party", "ref"], ["note"])
    mapping: dict[str, str] = {}
    for row in rows:
        if row["party"] in mapping:
            ctx.errors.append(row.error(f"duplicate party {row['party']!r}"))
        mapping[row["party"]] = row["ref"]
    return mapping


def load_memberships(ctx: BuildContext, shortcuts: RoleProperties, names: dict[str, set[str]]) -> None:
    path = ctx.data_dir / "memberships.csv"
    rows = read_table(path, ["iscm", "party", "party_type", "iso3", "role", "as_of", "source", "confidence",
                             "note"])
    party_map = read_party_map(ctx)
    seen: dict[str, int] = {}

    def load(row: Row) -> None:
        mechanism = ctx.mechanism(row, row["iscm"], "iscm")
        if row["party_type"] not in PARTY_TYPES:
            raise row.error(f"party_type {row['party_type']!r} is not one of {', '.join(PARTY_TYPES)}")
        if row["role"] not in REFERENCE_ROLES:
            raise row.error(f"role {row['role']!r} is not one of {', '.join(REFERENCE_ROLES)}")
        if row["iso3"]:
            if row["party_type"] not in ("state", "territory"):
                raise row.error(f"iso3 given for a party of type {row['party_type']}")
            ref = f"state:{row['iso3']}"
        elif row["party"] in party_map:
            ref = party_map[row["party"]]
        else:
            raise row.error(f"party {row['party']!r} has no iso3 and is not in membership-parties.csv")
        party = ctx.party(row, ref, "party")
        if ref.startswith("state:"):
            names.setdefault(ref[6:], set()).add(row["party"])
        elif ref.startswith("org:") and row["party"] != ctx.organizations[ref[4:]]["pref_label"]:
            org_names.append((party, row["party"], row))
        key = f"{row['iscm']}/{party_slug(ref)}/{row['role']}"
        if key in seen:
            raise row.error(f"duplicate membership {key} (first on line {seen[key]})")
        seen[key] = row.line
        graph = ctx.record(row, "memberships", key, "memberships", row.line)
        locator = ctx.locator(row, "memberships", row.line)
        prov = ctx.provenance
        for url in URL.findall(row["source"]):
            prov.add((locator, DCTERMS.source, URIRef(url.rstrip("."))))
        prov.add((locator, RDFS.comment, Literal(f"source: {row['source']}")))
        iri = ctx.ids.thing("membership", key)
        membership(graph, ctx, row, iri, party, mechanism, row["role"], shortcuts)
        stamp = as_of(row)
        if stamp is None:
            raise row.error("empty as_of (a year, or 'undated')")
        graph.add((iri, ISCM.asOf, stamp))
        graph.add((iri, ISCM.confidence, ctx.concept(row, "confidence", row["confidence"], "confidence")))
        graph.add((iri, PROV.wasDerivedFrom, locator))
        add_text(graph, iri, RDFS.label, f"{row['party']}: {row['role']} of {row['iscm']}")
        note(graph, iri, row)

    org_names: list[tuple[URIRef, str, Row]] = []
    ctx.collect(load, rows)
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
    rows = read_table(ctx.data_dir / "roles.csv", ["mechanism", "party", "role", "qualifier", "not_member_reason",
                                                   "as_of", "source", "line", "section", "quote"], ["note"])
    seen: dict[str, int] = {}

    def load(row: Row) -> None:
        mechanism = ctx.mechanism(row, row["mechanism"], "mechanism")
        party = ctx.party(row, row["party"], "party")
        source, line = ctx.source_line(row)
        key = f"{row['mechanism']}/{party_slug(row['party'])}/{row['role']}/{source}-{line}"
        if key in seen:
            raise row.error(f"duplicate role {key} (first on line {seen[key]})")
        seen[key] = row.line
        graph = sourced_record(ctx, row, "roles", key)
        iri = ctx.ids.thing("membership", key)
        membership(graph, ctx, row, iri, party, mechanism, row["role"], shortcuts)
        add_text(graph, iri, ISCM.qualifier, row["qualifier"])
        add_text(graph, iri, ISCM.notMemberReason, row["not_member_reason"])
        stamp = as_of(row)
        if stamp is not None:
            graph.add((iri, ISCM.asOf, stamp))
        graph.add((iri, PROV.wasDerivedFrom, ctx.locator(row, source, line, row["section"])))
        add_text(graph, iri, ISCM.quote, row["quote"])
        note(graph, iri, row)

    ctx.collect(load, rows)
