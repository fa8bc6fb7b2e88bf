"""Search by name, acronym or code over the things that have pages, as a researcher types: every word of the
text starts a word of a name (any case, accents ignored: "sao tome" finds São Tomé), else the names closest to
it (typos: "Marocco" finds Morocco). The names are read once per dataset version into the web worker."""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache, cached
from flask import Response, jsonify, request
from rapidfuzz import fuzz, process

from ..dataset import base_iri, page_href, short, store
from .common import KIND_NAMES, kind_of, labels, q, val
from .templating import render

# Kinds searched, in the order results of equal match quality are listed.
SEARCH_KINDS = ("mechanism", "state", "organization", "theme", "region", "m49", "role", "document", "group")
MAX_QUERY_CHARS = 100
MAX_RESULTS = 200
SUGGESTIONS = 8
# How close (rapidfuzz's ratio, 0-100) a word of the text must be to a word of a name when the text starts no
# word of any name: "marocco" and "morocco" are 86 apart, "colmbo" and "colombo" 92, "budapst" and "budapest" 93.
CLOSE_ENOUGH = 80
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Name:
    iri: str
    name: str
    folded: str
    words: tuple[str, ...]


def fold(text: str) -> str:
    """Lower case without accents: what a name and a search text are compared as."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def names() -> list[Name]:
    return _names(str(store().version.tag), base_iri())


@cached(LRUCache(maxsize=2), lock=threading.Lock())
def _names(_version: str, base: str) -> list[Name]:  # the arguments are the cache key
    rows = q("search-names", prefix=[f"{base}id/{kind}/" for kind in SEARCH_KINDS])
    found = []
    for row in rows:
        name = val(row, "name") or ""
        folded = fold(name)
        found.append(Name(val(row, "x") or "", name, folded, tuple(WORD.findall(folded))))
    return found


def find(text: str, limit: int = MAX_RESULTS) -> list[dict[str, Any]]:
    """Things named by ``text``: exact names first, then names it begins, then names with a word begun by each
    of its words; if none, the closest names."""
    needle = fold(text)
    words = WORD.findall(needle)
    if not words:
        return []
    index = names()
    found: dict[str, dict[str, Any]] = {}

    def add(entry: Name, score: int) -> None:
        match = found.setdefault(entry.iri, {"iri": entry.iri, "matches": set(), "score": score})
        match["matches"].add(entry.name)
        match["score"] = min(match["score"], score)

    for entry in index:
        if entry.folded == needle:
            add(entry, 0)
        elif entry.folded.startswith(needle):
            add(entry, 1)
        elif all(any(word.startswith(w) for word in entry.words) for w in words):
            add(entry, 2)
    if not found:  # close spellings: each word of the text close to a word of the name (typos, not codes)
        for entry, similarity in close_names(words, index):
            add(entry, 3 + round(100 - similarity))
    labelled = labels(set(found))
    for match in found.values():
        kind = kind_of(match["iri"]) or ""
        match["label"] = labelled.get(match["iri"], short(match["iri"]))
        match["kind"] = KIND_NAMES.get(kind, kind)
        match["matches"] = sorted(match["matches"] - {match["label"]})
        match["close"] = match["score"] >= 3
        match["rank"] = (match["score"], SEARCH_KINDS.index(kind) if kind in SEARCH_KINDS else 99,
                         match["label"].lower())
    return sorted(found.values(), key=lambda m: m["rank"])[:limit]


def close_names(words: list[str], index: list[Name]) -> list[tuple[Name, float]]:
    """The names each of whose ``words`` is spelt close to one of their words (rapidfuzz's ratio, at least
    CLOSE_ENOUGH), with the mean similarity; only words of 3 letters or more count (codes match exactly)."""
    vocabulary = sorted({word for entry in index for word in entry.words if len(word) >= 3})
    close: list[dict[str, float]] = []
    for word in words:
        if len(word) < 3:
            continue
        found = process.extract(word, vocabulary, scorer=fuzz.ratio, score_cutoff=CLOSE_ENOUGH, limit=None)
        close.append({match: similarity for match, similarity, _ in found})
    if not close:
        return []
    matches = []
    for entry in index:
        best = [max((near.get(word, 0.0) for word in entry.words), default=0.0) for near in close]
        if min(best) >= CLOSE_ENOUGH:
            matches.append((entry, sum(best) / len(best)))
    return matches


def search() -> Response:
    text = (request.args.get("q") or "").strip()[:MAX_QUERY_CHARS]
    return render("search.html", search_query=text, results=find(text) if text else [])


def suggest() -> Response:
    """What the search box offers as one types: the best few matches, with their pages."""
    text = (request.args.get("q") or "").strip()[:MAX_QUERY_CHARS]
    found = find(text, SUGGESTIONS) if text else []
    return jsonify([{"label": m["label"], "kind": m["kind"], "href": page_href(m["iri"])} for m in found])
