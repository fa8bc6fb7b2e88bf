"""Search by name, acronym or code over the things that have pages."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from ..dataset import base_iri, short
from .common import KIND_NAMES, kind_of, labels, q, val
from .templating import render

# Kinds searched, in the order results of equal match quality are listed.
SEARCH_KINDS = ("mechanism", "state", "organization", "theme", "region", "m49", "role", "document", "group")
MAX_QUERY_CHARS = 100
MAX_RESULTS = 200


def find(text: str) -> list[dict[str, Any]]:
    """Things whose names contain ``text``: exact matches first, then prefixes, then the rest."""
    needle = text.lower()
    found: dict[str, dict[str, Any]] = {}
    for row in q("search", prefix=[f"{base_iri()}id/{kind}/" for kind in SEARCH_KINDS], text=text):
        iri, name = val(row, "x") or "", val(row, "name") or ""
        entry = found.setdefault(iri, {"iri": iri, "matches": set(), "score": 3})
        entry["matches"].add(name)
        lowered = name.lower()
        score = 0 if lowered == needle else 1 if lowered.startswith(needle) else 2
        entry["score"] = min(entry["score"], score)
    names = labels(set(found))
    for entry in found.values():
        kind = kind_of(entry["iri"]) or ""
        entry["label"] = names.get(entry["iri"], short(entry["iri"]))
        entry["kind"] = KIND_NAMES.get(kind, kind)
        entry["matches"] = sorted(entry["matches"] - {entry["label"]})
        entry["rank"] = (
            entry["score"],
            SEARCH_KINDS.index(kind) if kind in SEARCH_KINDS else 99,
            entry["label"].lower(),
        )
    return sorted(found.values(), key=lambda e: e["rank"])[:MAX_RESULTS]


def search() -> Response:
    text = (request.args.get("q") or "").strip()[:MAX_QUERY_CHARS]
    return render("search.html", search_query=text, results=find(text) if text else [])
