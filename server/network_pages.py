"""Pictures of the networks, in the browser: an interactive network (Cytoscape.js), a world map of
participation (world-atlas + topojson-client), an ISCM x ISCM overlap heatmap and a State x ISCM membership
matrix. The JavaScript packages come from the npm registry (package.json, ``npm ci``) and are served from
node_modules by ``/vendor/networks/{file}``: no CDN at run time. The pages read the JSON API of
networks_api.py."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, send_file

from .errors import error_response

bp = Blueprint("network_pages", __name__, static_folder="static/networks", static_url_path="/networks/static")

ROOT = Path(__file__).resolve().parent.parent
VENDOR = {
    "cytoscape.min.js": ("cytoscape", "dist/cytoscape.min.js"),
    "topojson-client.min.js": ("topojson-client", "dist/topojson-client.min.js"),
    "countries-110m.json": ("world-atlas", "countries-110m.json"),
}
NETWORK_CHOICES = [
    ("shared_membership", "ISCMs sharing member States"),
    ("state_iscm", "States and ISCMs, by role"),
    ("synergy", "Synergy score between ISCMs"),
    ("thematic_similarity", "Thematic similarity (Annex 10)"),
    ("cooperation", "Documented cooperation"),
    ("iscm_organization", "ISCMs and organizations"),
    ("co_membership", "States in the same ISCMs"),
]


def node_modules() -> Path:
    return Path(current_app.config.get("NODE_MODULES") or ROOT / "node_modules")


def vendor_installed() -> bool:
    return all((node_modules() / package / path).is_file() for package, path in VENDOR.values())


@bp.route("/vendor/networks/<name>")
def vendor(name: str) -> Response:
    if name not in VENDOR:
        return error_response(404, f"no vendored file {name!r}")
    package, path = VENDOR[name]
    file = node_modules() / package / path
    if not file.is_file():
        return error_response(404, f"{package} is not installed: run `npm ci` (make setup) in the project folder")
    response = send_file(file, max_age=86400)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def _page(template: str, **context: object) -> Response:
    body = render_template(
        f"networks/{template}", nav="networks", installed=vendor_installed(), networks=NETWORK_CHOICES, **context
    )
    return Response(body, content_type="text/html; charset=utf-8")


@bp.route("/networks")
def networks() -> Response:
    return _page("graph.html")


@bp.route("/map")
def world_map() -> Response:
    return _page("map.html")


@bp.route("/overlaps")
def overlaps() -> Response:
    return _page("overlaps.html")


@bp.route("/matrix")
def matrix() -> Response:
    return _page("matrix.html")
