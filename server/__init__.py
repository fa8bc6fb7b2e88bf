"""The ISCM knowledge graph web application (Flask).

``create_app()`` builds the app: configuration (config.py), the backend that evaluates SPARQL
(backends.py, exported as ``app.extensions["iscm_backend"]`` for every blueprint), the query executor
with its deadline (executor.py), the result cache, CORS, error handling, metrics, and the blueprints
listed in :data:`BLUEPRINTS`. Run it in production with ``iscm-kg serve`` (serve.py, Granian).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Flask, Response, request

from .backends import Backend, create_backend
from .config import load_config
from .errors import register_error_handlers
from .executor import Executor, Recycler
from .http_cache import RepeatedGetMiddleware, ResultCache

__all__ = ["BLUEPRINTS", "create_app", "get_backend"]


def _blueprints() -> list[Blueprint]:
    from . import (
        downloads,
        graph_store,
        linked_data,
        network_pages,
        networks_api,
        ops,
        pages,
        query_api,
        query_ui,
        sparql_protocol,
    )

    return [
        sparql_protocol.bp,
        graph_store.bp,
        ops.bp,
        linked_data.bp,
        pages.bp,
        downloads.bp,
        query_api.bp,
        query_ui.bp,
        networks_api.bp,
        network_pages.bp,
    ]


# The blueprints of the app, registered in this order. Other parts of the site add theirs here.
BLUEPRINTS = _blueprints

CORS_EXPOSED = "ETag, Last-Modified, Location, X-SPARQL-MaxRows, X-Result-Truncated, Retry-After"


def create_app(config_overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the application. ``config_overrides`` wins over environment variables and defaults."""
    config = load_config(config_overrides)
    app = Flask(__name__)
    app.config.update(config)
    app.config["MAX_CONTENT_LENGTH"] = int(config["MAX_REQUEST_BYTES"])
    app.json.sort_keys = False  # type: ignore[attr-defined]

    backend = config.get("BACKEND") or create_backend(config)
    recycler = Recycler(grace_seconds=float(config["QUERY_TIMEOUT"]) + 20)
    executor = Executor(
        max_threads=int(config["MAX_CONCURRENT_QUERIES"]),
        on_runaway=recycler.trigger if backend.runs_in_process else None,
    )
    app.extensions["iscm_backend"] = backend
    app.extensions["iscm_executor"] = executor
    app.extensions["iscm_recycler"] = recycler
    app.extensions["iscm_result_cache"] = ResultCache(
        int(config["RESULT_CACHE_ENTRIES"]), int(config["RESULT_CACHE_MAX_BYTES"])
    )

    register_error_handlers(app)
    for blueprint in BLUEPRINTS():
        app.register_blueprint(blueprint)

    @app.after_request
    def _common_headers(response: Response) -> Response:
        headers = response.headers
        # CORS: any origin, never with credentials (no cookies are used; updates use a bearer token).
        headers["Access-Control-Allow-Origin"] = "*"
        headers["Access-Control-Expose-Headers"] = CORS_EXPOSED
        headers.setdefault("X-Content-Type-Options", "nosniff")
        if request.method == "OPTIONS":  # CORS preflight (Flask answers OPTIONS itself)
            headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, PUT, DELETE, OPTIONS"
            headers["Access-Control-Allow-Headers"] = (
                "Accept, Authorization, Content-Type, If-None-Match, If-Modified-Since"
            )
            headers["Access-Control-Max-Age"] = "86400"
        return response

    from .ops import CACHE_HITS, RECYCLES, MetricsMiddleware

    recycler.on_trigger = RECYCLES.inc
    repeated = RepeatedGetMiddleware(
        app.wsgi_app, lambda: backend.version.tag, int(config["RESULT_CACHE_ENTRIES"]), CACHE_HITS.inc
    )
    app.wsgi_app = MetricsMiddleware(repeated)  # type: ignore[method-assign]
    return app


def get_backend(app: Flask) -> Backend:
    """The backend of ``app`` (for other blueprints: run SPARQL through it)."""
    return app.extensions["iscm_backend"]
