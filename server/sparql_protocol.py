"""The SPARQL 1.1 Protocol at /sparql, answered on the gateway's event loop (no Flask, no thread).

- Query by GET (``?query=``), POST form-encoded (``query=``) and POST direct
  (``application/sparql-query``); update by POST form-encoded (``update=``) and POST direct
  (``application/sparql-update``). ``default-graph-uri`` / ``named-graph-uri`` and
  ``using-graph-uri`` / ``using-named-graph-uri`` set the dataset.
- A GET without a query answers the service description (a Flask view: service_description.py); a
  browser (Accept preferring text/html) is sent to the query editor, /query.
- Queries are answered by the query service (query_service.py): validators, caches, the engines.

:func:`parse` reads a request into a :class:`~server.query_service.QueryRequest`, an
:class:`UpdateRequest` or None (the service description), or raises ProtocolError naming the
parameter at fault.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from werkzeug.datastructures import MultiDict
from werkzeug.http import parse_options_header

from . import negotiation
from .backends import Dataset
from .errors import ProtocolError
from .query_service import QueryRequest

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri")
USING_PARAMETERS = ("using-graph-uri", "using-named-graph-uri")


@dataclass(frozen=True, slots=True)
class UpdateRequest:
    update: str
    base_iri: str
    using: tuple[str, ...]
    using_named: tuple[str, ...]
    authorization: str | None


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """What the protocol needs of an HTTP request (header names in lower case)."""

    method: str
    query_string: str
    headers: dict[str, str]
    body: bytes = b""


def only_query(query_string: str) -> str | None:
    """The query of a query string that has nothing else (the most frequent request), or None.

    urllib.parse decodes a query with 60 escapes in 11 µs of Python; turned into ``\\xXX`` escapes it
    is decoded by the interpreter's C codec in under 2 µs. Anything unusual (raw non-ASCII, a ``%``
    without two hex digits, bytes that are not UTF-8) is left to the general parser.
    """
    if not query_string.startswith("query=") or "&" in query_string:
        return None
    try:
        raw = query_string[6:].replace("+", " ").encode("ascii")
    except UnicodeEncodeError:
        return None
    if b"%" not in raw:
        return raw.decode("ascii")
    try:
        text = raw.replace(b"\\", b"\\\\").replace(b"%", b"\\x").decode("unicode_escape")
        return text.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return None


def _parameters(text: str, where: str) -> MultiDict[str, str]:
    try:
        return MultiDict(parse_qsl(text, keep_blank_values=True, strict_parsing=False, errors="strict"))
    except (UnicodeDecodeError, ValueError):
        raise ProtocolError(
            400, f"the {where} cannot be decoded (bad percent-encoding or not UTF-8)", "query"
        ) from None


def _single(params: MultiDict[str, str], name: str) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        raise ProtocolError(400, f"the parameter {name!r} must be given once, not {len(values)} times", name)
    return values[0] if values else None


def _iris(params: MultiDict[str, str], name: str) -> tuple[str, ...]:
    values = tuple(params.getlist(name))
    for value in values:
        if not urlsplit(value).scheme or any(c in value for c in ' <>"{}|\\^`') or any(ord(c) < 32 for c in value):
            raise ProtocolError(400, f"{value!r} is not an absolute IRI", name)
    return values


def _format_parameter(params: MultiDict[str, str]) -> str | None:
    for name in ("format", "output"):
        value = params.get(name)
        if value:
            if not negotiation.known_format_value(value):
                raise ProtocolError(400, str(negotiation.UnknownFormat(name, value)), name)
            return value
    return None


def _body_text(body: bytes, name: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, "the request body is not valid UTF-8", name) from None


def _check_charset(params: dict[str, str]) -> None:
    charset = params.get("charset")
    if charset and charset.strip().lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"the request body must be UTF-8 encoded, not {charset}", "Content-Type")


def parse(request: HttpRequest, base_iri: str) -> QueryRequest | UpdateRequest | None:
    """Read a /sparql request (see the module documentation)."""
    headers = request.headers
    if request.method in ("GET", "HEAD"):
        params = _parameters(request.query_string, "query string")
        if "update" in params:
            raise ProtocolError(405, "updates must be sent with POST", "update", {"Allow": "GET, POST"})
        query = _single(params, "query")
        return None if query is None else _query(query, params, request, base_iri)
    content_type = headers.get("content-type")
    if not content_type:
        raise ProtocolError(
            400,
            "a POST needs a Content-Type: application/x-www-form-urlencoded, "
            "application/sparql-query or application/sparql-update",
            "Content-Type",
        )
    media_type, options = parse_options_header(content_type)
    media_type = media_type.lower()
    if media_type not in (FORM, SPARQL_QUERY, SPARQL_UPDATE):
        raise ProtocolError(
            415,
            f"unsupported Content-Type {media_type!r}; use application/x-www-form-urlencoded, "
            "application/sparql-query or application/sparql-update",
            "Content-Type",
        )
    _check_charset({k.lower(): v for k, v in options.items()})
    url_params = _parameters(request.query_string, "query string")
    if media_type == FORM:
        form = _parameters(_body_text(request.body, "query"), "form-encoded body")
        params = MultiDict(list(url_params.items(multi=True)) + list(form.items(multi=True)))
        query, update = _single(params, "query"), _single(params, "update")
        if query is not None and update is not None:
            raise ProtocolError(400, "a request carries either a query or an update, not both", "update")
        if query is not None:
            return _query(query, params, request, base_iri)
        if update is not None:
            return _update(update, params, request, base_iri)
        raise ProtocolError(400, "the form has neither a 'query' nor an 'update' parameter", "query")
    if media_type == SPARQL_QUERY:
        if "query" in url_params:
            raise ProtocolError(400, "a direct POST carries the query in its body, not as a parameter", "query")
        return _query(_body_text(request.body, "query"), url_params, request, base_iri)
    if "update" in url_params:
        raise ProtocolError(400, "a direct POST carries the update in its body, not as a parameter", "update")
    return _update(_body_text(request.body, "update"), url_params, request, base_iri)


def _query(query: str, params: MultiDict[str, str], request: HttpRequest, base_iri: str) -> QueryRequest:
    default_graphs = _iris(params, "default-graph-uri")
    named_graphs = _iris(params, "named-graph-uri")
    if any(params.getlist(name) for name in USING_PARAMETERS):
        raise ProtocolError(
            400, "using-graph-uri / using-named-graph-uri apply to updates, not queries", "using-graph-uri"
        )
    headers = request.headers
    return QueryRequest(
        query,
        base_iri,
        Dataset(default_graphs, named_graphs, bool(default_graphs or named_graphs)),
        headers.get("accept"),
        _format_parameter(params),
        request.method,
        headers.get("if-none-match"),
        headers.get("if-modified-since"),
    )


def _update(update: str, params: MultiDict[str, str], request: HttpRequest, base_iri: str) -> UpdateRequest:
    if any(params.getlist(name) for name in DATASET_PARAMETERS):
        raise ProtocolError(
            400,
            "default-graph-uri / named-graph-uri apply to queries; updates take "
            "using-graph-uri / using-named-graph-uri",
            "default-graph-uri",
        )
    return UpdateRequest(
        update,
        base_iri,
        _iris(params, "using-graph-uri"),
        _iris(params, "using-named-graph-uri"),
        request.headers.get("authorization"),
    )


