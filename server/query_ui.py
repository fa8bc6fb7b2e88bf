"""The query editor: YASGUI (npm package @zazuko/yasgui, served from node_modules by this route: no CDN at
run time) on our SPARQL endpoint, with every query of queries/ as a ready example.

- ``/query`` opens the editor. A shared link (YASGUI's share button, or ``/query#query=...``) reopens a
  query; result IRIs under the base link to our pages (static/query-ui.js rewrites them).
- ``/vendor/yasgui/{file}`` serves the package's build files.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, send_from_directory

from .linked_data import base_iri, not_found_response, prefixes
from .query_api import query_files

bp = Blueprint("query_ui", __name__)

ROOT = Path(__file__).resolve().parent.parent
YASGUI_FILES = {"yasgui.min.js", "yasgui.min.css", "yasgui.min.js.map"}


def yasgui_dir() -> Path:
    """Where the YASGUI build is installed (``npm ci`` puts it in node_modules)."""
    configured = current_app.config.get("NODE_MODULES")
    return Path(configured or ROOT / "node_modules") / "@zazuko" / "yasgui" / "build"


@bp.route("/vendor/yasgui/<name>")
def vendor(name: str) -> Response:
    folder = yasgui_dir()
    if name not in YASGUI_FILES or not (folder / name).is_file():
        return not_found_response(
            message=f"/vendor/yasgui/{name} is not installed: run `npm ci` (make setup) in the project folder"
        )
    response = send_from_directory(folder, name, max_age=86400)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/query")
def editor() -> Response:
    examples = [
        {"name": qf.name, "title": qf.title or qf.name, "description": qf.description, "query": qf.text}
        for qf in query_files().values()
    ]
    installed = (yasgui_dir() / "yasgui.min.js").is_file()
    body = render_template(
        "query_ui.html",
        examples=examples,
        installed=installed,
        config={"base": base_iri(), "endpoint": "/sparql", "prefixes": prefixes(), "examples": examples},
        nav="query",
    )
    return Response(body, content_type="text/html; charset=utf-8")
