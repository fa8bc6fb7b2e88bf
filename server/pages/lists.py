"""The list pages: ISCMs and other mechanisms, States and territories, organizations, themes, regions."""

from __future__ import annotations

from typing import Any

from flask import Response

from ..dataset import base_iri, short
from ..names import labels
from .common import q, val
from .templating import render

TYPE_NAMES = {
    "RegionalConsultativeProcess": "Regional consultative process (RCP)",
    "InterregionalForum": "Interregional forum (IRF)",
    "GlobalProcess": "Global process",
    "ISCM": "ISCM",
    "MigrationDialogue": "Other mechanism or dialogue",
}
# Lower is more specific: a process typed both ISCM and RCP is listed as an RCP.
TYPE_ORDER = {
    "RegionalConsultativeProcess": 0,
    "InterregionalForum": 0,
    "GlobalProcess": 0,
    "ISCM": 1,
    "MigrationDialogue": 2,
}


def acronyms(iris: list[str]) -> dict[str, str]:
    """The acronyms of each IRI, joined with commas."""
    if not iris:
        return {}
    return {val(r, "x") or "": val(r, "acr") or "" for r in q("acronyms", x=list(iris))}


def mechanism_list() -> list[dict[str, Any]]:
    """Every mechanism with its type, Annex 2 number, year, member counts and status, sorted by name."""
    found: dict[str, dict[str, Any]] = {}
    for row in q("mechanism-list"):
        iri = val(row, "m") or ""
        kind = (val(row, "t") or "").rsplit("#", 1)[-1]
        entry = found.setdefault(
            iri,
            {
                "iri": iri,
                "type": kind,
                "annex2": int(val(row, "no")) if val(row, "no") else None,
                "year": val(row, "year"),
                "declared": val(row, "declared"),
                "listed": val(row, "listed"),
                "status": val(row, "status"),
            },
        )
        if TYPE_ORDER.get(kind, 9) < TYPE_ORDER.get(entry["type"], 9):
            entry["type"] = kind
    names = labels(set(found) | {m["status"] for m in found.values() if m["status"]})
    formal = labels(found, short=False)
    for entry in found.values():
        entry["label"] = names.get(entry["iri"], short(entry["iri"]))
        entry["formal"] = formal.get(entry["iri"])
        entry["type_name"] = TYPE_NAMES.get(entry["type"], entry["type"])
        entry["status_label"] = names.get(entry["status"] or "", "")
    return sorted(found.values(), key=lambda m: m["label"].lower())


def mechanisms() -> Response:
    items = mechanism_list()
    iscms = [m for m in items if m["type"] != "MigrationDialogue"]
    others = [m for m in items if m["type"] == "MigrationDialogue"]
    return render("mechanisms.html", iscms=iscms, others=others, nav="mechanisms")


def states() -> Response:
    rows = q("state-list")
    names = labels({val(r, "s") or "" for r in rows} | {val(r, "region") or "" for r in rows})
    items = sorted(
        (
            {
                "iri": val(r, "s"),
                "label": names.get(val(r, "s") or "", short(val(r, "s") or "")),
                "iso3": val(r, "iso3"),
                "region": val(r, "region"),
                "region_label": names.get(val(r, "region") or "", ""),
                "count": int(val(r, "n") or 0),
            }
            for r in rows
        ),
        key=lambda s: s["label"].lower(),
    )
    return render("states.html", states=items, nav="states")


def organizations() -> Response:
    rows = q("organization-list")
    iris = {val(r, "o") or "" for r in rows}
    names = labels(iris | {val(r, "kind") or "" for r in rows})
    acronym = acronyms(sorted(iris))
    items = sorted(
        (
            {
                "iri": val(r, "o"),
                "label": names.get(val(r, "o") or "", short(val(r, "o") or "")),
                "acronym": acronym.get(val(r, "o") or ""),
                "kind": val(r, "kind"),
                "kind_label": names.get(val(r, "kind") or "", ""),
                "count": int(val(r, "n") or 0),
            }
            for r in rows
        ),
        key=lambda s: s["label"].lower(),
    )
    return render("organizations.html", organizations=items, nav="organizations")


# The report's theme lists (data/themes.csv `list`), as a reader finds them, with the line each begins at.
THEME_LISTS = {
    "annex10": "Annex 10, thematic foci (line 2132)",
    "ch1-common": "chapter 1, themes commonly addressed (line 296)",
    "ch1-less-common": "chapter 1, less universal topics (line 307)",
    "ch1-goals": "chapter 1, aims (line 321)",
    "ch1-focus-areas": "chapter 1, most ISCMs' focus areas (line 333)",
    "ch1-less-common-focus": "chapter 1, less common areas of focus (line 353)",
    "table1-literature": "Table 1, literature review (line 373)",
    "table1-survey": "Table 1, survey (line 373)",
}


def themes() -> Response:
    """Annex 10's thematic foci with the number of ISCMs having each (Annex 10 is the only per-ISCM source of
    foci), apart from the topics the chapters name, which no source ties to ISCMs: no count, so no false zero."""
    rows = q("theme-list")
    names = labels({val(r, "t") or "" for r in rows})
    items = [{"iri": val(r, "t"), "label": names.get(val(r, "t") or "", ""), "count": int(val(r, "n") or 0),
              "annex10": val(r, "annex10") == "true",
              "lists": [THEME_LISTS.get(name, name) for name in sorted((val(r, "lists") or "").split())
                        if name != "annex10"]}
             for r in rows]
    foci = sorted((t for t in items if t["annex10"]), key=lambda t: (-t["count"], t["label"].lower()))
    topics = sorted((t for t in items if not t["annex10"]), key=lambda t: t["label"].lower())
    return render("themes.html", foci=foci, topics=topics, nav="themes")


def regions() -> Response:
    base = base_iri()
    rows = q("region-list")
    names = labels({val(r, "r") or "" for r in rows})
    items = [
        {
            "iri": val(r, "r"),
            "scheme": val(r, "scheme"),
            "label": names.get(val(r, "r") or "", short(val(r, "r") or "")),
            "count": int(val(r, "n") or 0),
            "states": int(val(r, "states") or 0),
        }
        for r in rows
    ]
    annex2 = sorted((r for r in items if r["scheme"] == f"{base}id/region/"), key=lambda r: r["label"].lower())
    m49 = sorted((r for r in items if r["scheme"] == f"{base}id/m49/"), key=lambda r: r["label"].lower())
    return render("regions.html", annex2=annex2, m49=m49, nav="regions")
