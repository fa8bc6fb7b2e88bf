"""Pictures of the networks, in the browser: an interactive network (Cytoscape.js), a world map of
participation (world-atlas + topojson-client), an ISCM x ISCM overlap heatmap and a State x ISCM membership
matrix. The JavaScript packages come from the npm registry (package.json, ``npm ci``), travel in the release
(iscm_kg/vendor.py) and are served by ``/vendor/networks/{file}``: no CDN at run time. The pages read the JSON API of
networks_api.py."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, send_file

from iscm_kg import vendor

from .errors import error_response
from .release_info import release_dir

bp = Blueprint("network_pages", __name__, static_folder="static/networks", static_url_path="/networks/static")

NETWORK_FILES = ("cytoscape.min.js", "topojson-client.min.js", "countries-110m.json")
NETWORK_CHOICES = [
    ("shared_membership", "ISCMs sharing member States"),
    ("iscm_backbone", "ISCMs sharing more member States than chance (backbone)"),
    ("state_iscm", "States and ISCMs, by role"),
    ("synergy", "Synergy score between ISCMs"),
    ("thematic_similarity", "Thematic similarity (Annex 10)"),
    ("cooperation", "Documented cooperation"),
    ("iscm_organization", "ISCMs and organizations"),
    ("co_membership", "States in the same ISCMs"),
    ("state_backbone", "States sharing more ISCMs than chance (backbone)"),
]


def vendor_installed() -> bool:
    return all(vendor.path(release_dir(), name) for name in NETWORK_FILES)


@bp.route("/vendor/networks/<name>")
def vendor_file(name: str) -> Response:
    file = vendor.path(release_dir(), name) if name in NETWORK_FILES else None
    if file is None:
        return error_response(404, f"{name!r} is not bundled with this release (built without `npm ci`?)")
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
