"""The names of the things that have pages: their labels for pages and tables, and a search index read once
per dataset version into the web worker, and how a text a person types finds them: every word of the text
starts a word of a name (any case, accents ignored: "sao tome" finds São Tomé), else the names spelt closest
(typos: "Marocco" finds Morocco). The site's search, the questions' parameters (a name rather than an IRI) and
the reconciliation service (server/reconcile/) use it."""

from __future__ import annotations

import bisect
import re
import threading
import unicodedata
from collections.abc import Callable, Collection, Iterable
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


@dataclass(frozen=True)
class Index:
    """The names with look-up tables, so that a text costs a few bisections and set operations, not a pass over
    every name in Python (a reconciliation batch holds up to 50 texts, and runs in the web worker)."""

    entries: list[Name]
    folded: list[tuple[str, int]]  # (folded name, entry), sorted: the names a text begins are a range
    words: list[str]  # every word of every name, sorted: the words a word begins are a range
    by_word: dict[str, list[int]]  # word -> the entries with it
    vocabulary: list[str]  # the words of 3 letters or more (close spellings are sought among them)

    @classmethod
    def of(cls, entries: list[Name]) -> Index:
        by_word: dict[str, list[int]] = {}
        for i, entry in enumerate(entries):
            for word in dict.fromkeys(entry.words):
                by_word.setdefault(word, []).append(i)
        words = sorted(by_word)
        return cls(entries, sorted((entry.folded, i) for i, entry in enumerate(entries)), words, by_word,
                   [w for w in words if len(w) >= 3])

    def begun(self, needle: str) -> list[int]:
        """The entries whose folded name begins with ``needle`` (or is it)."""
        low = bisect.bisect_left(self.folded, (needle, -1))
        high = bisect.bisect_left(self.folded, (needle + LAST, -1))
        return [i for _, i in self.folded[low:high]]

    def with_word_begun_by(self, prefix: str) -> set[int]:
        """The entries with a word that begins with ``prefix``."""
        low, high = bisect.bisect_left(self.words, prefix), bisect.bisect_left(self.words, prefix + LAST)
        return {i for word in self.words[low:high] for i in self.by_word[word]}


LAST = "\U0010ffff"  # after every character: the end of a prefix's range


def index() -> Index:
    return _index(str(store().version.tag), base_iri())


@cached(LRUCache(maxsize=2), lock=threading.Lock())
def _index(_version: str, base: str) -> Index:  # the arguments are the cache key
    rows = select(site_query("search-names", prefix=[f"{base}id/{kind}/" for kind in SEARCH_KINDS]))
    found = []
    for row in rows:
        name = row["name"]["value"]
        folded = fold(name)
        found.append(Name(row["x"]["value"], name, folded, tuple(WORD.findall(folded))))
    return Index.of(found)


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
    table = index()

    def allowed(entry: Name) -> bool:
        return among is None or entry.iri in among

    begun = set(table.begun(needle))
    for i in begun:
        entry = table.entries[i]
        if allowed(entry):
            add(entry, EXACT if entry.folded == needle else BEGINS)
    by_words = set.intersection(*(table.with_word_begun_by(w) for w in dict.fromkeys(words))) - begun
    for i in sorted(by_words):
        if allowed(table.entries[i]):
            add(table.entries[i], WORDS)
    if not found:  # close spellings: each word of the text close to a word of the name (typos, not codes)
        for entry, similarity in close_names(words, table, allowed):
            add(entry, CLOSE + round(100 - similarity))
    return found


def close_names(words: list[str], table: Index, allowed: Callable[[Name], bool]) -> list[tuple[Name, float]]:
    """The names each of whose ``words`` is spelt close to one of their words (rapidfuzz's ratio, at least
    CLOSE_ENOUGH), with the mean similarity; only words of 3 letters or more count (codes match exactly). Each
    word narrows the names left, so a long text of unrelated words stops after the first word nothing is near."""
    left: dict[int, list[float]] | None = None  # entry -> the similarity of each word so far
    for word in dict.fromkeys(w for w in words if len(w) >= 3):
        near = {match: similarity for match, similarity, _ in process.extract(
            word, table.vocabulary, scorer=fuzz.ratio, score_cutoff=CLOSE_ENOUGH, limit=None)}
        best: dict[int, float] = {}
        for match, similarity in near.items():
            for i in table.by_word[match]:
                if (left is None or i in left) and similarity > best.get(i, 0.0):
                    best[i] = similarity
        left = {i: [*(left[i] if left is not None else []), s] for i, s in best.items()
                if allowed(table.entries[i])}
        if not left:
            return []
    return [(table.entries[i], sum(seen) / len(seen)) for i, seen in sorted((left or {}).items())]


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
