"""The data extension service's two answers: the properties proposed for a type, and the values of some
properties for some entities (the `extend` parameter: JSON, the spec's data-extension-query schema), within the
service's caps. A request outside them is a 400 naming the parameter at fault (``extend.properties[0].id``)."""

from __future__ import annotations

import json
from typing import Any

from ..dataset import base_iri
from .batch import bad, cap, read_limit, type_id
from .entities import catalogue
from .extension import BY_ID, PROPERTIES, extension, properties_of

FIELDS = {"ids", "properties"}
PROPERTY_FIELDS = {"id", "name", "settings"}  # OpenRefine sends the property's name back with its id


def proposals(given_type: str | None, given_limit: str | None) -> dict[str, Any]:
    """The data extension property proposal response for a type (every property when no type is given)."""
    names = extension().names
    found = properties_of(type_id("type", given_type) if given_type else None)
    answer: dict[str, Any] = {}
    if given_type:
        answer["type"] = given_type
    if given_limit is not None:
        digits = given_limit.isascii() and given_limit.isdigit() and len(given_limit) <= 9  # no int() of a huge text
        limit = read_limit("limit", int(given_limit) if digits else None)
        found, answer["limit"] = found[:limit], limit
    return {**answer, "properties": [{"id": p.id, "name": names[p.id]} for p in found]}


def extend(raw: str) -> dict[str, Any]:
    """The data extension response to a data extension query: meta (the properties, as asked) and a row per id
    (an id the service does not know: a row without values)."""
    ids, asked = read_extend(raw)
    table, types = extension(), catalogue().type_names
    names = table.names
    meta = [{"id": pid, "name": names[pid],
             **({"type": {"id": kind, "name": types[kind]}} if (kind := BY_ID[pid].type) else {})} for pid in asked]
    prefix = base_iri() + "id/"
    rows = {}
    for given in ids:
        held = table.values.get(given.removeprefix(prefix), {})
        rows[given] = {pid: held.get(pid, []) for pid in asked}
    return {"meta": meta, "rows": rows}


def read_extend(raw: str) -> tuple[list[str], list[str]]:
    """The ids and property ids of a data extension query, checked against the spec's schema and the caps."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: JSON nested too deep
        raise bad("extend", "is not JSON (a data extension query: {\"ids\": [...], \"properties\": [{\"id\": ...}]})"
                  ) from None
    if not isinstance(data, dict) or not FIELDS <= set(data):
        raise bad("extend", "must be a JSON object with ids and properties")
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        raise bad(f"extend.{unknown[0]}", "is not a field of a data extension query (ids, properties)")
    ids, properties = data["ids"], data["properties"]
    if not isinstance(ids, list):
        raise bad("extend.ids", "must be a list of entity ids")
    if len(ids) > cap("RECONCILE_MAX_EXTEND_IDS"):
        raise bad("extend.ids", f"holds {len(ids)} ids; at most {cap('RECONCILE_MAX_EXTEND_IDS')} in one request")
    for position, given in enumerate(ids):
        if not isinstance(given, str) or len(given) > cap("RECONCILE_MAX_QUERY_CHARS"):
            raise bad(f"extend.ids[{position}]",
                      f"must be an entity id (a string of at most {cap('RECONCILE_MAX_QUERY_CHARS')} characters)")
    if not isinstance(properties, list):
        raise bad("extend.properties", "must be a list of {\"id\": ...}")
    if len(properties) > len(PROPERTIES):
        raise bad("extend.properties", f"at most {len(PROPERTIES)} properties in one request")
    asked: list[str] = []
    for position, item in enumerate(properties):
        asked.append(read_property(f"extend.properties[{position}]", item, asked))
    return ids, asked


def read_property(where: str, item: Any, asked: list[str]) -> str:
    """The id of one property of a data extension query: known, asked once, without settings (none is offered)."""
    if not isinstance(item, dict) or "id" not in item:
        raise bad(where, "must be an object with an id")
    unknown = sorted(set(item) - PROPERTY_FIELDS)
    if unknown:
        raise bad(f"{where}.{unknown[0]}", "is not a field of a property (id, settings)")
    pid = item["id"]
    if not isinstance(pid, str) or pid not in BY_ID:
        raise bad(f"{where}.id", f"unknown property {str(pid)[:60]!r} (known: {', '.join(BY_ID)})")
    if pid in asked:
        raise bad(f"{where}.id", f"{pid!r} is asked twice")
    settings = item.get("settings", {})
    if not isinstance(settings, dict) or settings:
        raise bad(f"{where}.settings", "this service offers no property settings: leave it out or send {}")
    return pid
