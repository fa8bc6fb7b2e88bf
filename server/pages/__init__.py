"""HTML pages for people: home, ISCM, State, organization, theme and region pages, lists, search, the
source texts and a generic page for any other IRI. Content comes from SPARQL run natively through the
app's backend (linked_data.select); templates share one layout (templates/base.html) and need no script.

The blueprint and its URL rules are here; each module below does one job:

- the SPARQL they run: queries/site/*.rq (``common.q``);
- ``common``: running it, reading rows, labels and short names;
- ``facts``: facts, incoming links and memberships of one thing, with their sources;
- ``templating``: template globals and filters, ``render``;
- ``home``, ``lists``, ``search``, ``source``: those pages;
- ``resource``: ``/page/…`` by kind (``mechanism``, ``state``, ``organization``, ``dataset``) or the generic page.

The favicon and the 404 answer of every path no route answers are here too.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from ..dataset import not_found_response
from . import compare, home, lists, resource, search, source, templating

__all__ = ["bp"]

bp = Blueprint("pages", __name__)
templating.register(bp)


def favicon() -> Response:
    # Browsers and crawlers ask for /favicon.ico whatever the pages link to: the same SVG icon.
    response = current_app.send_static_file("favicon.svg")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


# Endpoint names are the view functions' names (pages.home, pages.page, …), as before the split.
for rule, view in (
    ("/favicon.ico", favicon),
    ("/", home.home),
    ("/mechanisms", lists.mechanisms),
    ("/states", lists.states),
    ("/organizations", lists.organizations),
    ("/themes", lists.themes),
    ("/regions", lists.regions),
    ("/search", search.search),
    ("/search/suggest", search.suggest),
    ("/page/<path:path>", resource.page),
    ("/source/<key>", source.source_text),
    ("/compare/<a>/<b>", compare.compare),
):
    bp.add_url_rule(rule, view_func=view)


@bp.app_errorhandler(404)
def _not_found(_exc: Exception) -> Response:
    # Any path nobody answers (and abort(404) in a view) answers like an unknown IRI: a page with the site's
    # navigation for browsers, text or problem JSON for programs.
    return not_found_response()
