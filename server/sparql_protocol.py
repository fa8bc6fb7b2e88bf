"""The SPARQL 1.1 Protocol at /sparql: queries, updates, and the service description.

- Query by GET (``?query=``), POST form-encoded (``query=``) and POST direct
  (``application/sparql-query``); update by POST form-encoded (``update=``) and POST direct
  (``application/sparql-update``). ``default-graph-uri`` / ``named-graph-uri`` and
  ``using-graph-uri`` / ``using-named-graph-uri`` set the dataset.
- A GET without a query answers the service description.
- Results are negotiated (see negotiation.py), evaluated natively under a deadline (executor.py),
  capped in rows, cached per dataset version (http_cache.py) and streamed.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import parse_qsl, urlsplit

from flask import Blueprint, Response, current_app, request
from werkzeug.datastructures import MultiDict

from . import negotiation, sparql_text
from .backends import Backend, Dataset
from .errors import ProtocolError
from .ops import UPDATES
from .query_service import QueryRequest, QueryService
from .service_description import service_description_response

bp = Blueprint("sparql", __name__)
log = logging.getLogger(__name__)
T = TypeVar("T")

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri")
USING_PARAMETERS = ("using-graph-uri", "using-named-graph-uri")


# --- reading the request ------------------------------------------------------------------------------


def _media_type() -> tuple[str | None, dict[str, str]]:
    header = request.headers.get("Content-Type")
    if not header:
        return None, {}
    mimetype = request.mimetype.lower()
    return mimetype, {k.lower(): v for k, v in request.mimetype_params.items()}


def _check_charset(params: dict[str, str]) -> None:
    charset = params.get("charset")
    if charset and charset.strip().lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"the request body must be UTF-8 encoded, not {charset}", "Content-Type")


def _body_text(name: str) -> str:
    data = request.get_data(cache=True)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, "the request body is not valid UTF-8", name) from None


def _url_parameters() -> MultiDict[str, str]:
    return request.args


def _form_parameters() -> MultiDict[str, str]:
    data = request.get_data(cache=True)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, "the form-encoded body is not valid UTF-8", "query") from None
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise ProtocolError(400, "the form-encoded body cannot be decoded", "query") from None
    return MultiDict(pairs)


def _single(params: MultiDict[str, str], name: str) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        raise ProtocolError(400, f"the parameter {name!r} must be given once, not {len(values)} times", name)
    return values[0] if values else None


def _iris(params: MultiDict[str, str], name: str) -> tuple[str, ...]:
    values = tuple(params.getlist(name))
    for value in values:
        parts = urlsplit(value)
        if not parts.scheme or any(c in value for c in ' <>"{}|\\^`'):
            raise ProtocolError(400, f"{value!r} is not an absolute IRI", name)
    return values


def _dataset(params: MultiDict[str, str]) -> Dataset:
    default_graphs = _iris(params, "default-graph-uri")
    named_graphs = _iris(params, "named-graph-uri")
    return Dataset(default_graphs, named_graphs, bool(default_graphs or named_graphs))


def _endpoint_url() -> str:
    """The endpoint's own URL (the base IRI of queries): configured, or the URL this request used."""
    return query_service().endpoint_url(request.environ)


# --- the route -----------------------------------------------------------------------------------------


@bp.route("/sparql", methods=["GET", "POST", "HEAD"])
def sparql() -> Response:
    if request.method in ("GET", "HEAD"):
        params = _url_parameters()
        if "update" in params:
            raise ProtocolError(405, "updates must be sent with POST", "update", {"Allow": "GET, POST"})
        query = _single(params, "query")
        if query is None:
            return service_description_response(_endpoint_url())
        return _answer_query(query, params)

    media_type, media_params = _media_type()
    if media_type == FORM:
        _check_charset(media_params)
        params = MultiDict(list(_url_parameters().items(multi=True)) + list(_form_parameters().items(multi=True)))
        query = _single(params, "query")
        update = _single(params, "update")
        if query is not None and update is not None:
            raise ProtocolError(400, "a request carries either a query or an update, not both", "update")
        if query is not None:
            return _answer_query(query, params)
        if update is not None:
            return _apply_update(update, params)
        raise ProtocolError(400, "the form has neither a 'query' nor an 'update' parameter", "query")
    if media_type == SPARQL_QUERY:
        _check_charset(media_params)
        params = _url_parameters()
        if "query" in params:
            raise ProtocolError(400, "a direct POST carries the query in its body, not as a parameter", "query")
        return _answer_query(_body_text("query"), params)
    if media_type == SPARQL_UPDATE:
        _check_charset(media_params)
        params = _url_parameters()
        if "update" in params:
            raise ProtocolError(400, "a direct POST carries the update in its body, not as a parameter", "update")
        return _apply_update(_body_text("update"), params)
    if media_type is None:
        raise ProtocolError(
            400,
            "a POST needs a Content-Type: application/x-www-form-urlencoded, "
            "application/sparql-query or application/sparql-update",
            "Content-Type",
        )
    raise ProtocolError(
        415,
        f"unsupported Content-Type {media_type!r}; use application/x-www-form-urlencoded, "
        "application/sparql-query or application/sparql-update",
        "Content-Type",
    )


# --- queries -------------------------------------------------------------------------------------------


def _format_parameter(params: MultiDict[str, str]) -> str | None:
    for name in ("format", "output"):
        value = params.get(name)
        if value:
            if not negotiation.known_format_value(value):
                raise ProtocolError(400, str(negotiation.UnknownFormat(name, value)), name)
            return value
    return None


def _answer_query(query: str, params: MultiDict[str, str]) -> Response:
    dataset = _dataset(params)
    if any(params.getlist(name) for name in USING_PARAMETERS):
        raise ProtocolError(
            400, "using-graph-uri / using-named-graph-uri apply to updates, not queries", "using-graph-uri"
        )
    headers = request.headers
    answer = query_service().answer(
        QueryRequest(
            query,
            _endpoint_url(),
            dataset,
            headers.get("Accept"),
            _format_parameter(params),
            request.method,
            headers.get("If-None-Match"),
            headers.get("If-Modified-Since"),
        )
    )
    response = Response(answer.body, status=answer.status, headers=answer.headers, direct_passthrough=True)
    if request.method == "HEAD":
        response.response = []
    return response


def query_service() -> QueryService:
    """The app's query service (query_service.py)."""
    return current_app.extensions["iscm_query_service"]


def run_with_deadline(work: Callable[[], T]) -> T:
    """Run backend work under the query deadline, its errors mapped to HTTP statuses."""
    return query_service().run(work)


# --- updates -------------------------------------------------------------------------------------------


def require_update_rights() -> None:
    """Refuse writes unless updates are on and the request carries the bearer token."""
    config = current_app.config
    if not config["UPDATES_ENABLED"]:
        raise ProtocolError(403, "updates are switched off on this endpoint", "update")
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    expected = str(config["UPDATE_TOKEN"])
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected.encode()):
        raise ProtocolError(
            401,
            "updates need an 'Authorization: Bearer <token>' header with the update token",
            "Authorization",
            {"WWW-Authenticate": 'Bearer realm="sparql-update"'},
        )


def _apply_update(update: str, params: MultiDict[str, str]) -> Response:
    require_update_rights()
    if not update.strip():
        raise ProtocolError(400, "the update is empty", "update")
    if any(params.getlist(name) for name in DATASET_PARAMETERS):
        raise ProtocolError(
            400,
            "default-graph-uri / named-graph-uri apply to queries; updates take "
            "using-graph-uri / using-named-graph-uri",
            "default-graph-uri",
        )
    using = list(_iris(params, "using-graph-uri"))
    using_named = list(_iris(params, "using-named-graph-uri"))
    backend: Backend = current_app.extensions["iscm_backend"]
    try:
        sparql_text.add_using_clauses(update, using, using_named)
    except sparql_text.DatasetConflict as exc:
        raise ProtocolError(400, str(exc), "using-graph-uri") from None
    try:
        sparql_text.check_services(update, current_app.config["SERVICE_ALLOWLIST"], _endpoint_url(), update=True)
    except sparql_text.ServiceNotAllowed as exc:
        raise ProtocolError(400, str(exc), "update") from None

    def work() -> None:
        backend.update(update, using, using_named, _base)

    _base = _endpoint_url()
    try:
        run_with_deadline(work)
    except ProtocolError as exc:
        if exc.parameter == "query":
            exc.parameter = "update"
        raise
    finally:
        current_app.extensions["iscm_result_cache"].clear()
    UPDATES.labels(backend.name).inc()
    return Response(status=204, headers={"Cache-Control": "no-store"})
