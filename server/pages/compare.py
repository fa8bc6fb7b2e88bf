"""Two ISCMs side by side (/compare/{a}/{b}, keys of id/mechanism/): the States in both and in one only, the
shared themes and organizations, what the sources document between them, and the synergy score's parts."""

from __future__ import annotations

from typing import Any

from flask import Response

from ..dataset import base_iri, exists, not_found_response, short
from ..names import labels
from .common import q, val
from .facts import source_key
from .templating import render


def _split(rows: list[dict[str, Any]], column: str) -> dict[str, list[str]]:
    """The values of ``column`` in both (inA and inB are 1), in a only and in b only."""
    out: dict[str, list[str]] = {"both": [], "a": [], "b": []}
    for row in rows:
        side = {("1", "1"): "both", ("1", "0"): "a", ("0", "1"): "b"}[(val(row, "inA") or "0", val(row, "inB") or "0")]
        out[side].append(val(row, column) or "")
    return out


def compare(a: str, b: str) -> Response:
    first, second = (f"{base_iri()}id/mechanism/{key}" for key in (a, b))
    for iri in (first, second):
        if not exists(iri):
            return not_found_response(message=f"no mechanism {short(iri)}")
    pair = {"a": first, "b": second}
    members = _split(q("pair-members", **pair), "party")
    themes = _split(q("pair-themes", **pair), "theme")
    organizations = q("pair-organizations", **pair)
    relations: dict[str, dict[str, Any]] = {}
    for row in q("pair-relations", **pair):
        node = relations.setdefault(val(row, "node") or "", {
            "iri": val(row, "node"), "type": (val(row, "type") or "").rsplit("#", 1)[-1], "kind": val(row, "kind"),
            "label": val(row, "label"), "quote": val(row, "quote"), "sources": {}})
        if row.get("loc"):
            node["sources"][source_key(row)] = row
    synergy = q("pair-synergy", **pair)
    shown = {first, second} | {iri for side in (*members.values(), *themes.values()) for iri in side}
    shown |= {val(r, k) or "" for r in organizations for k in ("org", "roleA", "roleB")}
    shown |= {n["kind"] or "" for n in relations.values()}
    names = labels(shown)

    def by_name(iris: list[str]) -> list[str]:
        return sorted(iris, key=lambda iri: names.get(iri, short(iri)).lower())

    return render(
        "compare.html",
        a=first, b=second, names=names,
        members={side: by_name(iris) for side, iris in members.items()},
        themes={side: by_name(iris) for side, iris in themes.items()},
        organizations=sorted(organizations, key=lambda r: names.get(val(r, "org") or "", "").lower()),
        relations=sorted(relations.values(), key=lambda n: (n["type"], n["label"] or "")),
        synergy=synergy[0] if synergy else None,
        val=val,
    )
