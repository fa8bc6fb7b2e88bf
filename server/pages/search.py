"""The search page and the search box's suggestions (server/names.py finds the things)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from ..dataset import page_href, short
from ..names import CLOSE, kind_rank, labels, matches
from .common import KIND_NAMES, kind_of
from .templating import render

MAX_QUERY_CHARS = 100
MAX_RESULTS = 200
SUGGESTIONS = 8


def find(text: str, limit: int = MAX_RESULTS) -> list[dict[str, Any]]:
    """Things named by ``text``, best first, with their labels, kinds and the other names that matched."""
    found = matches(text)
    labelled = labels(set(found))
    results = []
    for iri, (score, matched) in found.items():
        kind = kind_of(iri) or ""
        label = labelled.get(iri, short(iri))
        results.append({"iri": iri, "label": label, "kind": KIND_NAMES.get(kind, kind), "close": score >= CLOSE,
                        "matches": sorted(matched - {label}), "rank": (score, kind_rank(iri), label.lower())})
    return sorted(results, key=lambda m: m["rank"])[:limit]


def search() -> Response:
    text = (request.args.get("q") or "").strip()[:MAX_QUERY_CHARS]
    return render("search.html", search_query=text, results=find(text) if text else [])


def suggest() -> Response:
    """What the search box offers as one types: the best few matches, with their pages."""
    text = (request.args.get("q") or "").strip()[:MAX_QUERY_CHARS]
    found = find(text, SUGGESTIONS) if text else []
    return jsonify([{"label": m["label"], "kind": m["kind"], "href": page_href(m["iri"])} for m in found])
