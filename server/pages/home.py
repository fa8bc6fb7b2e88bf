"""The home page: counts of the release, its build and validation, the ISCMs of Annex 2 and some of the
canned questions."""

from __future__ import annotations

from flask import Response

from iscm_kg.querying import QueryFile

from ..dataset import base_iri, build_info, query_files
from .common import q, val
from .lists import mechanism_list
from .queries_sparql import home_count_queries
from .templating import render

# Canned questions shown on the home page (the network queries have their own pages).
PREVIEW_QUERIES = 8


def count(query: str) -> int:
    """The ?n of a COUNT query (0 without a row)."""
    rows = q(query)
    return int(val(rows[0], "n") or 0) if rows else 0


def queries_preview() -> list[QueryFile]:
    return [qf for qf in query_files().values() if not qf.name.startswith("network-")][:PREVIEW_QUERIES]


def home() -> Response:
    counts = {caption: count(query) for caption, query in home_count_queries(base_iri()).items()}
    annex2 = [m for m in mechanism_list() if m["annex2"] is not None]
    return render(
        "home.html",
        counts=counts,
        info=build_info(),
        annex2=sorted(annex2, key=lambda m: m["annex2"]),
        queries=queries_preview(),
    )
