"""The names of the things that have pages: their labels for pages and tables, and a search index read once
per dataset version into the web worker, and how a text a person types finds them: every word of the text
starts a word of a name (any case, accents ignored: "sao tome" finds São Tomé), else the names spelt closest
(typos: "Marocco" finds Morocco). The site's search, the questions' parameters (a name rather than an IRI) and
the reconciliation service (server/reconcile/) use it."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from cachetools import LRUCache, cached
from rapidfuzz import fuzz, process

from .dataset import base_iri, select, site_query, store

# Kinds searched, in the order results of equal match quality are listed.
SEARCH_KINDS = ("mechanism", "state", "organization", "theme", "region", "m49", "role", "document", "group")
# How close (rapidfuzz's ratio, 0-100) a word of the text must be to a word of a name when the text starts no
# word of any name: "marocco" and "morocco" are 86 apart, "colmbo" and "colombo" 92, "budapst" and "budapest" 93.
CLOSE_ENOUGH = 80
WORD = re.compile(r"\w+")
EXACT, BEGINS, WORDS, CLOSE = 0, 1, 2, 3  # how a name matches, best first (CLOSE + 100 - similarity)
# Labels are looked up this many IRIs at a time (keeps each VALUES block small).
LABEL_CHUNK = 400


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
    rows = select(site_query("search-names", prefix=[f"{base}id/{kind}/" for kind in SEARCH_KINDS]))
    found = []
    for row in rows:
        name = row["name"]["value"]
        folded = fold(name)
        found.append(Name(row["x"]["value"], name, folded, tuple(WORD.findall(folded))))
    return found


def matches(text: str, among: Collection[str] | None = None) -> dict[str, tuple[int, set[str]]]:
    """The things ``text`` names, each with how well (EXACT, BEGINS, WORDS or CLOSE...) and the names matched:
    exact names, names it begins, names with a word begun by each of its words; if none, the closest names.
    ``among``: only these IRIs (the reconciliation service's types), so close spellings are sought among them."""
    needle = fold(text)
    words = WORD.findall(needle)
    found: dict[str, tuple[int, set[str]]] = {}

    def add(entry: Name, score: int) -> None:
        best, matched = found.get(entry.iri, (score, set()))
        found[entry.iri] = (min(best, score), matched | {entry.name})

    if not words:
        return found
    index = names() if among is None else [entry for entry in names() if entry.iri in among]
    for entry in index:
        if entry.folded == needle:
            add(entry, EXACT)
        elif entry.folded.startswith(needle):
            add(entry, BEGINS)
        elif all(any(word.startswith(w) for word in entry.words) for w in words):
            add(entry, WORDS)
    if not found:  # close spellings: each word of the text close to a word of the name (typos, not codes)
        for entry, similarity in close_names(words, index):
            add(entry, CLOSE + round(100 - similarity))
    return found


def close_names(words: list[str], index: list[Name]) -> list[tuple[Name, float]]:
    """The names each of whose ``words`` is spelt close to one of their words (rapidfuzz's ratio, at least
    CLOSE_ENOUGH), with the mean similarity; only words of 3 letters or more count (codes match exactly). Each
    word narrows the names left, so a long text of unrelated words stops after a few look-ups."""
    left: list[tuple[Name, list[float]]] = [(entry, []) for entry in index]
    for word in dict.fromkeys(w for w in words if len(w) >= 3):
        vocabulary = sorted({w for entry, _ in left for w in entry.words if len(w) >= 3})
        found = process.extract(word, vocabulary, scorer=fuzz.ratio, score_cutoff=CLOSE_ENOUGH, limit=None)
        near = {match: similarity for match, similarity, _ in found}
        left = [(entry, [*seen, best]) for entry, seen in left
                if (best := max((near.get(w, 0.0) for w in entry.words), default=0.0)) >= CLOSE_ENOUGH]
        if not left:
            return []
    return [(entry, sum(seen) / len(seen)) for entry, seen in left if seen]


def kind_rank(iri: str) -> int:
    """Where the kind of ``iri`` comes in SEARCH_KINDS (mechanisms first)."""
    rest = iri[len(base_iri() + "id/"):] if iri.startswith(base_iri() + "id/") else ""
    kind = rest.split("/", 1)[0]
    return SEARCH_KINDS.index(kind) if kind in SEARCH_KINDS else len(SEARCH_KINDS)


def named(text: str) -> str | None:
    """The one thing ``text`` names best (exact, else begun, else by its words; mechanisms first), or None:
    for a parameter given by name. Close spellings do not count: a typo must not answer for another thing."""
    found = [(score, kind_rank(iri), iri) for iri, (score, _names) in matches(text).items() if score < CLOSE]
    return min(found)[2] if found else None


def labels(iris: Iterable[str], short: bool = True) -> dict[str, str]:
    """The best label of each IRI: the name a mechanism goes by (its short label; not with ``short=False``,
    for its formal name), else skos:prefLabel, else rdfs:label, else an acronym (English first)."""
    wanted = sorted({i for i in iris if i})
    found: dict[str, str] = {}
    for start in range(0, len(wanted), LABEL_CHUNK):
        best: dict[str, tuple[int, str]] = {}
        for row in select(site_query("labels", x=wanted[start : start + LABEL_CHUNK])):
            candidate = (int(row["k"]["value"]) if "k" in row else 9, row["l"]["value"] if "l" in row else "")
            iri = row["x"]["value"] if "x" in row else ""
            if candidate[0] == 0 and not short:
                continue
            if candidate[1] and (iri not in best or candidate < best[iri]):
                best[iri] = candidate
        found.update({iri: label for iri, (_k, label) in best.items()})
    return found
