"""The network API: the overlap and synergy networks of the analysis (``iscm-kg analyze`` / the build write
them into the release's networks/ folder), as JSON, with filters.

- ``GET /api/networks``: the networks and tables, with their summaries;
- ``GET /api/networks/{name}``: one network in node-link JSON (``nodes``, ``edges``), filtered by
  ``type`` (node types: rcp, irf, global, other, state, territory, organization, or an organization kind;
  mechanism types filter mechanisms, the others filter parties), ``region`` (States by UN M49 region or
  sub-region; mechanisms by the regions they cover, where the network has no States), ``theme`` (mechanisms
  whose Annex 10 themes include it, by key), ``role`` (edges by role: member, observer, partner,
  former-member, participant; secretariat, associated, support ... for organizations), ``min_weight`` (edges
  whose ``weight``, or the attribute named by ``weight=``, is at least this), and ``isolates`` (``keep`` or
  ``drop``; by default nodes left without edges are dropped when a filter is given). Several values: commas.
- ``GET /api/networks/tables/{name}``: one table of the analysis (candidate synergies, overlaps ...) as JSON.
- ``GET /networks/files/{file}``: the exported files (GEXF, GraphML, CSV, JSON) for download.

Everything is read from the release's files (never from data/); the release folder is resolved once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, jsonify, request, send_from_directory

from .errors import error_response
from .release_info import parsed, release_dir

bp = Blueprint("networks_api", __name__)

MECHANISM_TYPES = {"rcp", "irf", "global", "other", "mechanism"}


def networks_dir() -> Path:
    """The release's networks/ folder."""
    return release_dir() / "networks"


def load_json(path: Path) -> Any:
    """A JSON file of the release, parsed once per version of it (FileNotFoundError when missing)."""
    return parsed("json", path, _read_json)


def _read_json(path: Path | None) -> Any:
    if path is None:
        raise FileNotFoundError("no such file in the release")
    return json.loads(path.read_text(encoding="utf-8"))


class Unavailable(Exception):
    pass


def index() -> dict[str, Any]:
    path = networks_dir() / "index.json"
    if not path.is_file():
        raise Unavailable(f"no network analysis in the release ({path}): run `iscm-kg build` or `iscm-kg analyze`")
    return load_json(path)


def _values(name: str) -> list[str]:
    raw = request.args.get(name, "")
    return [v.strip() for v in raw.split(",") if v.strip()]


def filter_network(
    data: dict[str, Any],
    types: list[str],
    regions: list[str],
    themes: list[str],
    roles: list[str],
    min_weight: float | None,
    weight: str = "weight",
    isolates: str | None = None,
) -> dict[str, Any]:
    """The network with the filters applied (see the module documentation)."""
    nodes = data["nodes"]
    has_parties = any(n.get("kind") != "mechanism" for n in nodes)
    mech_types = {t for t in types if t in MECHANISM_TYPES}
    party_types = {t for t in types if t not in MECHANISM_TYPES}
    wanted_regions = {r.lower() for r in regions}

    def keep(node: dict[str, Any]) -> bool:
        is_mechanism = node.get("kind") == "mechanism"
        if is_mechanism:
            if mech_types and node.get("type") not in mech_types and "mechanism" not in mech_types:
                return False
            if themes and not set(themes) & set(str(node.get("themes", "")).split("|")):
                return False
            if wanted_regions and not has_parties:
                covered = str(node.get("regions", "")).lower()
                if not any(r in covered for r in wanted_regions):
                    return False
            return True
        if party_types and node.get("type") not in party_types and node.get("kind") not in party_types:
            return False
        if (
            wanted_regions
            and not {str(node.get("region", "")).lower(), str(node.get("subregion", "")).lower()} & wanted_regions
        ):
            return False
        return True

    kept = {n["id"] for n in nodes if keep(n)}
    edges = []
    for edge in data["edges"]:
        if edge["source"] not in kept or edge["target"] not in kept:
            continue
        if roles and "role" in edge and edge["role"] not in roles:
            continue
        if min_weight is not None and float(edge.get(weight, 0) or 0) < min_weight:
            continue
        edges.append(edge)
    filtered = any([types, regions, themes, roles, min_weight is not None])
    if (isolates or ("drop" if filtered else "keep")) == "drop":
        linked = {e["source"] for e in edges} | {e["target"] for e in edges}
        kept &= linked
    out = {key: value for key, value in data.items() if key not in ("nodes", "edges")}
    out["graph"] = {
        **data.get("graph", {}),
        "filters": {
            "type": types,
            "region": regions,
            "theme": themes,
            "role": roles,
            "min_weight": min_weight,
            "weight": weight,
            "isolates": isolates or ("drop" if filtered else "keep"),
        },
    }
    out["nodes"] = [n for n in nodes if n["id"] in kept]
    out["edges"] = edges
    return out


def openapi_paths(error: dict[str, Any]) -> dict[str, Any]:
    """The network API's paths for the OpenAPI document (names listed when the release has networks)."""
    try:
        data = index()
        network_names, table_names = sorted(data["networks"]), sorted(data["tables"])
    except Unavailable:
        network_names, table_names = [], []

    def name(kind: str, names: list[str]) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", **({"enum": names} if names else {})}
        return {"name": "name", "in": "path", "required": True, "description": f"the {kind}", "schema": schema}

    def listed(param: str, text: str) -> dict[str, Any]:
        return {"name": param, "in": "query", "required": False, "description": text, "schema": {"type": "string"}}

    def get(operation: str, summary: str, parameters: list[dict[str, Any]], errors: tuple[str, ...]) -> dict[str, Any]:
        ok = {"description": summary, "content": {"application/json": {"schema": {"type": "object"}}}}
        return {
            "get": {
                "operationId": operation,
                "summary": summary,
                "tags": ["networks"],
                "parameters": parameters,
                "responses": {"200": ok, **{status: error for status in errors}},
            }
        }

    filters = [
        listed("type", "node types, commas: rcp, irf, global, other, state, territory, organization, or a kind"),
        listed("region", "States by UN M49 region or sub-region; mechanisms by the regions they cover"),
        listed("theme", "mechanisms whose Annex 10 themes include it (theme keys, commas)"),
        listed("role", "edges by role: member, observer, partner, former-member, participant, secretariat ..."),
        {
            "name": "min_weight",
            "in": "query",
            "required": False,
            "description": "edges whose weight (or the attribute named by `weight`) is at least this",
            "schema": {"type": "number"},
        },
        listed("weight", "the edge attribute min_weight applies to (default: weight)"),
        {
            "name": "isolates",
            "in": "query",
            "required": False,
            "description": "keep or drop nodes left without edges (default: drop when a filter is given)",
            "schema": {"type": "string", "enum": ["keep", "drop"]},
        },
    ]
    return {
        "/api/networks": get("listNetworks", "The overlap and synergy networks and tables", [], ("503",)),
        "/api/networks/{name}": get(
            "getNetwork",
            "One network in node-link JSON, filtered",
            [name("network", network_names), *filters],
            ("400", "404", "503"),
        ),
        "/api/networks/tables/{name}": get(
            "getNetworkTable", "One table of the network analysis", [name("table", table_names)], ("404", "503")
        ),
    }


def _json(data: Any) -> Response:
    response = jsonify(data)
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


@bp.route("/api/networks")
def list_networks() -> Response:
    try:
        data = index()
    except Unavailable as exc:
        return error_response(503, str(exc))
    networks = {
        name: {**entry, "url": f"/api/networks/{name}", "downloads": [f"/networks/files/{f}" for f in entry["files"]]}
        for name, entry in data["networks"].items()
    }
    tables = {
        name: {**entry, "url": f"/api/networks/tables/{name}", "download": f"/networks/files/{entry['file']}"}
        for name, entry in data["tables"].items()
    }
    return _json({"networks": networks, "tables": tables})


@bp.route("/api/networks/<name>")
def network(name: str) -> Response:
    try:
        data = index()
    except Unavailable as exc:
        return error_response(503, str(exc))
    if name not in data["networks"]:
        return error_response(404, f"no network {name!r}; known: {', '.join(sorted(data['networks']))}")
    raw = request.args.get("min_weight", "").strip()
    try:
        min_weight = float(raw) if raw else None
    except ValueError:
        return error_response(400, f"min_weight must be a number, not {raw!r}", parameter="min_weight")
    isolates = request.args.get("isolates") or None
    if isolates not in (None, "keep", "drop"):
        return error_response(400, "isolates must be keep or drop", parameter="isolates")
    weight = request.args.get("weight", "weight")
    graph = load_json(networks_dir() / f"{name}.json")
    return _json(
        filter_network(
            graph, _values("type"), _values("region"), _values("theme"), _values("role"), min_weight, weight, isolates
        )
    )


@bp.route("/api/networks/tables/<name>")
def table(name: str) -> Response:
    try:
        data = index()
    except Unavailable as exc:
        return error_response(503, str(exc))
    if name not in data["tables"]:
        return error_response(404, f"no table {name!r}; known: {', '.join(sorted(data['tables']))}")
    analysis = load_json(networks_dir() / "analysis.json")
    return _json({"name": name, "title": data["tables"][name]["title"], "rows": analysis["tables"][name]})


@bp.route("/networks/files/<name>")
def download(name: str) -> Response:
    folder = networks_dir()
    if "/" in name or name.startswith(".") or not (folder / name).is_file():
        return error_response(404, f"no file {name!r} in the network analysis")
    return send_from_directory(folder, name, max_age=300)
