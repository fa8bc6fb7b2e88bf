"""The query editor: YASGUI (npm package @zazuko/yasgui, bundled with the release and served by this route: no
CDN at run time) on our SPARQL endpoint, with every query of queries/ as a ready example.

- ``/query`` opens the editor. A shared link (YASGUI's share button, or ``/query#query=...``) reopens a
  query; result IRIs under the base link to our pages (static/query-ui.js rewrites them).
- ``/vendor/yasgui/{file}`` serves the package's build files (iscm_kg/vendor.py).
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, send_file

from iscm_kg import vendor

from .dataset import base_iri, not_found_response, prefixes, query_files
from .release_info import release_dir

bp = Blueprint("query_ui", __name__)

YASGUI_FILES = {"yasgui.min.js", "yasgui.min.css"}


@bp.route("/vendor/yasgui/<name>")
def vendor_file(name: str) -> Response:
    file = vendor.path(release_dir(), name) if name in YASGUI_FILES else None
    if file is None:
        return not_found_response(message=f"/vendor/yasgui/{name} is not bundled with this release "
                                          "(built without `npm ci`?)")
    response = send_file(file, max_age=86400)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/query")
def editor() -> Response:
    examples = [
        {"name": qf.name, "title": qf.title or qf.name, "topic": qf.topic or "Other", "description": qf.description,
         "query": qf.text}
        for qf in query_files().values()
    ]
    topics: dict[str, list[dict[str, str]]] = {}
    for example in examples:  # in the order of the first query of each topic, queries by title within
        topics.setdefault(example["topic"], []).append(example)
    installed = vendor.path(release_dir(), "yasgui.min.js") is not None
    body = render_template(
        "query_ui.html",
        topics={topic: sorted(items, key=lambda e: e["title"]) for topic, items in topics.items()},
        installed=installed,
        config={"base": base_iri(), "endpoint": "/sparql", "prefixes": prefixes(), "examples": examples},
        nav="query",
    )
    return Response(body, content_type="text/html; charset=utf-8")
