"""Error responses: a clear status and a small valid body, never a stack trace.

A client that prefers JSON gets RFC 9457 problem details (``application/problem+json``), others get
``text/plain``. Errors caused by a request parameter name it (``"parameter": "query"``).
"""

from __future__ import annotations

import json
import logging

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

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
    413: "Content Too Large",
    414: "URI Too Long",
    415: "Unsupported Media Type",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def error_response(
    status: int, message: str, parameter: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    """The response for an error, in JSON or plain text as the client prefers."""
    title = _TITLES.get(status, "Error")
    accept = request.accept_mimetypes if request else None
    wants_json = bool(accept) and accept.best_match(["text/plain", "application/problem+json", "application/json"]) in (
        "application/problem+json",
        "application/json",
    )
    if wants_json:
        problem: dict[str, object] = {
            "type": "about:blank",
            "title": title,
            "status": status,
            "detail": message,
        }
        if parameter:
            problem["parameter"] = parameter
        body = json.dumps(problem, ensure_ascii=False)
        response = Response(body, status=status, content_type="application/problem+json")
    else:
        text = f"{status} {title}: {message}"
        if parameter:
            text += f" (parameter: {parameter})"
        response = Response(text + "\n", status=status, content_type="text/plain; charset=utf-8")
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
