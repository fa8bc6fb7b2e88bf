"""The home page: counts of the release, its build and validation, the ISCMs of Annex 2 and some of the
canned questions."""

from __future__ import annotations

from flask import Response

from iscm_kg.querying import QueryFile

from ..dataset import archive_name, build_info, query_files, schema_org_record, site_root
from .common import q, val
from .lists import mechanism_list
from .templating import render

# Canned questions shown on the home page (the network queries have their own pages).
PREVIEW_QUERIES = 8


# the home page's counts: caption -> the column of queries/site/home-counts.rq
COUNTS = {"ISCMs": "iscms", "States": "states", "Territories": "territories", "Organizations": "organizations",
          "Memberships and roles": "memberships", "Themes": "themes"}


def counts() -> dict[str, int]:
    row = next(iter(q("home-counts")), {})
    return {caption: int(val(row, column) or 0) for caption, column in COUNTS.items()}


def queries_preview() -> list[QueryFile]:
    return [qf for qf in query_files().values() if not qf.name.startswith("network-")][:PREVIEW_QUERIES]


def home() -> Response:
    annex2 = [m for m in mechanism_list() if m["annex2"] is not None]
    return render(
        "home.html",
        counts=counts(),
        info=build_info(),
        annex2=sorted(annex2, key=lambda m: m["annex2"]),
        queries=queries_preview(),
        schema_org=schema_org_record(),
        archive=archive_name(),
        site_root=site_root(),
    )
