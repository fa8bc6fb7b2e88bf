"""The rows of the research tables that state facts, read from the built store through queries/tables/*.rq (never
from data/): ISCMs, States and territories, memberships (one row per statement and source), thematic foci, and the
roles. The queries name IRIs under the default base; they run rebased onto the release's base, so every IRI and
key in the tables is the release's."""

from __future__ import annotations

import pyoxigraph as ox

from .. import iris
from ..paths import QUERIES
from ..querying import load_query

LIST = "|"  # the separator of list-valued cells (as the queries' GROUP_CONCAT and dist/networks write them)
MECHANISM_TYPES = {"RegionalConsultativeProcess": "rcp", "InterregionalForum": "irf", "GlobalProcess": "global"}
PARTY_KINDS = {"State": "state", "Territory": "territory", "Organization": "organization", "StateGroup": "group"}


def select(store: ox.Store, name: str, base: str) -> list[dict[str, str]]:
    """Run queries/tables/{name}.rq under ``base``: rows as {variable: lexical value}, unbound ones left out."""
    solutions = store.query(iris.rebase(load_query(QUERIES / "tables" / f"{name}.rq").text, base))
    names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
    return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]  # type: ignore[union-attr]


class Keys:
    """The key of a thing (`{base}id/{kind}/{key}` -> key) and of an ontology term (`{base}ontology#Term`)."""

    def __init__(self, base: str) -> None:
        self.ids = iris.Ids(base)
        self.ontology = iris.ontology(base)

    def key(self, iri: str | None) -> str:
        thing = self.ids.split(iri or "")
        return thing.key if thing else ""

    def term(self, iri: str) -> str:
        return iri.removeprefix(self.ontology)


def _sorted_list(cell: str | None) -> str:
    return LIST.join(sorted(set((cell or "").split(LIST)) - {""}))


def iscms(store: ox.Store, base: str) -> list[dict]:
    keys = Keys(base)
    return [{
        "key": keys.key(row["iscm"]), "iri": row["iscm"], "annex2": row.get("annex2"), "name": row["label"],
        "short_label": row.get("short"), "acronym": row.get("acronym"),
        "type": MECHANISM_TYPES[keys.term(row["class"])], "regions": _sorted_list(row.get("regions")),
        "established": row.get("established"), "status": keys.key(row.get("status")),
        "members": int(row.get("members", 0)), "annex2_members": row.get("declared"),
        "secretariat": _sorted_list(row.get("secretariats")), "source": _sorted_list(row.get("sources")),
    } for row in select(store, "iscms", base)]


def states(store: ox.Store, base: str) -> list[dict]:
    keys = Keys(base)
    return [{
        "key": keys.key(row["country"]), "iri": row["country"], "name": row["label"],
        "kind": PARTY_KINDS[keys.term(row["class"])], "iso3": row.get("iso3"), "iso2": row.get("iso2"),
        "m49": row.get("m49"), "m49_region": row.get("regionLabel"), "m49_subregion": row.get("subregionLabel"),
        "cow_code": row.get("cowCode"), "cow_abb": row.get("cowAbb"),
        "wikidata": (row.get("wikidata") or "").removeprefix("http://www.wikidata.org/entity/"),
        "source": _sorted_list(row.get("sources")), "cow_source": _sorted_list(row.get("cowSources")),
    } for row in select(store, "states", base)]


def memberships(store: ox.Store, base: str) -> list[dict]:
    keys = Keys(base)
    rows = []
    for row in select(store, "memberships", base):
        kind = PARTY_KINDS[keys.term(row["partyClass"])]
        rows.append({
            "reference": row["reference"], "statement": row["statement"], "party": row["party"], "party_kind": kind,
            "party_name": row["partyLabel"], "state": keys.key(row["party"]) if kind in ("state", "territory") else "",
            "iscm": keys.key(row["iscm"]), "role": keys.key(row["role"]), "rank": keys.key(row.get("rank")),
            "as_of": row.get("asOf"), "undated": row.get("undated") == "true",
            "confidence": keys.key(row.get("confidence")), "qualifier": row.get("qualifier"), "note": row.get("note"),
            "source": row["locator"], "source_document": keys.key(row.get("document")),
            "source_line": row.get("line"), "source_section": row.get("section"),
            "source_url": _sorted_list(row.get("urls")),
        })
    return rows


def themes(store: ox.Store, base: str) -> list[dict]:
    keys = Keys(base)
    return [{
        "iscm": keys.key(row["iscm"]), "theme": keys.key(row["theme"]), "theme_name": row["label"],
        "every_reading": row.get("everyReading") == "true",
        "theme_lists": LIST.join(sorted(keys.key(iri) for iri in (row.get("lists") or "").split(LIST) if iri)),
        "source": _sorted_list(row.get("sources")),
    } for row in select(store, "themes", base)]


def roles(store: ox.Store, base: str) -> list[dict[str, str]]:
    """The role concepts: key, IRI, label, definition."""
    return [{"key": row["key"], "iri": row["role"], "label": row["label"], "definition": row.get("definition", "")}
            for row in select(store, "roles", base)]
