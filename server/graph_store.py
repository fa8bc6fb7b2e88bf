"""The SPARQL 1.1 Graph Store HTTP Protocol at /store.

- Indirect identification: ``/store?graph=IRI`` or ``/store?default``; direct identification:
  ``/store/any/path`` names the graph whose IRI is that URL.
- GET and HEAD read a graph (always allowed); PUT replaces, POST adds (also multipart/form-data,
  and POST on /store itself creates a new graph and answers its IRI in Location), DELETE drops.
  Writes need updates switched on and the bearer token, like SPARQL Update.
"""

from __future__ import annotations

import uuid

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from . import negotiation
from .auth import require_update_rights
from .backends import BadData, parse_rdf
from .engine.store import EngineStore
from .errors import ProtocolError
from .http_cache import etag_for, http_date, not_modified, request_key
from .metrics import UPDATES

bp = Blueprint("graph_store", __name__)
_METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE"]


def _store() -> EngineStore:
    return current_app.extensions["iscm_store"]


def _require_update_rights() -> None:
    config = current_app.config
    require_update_rights(
        bool(config["UPDATES_ENABLED"]), config.get("UPDATE_TOKEN"), request.headers.get("Authorization")
    )


def _target(direct: bool) -> tuple[str | None, bool]:
    """(graph IRI or None for the default graph, whether a graph was named at all)."""
    if direct:
        try:
            ox.NamedNode(request.base_url)
        except ValueError:
            raise ProtocolError(400, "this URL is not a valid graph IRI", "graph") from None
        return request.base_url, True
    graphs = request.args.getlist("graph")
    has_default = "default" in request.args
    if graphs and has_default:
        raise ProtocolError(400, "give either ?graph=IRI or ?default, not both", "graph")
    if len(graphs) > 1:
        raise ProtocolError(400, "give one graph IRI", "graph")
    if graphs:
        iri = graphs[0]
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise ProtocolError(400, f"{iri!r} is not a valid IRI", "graph") from None
        return iri, True
    return None, has_default


@bp.route("/store", methods=_METHODS)
def indirect() -> Response:
    graph, named = _target(direct=False)
    if not named:
        if request.method == "POST":
            return _create_graph()
        raise ProtocolError(400, "name the graph with ?graph=IRI, or ?default for the default graph", "graph")
    return _dispatch(graph)


@bp.route("/store/<path:_path>", methods=_METHODS)
def direct(_path: str) -> Response:
    graph, _ = _target(direct=True)
    return _dispatch(graph)


def _dispatch(graph: str | None) -> Response:
    if request.method in ("GET", "HEAD"):
        return _read(graph)
    _require_update_rights()
    if request.method == "DELETE":
        return _delete(graph)
    triples = _payload(graph)
    store = _store()
    created = store.write_graph(graph, triples, replace=request.method == "PUT")
    _written(store)
    return Response(status=201 if created else 204)


def _read(graph: str | None) -> Response:
    store = _store()
    fmt = negotiation.choose(negotiation.RDF, request.headers.get("Accept"), request.args.get("format"))
    if fmt is None:
        offered = ", ".join(negotiation.offered_media_types(negotiation.RDF))
        raise ProtocolError(406, f"graphs are offered as: {offered}", "Accept")
    headers = {"Vary": "Accept"}
    version = store.version
    if version.tag is not None:
        etag = etag_for(request_key(version.tag, "graph", graph, fmt.key))
        headers["ETag"] = etag
        if version.last_modified is not None:
            headers["Last-Modified"] = http_date(version.last_modified)
        headers["Cache-Control"] = f"public, max-age={int(current_app.config['CACHE_MAX_AGE'])}"
        if not_modified(
            request.headers.get("If-None-Match"),
            request.headers.get("If-Modified-Since"),
            etag,
            version.last_modified,
        ):
            return Response(status=304, headers=headers)
    else:
        headers["Cache-Control"] = "no-cache"

    spool = store.dump_graph(graph, fmt.key)
    if spool is None:
        raise ProtocolError(404, f"there is no graph <{graph}> in this store", "graph")
    response = Response(spool.chunks(), content_type=fmt.content_type, headers=headers, direct_passthrough=True)
    response.headers["Content-Length"] = str(spool.size)
    if request.method == "HEAD":
        response.response = []
        spool.close()
    return response


def _payload(graph: str | None) -> list[ox.Triple]:
    """The triples sent in the request body (one document, or each part of a multipart form)."""
    base = graph or request.base_url
    if request.mimetype == "multipart/form-data":
        triples: list[ox.Triple] = []
        if not request.files:
            raise ProtocolError(400, "the multipart form holds no file", "Content-Type")
        for part in request.files.values():
            rdf_format = negotiation.rdf_format_for_content_type(part.content_type)
            if rdf_format is None:
                raise ProtocolError(
                    415,
                    f"part {part.name!r} has an unsupported Content-Type {part.content_type!r}",
                    "Content-Type",
                )
            triples += _parse(part.read(), rdf_format, base)
        return triples
    rdf_format = negotiation.rdf_format_for_content_type(request.headers.get("Content-Type"))
    if rdf_format is None:
        offered = ", ".join(negotiation.offered_media_types(negotiation.RDF))
        raise ProtocolError(415, f"send the graph as one of: {offered}", "Content-Type")
    return _parse(request.get_data(), rdf_format, base)


def _parse(data: bytes, rdf_format: ox.RdfFormat, base: str) -> list[ox.Triple]:
    try:
        return parse_rdf(data, rdf_format, base)
    except BadData as exc:
        raise ProtocolError(400, str(exc), "body") from None


def _delete(graph: str | None) -> Response:
    store = _store()
    existed = store.delete_graph(graph)
    _written(store)
    if not existed:
        raise ProtocolError(404, f"there is no graph <{graph}> in this store", "graph")
    return Response(status=204)


def _create_graph() -> Response:
    graph = request.url_root.rstrip("/") + "/store/" + uuid.uuid4().hex
    _require_update_rights()
    triples = _payload(graph)
    store = _store()
    store.write_graph(graph, triples, replace=True)
    _written(store)
    return Response(status=201, headers={"Location": graph})


def _written(store: EngineStore) -> None:
    UPDATES.labels(store.name).inc()
    current_app.extensions["iscm_result_cache"].clear()
