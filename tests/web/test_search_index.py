"""The search index (server/names.py) finds what the plain definition of a match finds: every name the text is,
begins, or begins a word of with each of its words; else the names spelt close, word by word. The index only
makes it fast (bisection and sets instead of a pass over every name per text)."""

from __future__ import annotations

import pytest
from flask import Flask
from rapidfuzz import fuzz

from server.names import BEGINS, CLOSE, CLOSE_ENOUGH, EXACT, WORD, WORDS, fold, index, matches

TEXTS = ["sao tome", "IOM", "Marocco", "rabat", "co", "united rep", "republic of", "Budapst", "zzz", "Cote d",
         "Phillipines", "colmbo process", "a", "migration dialogue", "st kitts", "Guinea", "Viet Nam", "xkx"]


def plain(text: str, among: set[str] | None = None) -> dict[str, tuple[int, set[str]]]:
    """The definition, over every name one by one."""
    needle, words = fold(text), WORD.findall(fold(text))
    entries = [e for e in index().entries if among is None or e.iri in among]
    found: dict[str, tuple[int, set[str]]] = {}

    def add(entry, score: int) -> None:
        best, matched = found.get(entry.iri, (score, set()))
        found[entry.iri] = (min(best, score), matched | {entry.name})

    if not words:
        return found
    for entry in entries:
        if entry.folded == needle:
            add(entry, EXACT)
        elif entry.folded.startswith(needle):
            add(entry, BEGINS)
        elif all(any(word.startswith(w) for word in entry.words) for w in words):
            add(entry, WORDS)
    if found:
        return found
    long_words = list(dict.fromkeys(w for w in words if len(w) >= 3))
    for entry in entries:
        best = [max((fuzz.ratio(w, word) for word in entry.words if len(word) >= 3), default=0.0) for w in long_words]
        if long_words and min(best) >= CLOSE_ENOUGH:
            add(entry, CLOSE + round(100 - sum(best) / len(best)))
    return found


@pytest.mark.parametrize("text", TEXTS)
def test_the_index_finds_what_the_definition_finds(app: Flask, text: str) -> None:
    with app.test_request_context("/"):
        assert matches(text) == plain(text)
        states = {e.iri for e in index().entries if "/id/state/" in e.iri}
        assert matches(text, states) == plain(text, states)


def test_close_spellings_are_found(app: Flask) -> None:
    with app.test_request_context("/"):
        found = matches("Marocco")
        assert any(iri.endswith("/id/state/MAR") for iri in found)
        assert all(score >= CLOSE for score, _ in found.values())
