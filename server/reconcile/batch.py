"""A reconciliation query batch as a client sends it (the `queries` parameter: JSON, the spec's
reconciliation-query-batch schema) read into checked queries, within the service's caps. Anything else is a 400
that names the parameter at fault (``queries.q0.limit``), never a 5xx."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from flask import current_app

from ..errors import ProtocolError
from .entities import BROADER, PROPERTIES, WIKIDATA_PROPERTY, identifier_value

DEFAULT_LIMIT = 10
MAX_KEY_CHARS = 100  # a query's key in the batch (echoed back)
MAX_PROPERTIES = 10  # property constraints in one query
MAX_VALUES = 20  # values of one property constraint
FIELDS = {"query", "type", "limit", "properties", "type_strict"}
STRICTNESS = ("any", "all", "should")


@dataclass(frozen=True)
class Query:
    text: str
    types: tuple[str, ...]  # type ids (BROADER's keys)
    strict: str  # any | all | should
    properties: tuple[tuple[str, frozenset[str]], ...]  # (property id, values as compared)
    limit: int


def cap(name: str) -> int:
    return int(current_app.config[name])


def bad(parameter: str, message: str) -> ProtocolError:
    return ProtocolError(400, f"{parameter}: {message}", parameter=parameter)


def read_batch(raw: str) -> dict[str, Query]:
    """The queries of a batch, by key, checked against the spec's schema and the caps."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: JSON nested too deep
        raise bad("queries", "is not JSON (a reconciliation query batch: {\"q0\": {\"query\": \"...\"}})") from None
    if not isinstance(data, dict):
        raise bad("queries", "must be a JSON object of queries by key")
    if len(data) > cap("RECONCILE_MAX_QUERIES"):
        raise bad("queries", f"holds {len(data)} queries; at most {cap('RECONCILE_MAX_QUERIES')} in one batch")
    batch = {}
    for key, query in data.items():
        if len(key) > MAX_KEY_CHARS:
            raise bad("queries", f"a query key is longer than {MAX_KEY_CHARS} characters")
        batch[key] = read_query(f"queries.{key}", query)
    return batch


def read_query(where: str, query: Any) -> Query:
    if not isinstance(query, dict):
        raise bad(where, "must be a JSON object (a reconciliation query)")
    unknown = sorted(set(query) - FIELDS)
    if unknown:
        raise bad(f"{where}.{unknown[0]}", f"is not a field of a reconciliation query ({', '.join(sorted(FIELDS))})")
    if "query" not in query and not query.get("properties"):
        raise bad(where, "needs a query text or at least one property")
    text = query.get("query", "")
    if not isinstance(text, str):
        raise bad(f"{where}.query", "must be a string")
    if len(text) > cap("RECONCILE_MAX_QUERY_CHARS"):
        raise bad(f"{where}.query", f"is longer than {cap('RECONCILE_MAX_QUERY_CHARS')} characters")
    strict = query.get("type_strict", "any")
    if strict not in STRICTNESS:
        raise bad(f"{where}.type_strict", f"must be one of {', '.join(STRICTNESS)}")
    return Query(text.strip(), read_types(f"{where}.type", query.get("type")), strict,
                 read_properties(f"{where}.properties", query.get("properties", [])),
                 read_limit(f"{where}.limit", query.get("limit", DEFAULT_LIMIT)))


def read_types(where: str, given: Any) -> tuple[str, ...]:
    listed = [given] if isinstance(given, str) else given if isinstance(given, list) else None
    if given is None:
        return ()
    if listed is None or not all(isinstance(t, str) for t in listed):
        raise bad(where, "must be a type id or a list of type ids")
    return tuple(type_id(where, t) for t in listed)


def type_id(where: str, given: str) -> str:
    """A type's id from its id, prefixed name (``iscm:ISCM``) or IRI (the ontology's namespace)."""
    name = given.rpartition("#")[2] if "#" in given else given.removeprefix("iscm:")
    if name not in BROADER:
        raise bad(where, f"unknown type {given[:60]!r} (known: {', '.join(BROADER)})")
    return name


def read_limit(where: str, limit: Any) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int | float) or not math.isfinite(limit) or limit != int(limit):
        raise bad(where, "must be a positive integer")
    if not 1 <= limit <= cap("RECONCILE_MAX_LIMIT"):
        raise bad(where, f"must be from 1 to {cap('RECONCILE_MAX_LIMIT')}")
    return int(limit)


def read_properties(where: str, given: Any) -> tuple[tuple[str, frozenset[str]], ...]:
    if not isinstance(given, list):
        raise bad(where, "must be a list of {\"pid\": ..., \"v\": ...}")
    if len(given) > MAX_PROPERTIES:
        raise bad(where, f"at most {MAX_PROPERTIES} properties in one query")
    constraints = []
    for position, item in enumerate(given):
        here = f"{where}[{position}]"
        if not isinstance(item, dict) or "pid" not in item or "v" not in item:
            raise bad(here, "must be an object with pid and v")
        values = item["v"] if isinstance(item["v"], list) else [item["v"]]
        if len(values) > MAX_VALUES:
            raise bad(f"{here}.v", f"at most {MAX_VALUES} values")
        constraints.append((property_id(f"{here}.pid", item["pid"]),
                            frozenset(property_value(f"{here}.v", v) for v in values)))
    return tuple(constraints)


def property_id(where: str, given: Any) -> str:
    """A property's id from its id, the ontology term's local name, prefixed name or IRI."""
    if not isinstance(given, str):
        raise bad(where, "must be a string")
    if given in PROPERTIES:
        return given
    if given in ("skos:exactMatch", WIKIDATA_PROPERTY):
        return "wikidata"
    local = given.rpartition("#")[2] if "#" in given else given.removeprefix("iscm:")
    for pid, term in PROPERTIES.items():
        if term and local == term:
            return pid
    raise bad(where, f"unknown property {given[:60]!r} (known: {', '.join(PROPERTIES)})")


def property_value(where: str, value: Any) -> str:
    """A value as compared with an entity's identifiers: a string or number as text, a reconciled entity by id."""
    if isinstance(value, dict):
        value = value.get("id")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise bad(where, "must be a string, a number or an entity {\"id\": ...}")
    if isinstance(value, float):
        if not math.isfinite(value) or value != int(value):
            raise bad(where, "a number must be a whole number (a COW code)")
        value = int(value)
    text = str(value)
    if len(text) > cap("RECONCILE_MAX_QUERY_CHARS"):
        raise bad(where, f"is longer than {cap('RECONCILE_MAX_QUERY_CHARS')} characters")
    return identifier_value(text)
