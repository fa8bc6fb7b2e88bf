"""Error responses: a clear status and a small valid body, never a stack trace.

A client that prefers JSON gets RFC 9457 problem details (``application/problem+json``), others get
``text/plain``. Errors caused by a request parameter name it (``"parameter": "query"``).
"""

from __future__ import annotations

import json
import logging

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from .negotiation import best_offer

log = logging.getLogger(__name__)


class ProtocolError(Exception):
    """An error answered with ``status``; ``parameter`` names the request parameter at fault."""

    def __init__(
        self, status: int, message: str, parameter: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameter = parameter
        self.headers = headers or {}


_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    408: "Request Timeout",
    411: "Length Required",
    413: "Content Too Large",
    414: "URI Too Long",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def render_error(status: int, message: str, parameter: str | None, accept: str | None) -> tuple[bytes, str]:
    """The body and Content-Type of an error: problem JSON if the client prefers JSON, else text."""
    title = _TITLES.get(status, "Error")
    best = best_offer(accept, _ERROR_TYPES) if accept else None
    if best in ("application/problem+json", "application/json"):
        problem: dict[str, object] = {"type": "about:blank", "title": title, "status": status, "detail": message}
        if parameter:
            problem["parameter"] = parameter
        return json.dumps(problem, ensure_ascii=False).encode(), "application/problem+json"
    text = f"{status} {title}: {message}"
    if parameter:
        text += f" (parameter: {parameter})"
    return (text + "\n").encode(), "text/plain; charset=utf-8"


_ERROR_TYPES = ["text/plain", "application/problem+json", "application/json"]


def error_response(
    status: int, message: str, parameter: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    """The response for an error, in JSON or plain text as the client prefers."""
    body, content_type = render_error(status, message, parameter, request.headers.get("Accept") if request else None)
    response = Response(body, status=status, content_type=content_type)
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def register_error_handlers(app: Flask) -> None:
    """Answer every error with :func:`error_response`."""

    @app.errorhandler(ProtocolError)
    def _protocol_error(exc: ProtocolError) -> Response:
        return error_response(exc.status, exc.message, exc.parameter, exc.headers)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        message = exc.description or _TITLES.get(status, "error")
        headers = {}
        if status == 405 and exc.valid_methods:  # type: ignore[attr-defined]
            headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
        if status == 413:
            message = "the request body is larger than this server accepts"
        return error_response(status, message, headers=headers)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(500, "the server failed to answer this request; the error was logged")
