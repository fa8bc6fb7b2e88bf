"""HTML pages for people: home, ISCM, State, organization, theme and region pages, lists, search, the
source texts and a generic page for any other IRI. Content comes from SPARQL run natively through the
app's backend (linked_data.select); templates share one layout (templates/base.html) and need no script.

The blueprint and its URL rules are here; each module below does one job:

- the SPARQL they run: queries/site/*.rq (``common.q``);
- ``common``: running it, reading rows, labels and short names;
- ``facts``: facts, incoming links and memberships of one thing, with their sources;
- ``templating``: template globals and filters, ``render``;
- ``home``, ``lists``, ``search``, ``source``: those pages;
- ``resource``: ``/page/…`` by kind (``mechanism``, ``state``, ``organization``) or the generic page.
"""

from __future__ import annotations

from flask import Blueprint, Response

from ..dataset import not_found_response
from . import home, lists, resource, search, source, templating

__all__ = ["bp"]

bp = Blueprint("pages", __name__)
templating.register(bp)

# Endpoint names are the view functions' names (pages.home, pages.page, …), as before the split.
for rule, view in (
    ("/", home.home),
    ("/mechanisms", lists.mechanisms),
    ("/states", lists.states),
    ("/organizations", lists.organizations),
    ("/themes", lists.themes),
    ("/regions", lists.regions),
    ("/search", search.search),
    ("/page/<path:path>", resource.page),
    ("/source/<key>", source.source_text),
):
    bp.add_url_rule(rule, view_func=view)


@bp.errorhandler(404)
def _not_found(_exc: Exception) -> Response:
    # abort(404) in these views answers like any unknown IRI: a page for browsers, text for programs.
    return not_found_response()
