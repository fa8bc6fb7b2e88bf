"""The candidates of one reconciliation query, scored 0-100, found by the site's name index (server/names.py:
names, acronyms, short labels, name variants, ISO codes; word prefixes, accents ignored, close spellings) and by
the entities' identifiers (ISO, COW code and abbreviation, Wikidata item); property constraints confirm or
contradict a candidate, types restrict them (`type_strict` "should": only prefer them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from ..names import BEGINS, CLOSE, EXACT, fold, kind_rank, matches
from .batch import Query
from .entities import Catalogue, Entity, identifier_value

NAME_SCORES = {EXACT: 100, BEGINS: 90}  # a name it is, a name it begins; a word prefix of each word: WORDS_SCORE
WORDS_SCORE = 80
CLOSE_OFFSET = 20  # a close spelling scores its similarity (80-100, rapidfuzz's ratio) less this: 60-80
PROPERTY_ONLY = 50  # a candidate only a property value found, for a query with a text
CONFIRMED, CONTRADICTED, OTHER_TYPE = 10, 40, 10  # per property constraint met / not met; "should" type missed
# A close spelling of a whole name (rapidfuzz's ratio of the folded texts) that is the only candidate is a match:
# "Marocco" for Morocco (86) — one letter off and nothing else near.
WHOLE_NAME_MATCH = 85


@dataclass
class Candidate:
    entity: Entity
    score: float
    exact: bool  # the text is one of its names or identifiers
    whole: float  # how close the text is spelt to its closest whole name (0-100)
    confirmed: int = 0
    contradicted: int = 0


def allowed(catalogue: Catalogue, query: Query) -> dict[str, Entity]:
    """The entities a query may return, by IRI: of any (or all) of its types, unless it only prefers them."""
    entities = catalogue.entities.values()
    if not query.types or query.strict == "should":
        return {e.iri: e for e in entities}
    test = all if query.strict == "all" else any
    return {e.iri: e for e in entities if test(t in e.types for t in query.types)}


def candidates(catalogue: Catalogue, query: Query) -> list[Candidate]:
    """Every candidate of ``query``, best first."""
    among = allowed(catalogue, query)
    found: dict[str, Candidate] = {}
    if query.text:
        needle = fold(query.text)
        for iri, (rank, names) in matches(query.text, among).items():
            score = NAME_SCORES.get(rank, WORDS_SCORE) if rank < CLOSE else 100 - (rank - CLOSE) - CLOSE_OFFSET
            whole = max(fuzz.ratio(needle, fold(name)) for name in names)
            found[iri] = Candidate(among[iri], score, rank == EXACT, whole)
        for entity_id in catalogue.by_identifier.get(identifier_value(query.text), ()):
            entity = catalogue.entities[entity_id]
            if entity.iri in among:
                found[entity.iri] = Candidate(entity, 100, True, 100)
    for pid, values in query.properties:
        for entity in among.values():
            if entity.iri not in found and entity.identifiers[pid] & values:
                found[entity.iri] = Candidate(entity, PROPERTY_ONLY if query.text else 100, False, 0)
    for candidate in found.values():
        for pid, values in query.properties:
            held = candidate.entity.identifiers[pid]
            if held & values:
                candidate.confirmed += 1
            elif held:
                candidate.contradicted += 1
        candidate.score += CONFIRMED * candidate.confirmed - CONTRADICTED * candidate.contradicted
        if query.strict == "should" and query.types and not set(query.types) & set(candidate.entity.types):
            candidate.score -= OTHER_TYPE
        candidate.score = max(0, min(100, round(candidate.score, 1)))
    return sorted(found.values(), key=lambda c: (-c.score, not c.exact, kind_rank(c.entity.iri), c.entity.name))


def is_match(ranked: list[Candidate], query: Query) -> bool:
    """Whether the best candidate is certain: not contradicted by a property, and the one exact name or identifier,
    or the one candidate meeting every property constraint, or the only candidate, a close spelling of its name."""
    if not ranked or ranked[0].contradicted:
        return False
    top, others = ranked[0], ranked[1:]
    if top.exact and not any(c.exact and not c.contradicted for c in others):
        return True
    every = len(query.properties)
    if every and top.confirmed == every and not any(c.confirmed == every for c in others):
        return True
    return not others and top.whole >= WHOLE_NAME_MATCH


def results(catalogue: Catalogue, query: Query) -> dict[str, Any]:
    """The reconciliation result of one query (the spec's reconciliation-result-batch, one entry)."""
    ranked = candidates(catalogue, query)
    match = is_match(ranked, query)
    return {"result": [
        {"id": c.entity.id, "name": c.entity.name, "description": c.entity.description,
         "type": [{"id": t, "name": catalogue.type_names[t]} for t in c.entity.shown_types],
         "score": c.score, "match": match and position == 0}
        for position, c in enumerate(ranked[: query.limit])
    ]}
