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

from .access_log import AccessLog
from .backends import Backend, create_backend
from .config import load_config
from .cors import COMMON_HEADERS, PREFLIGHT_HEADERS
from .errors import register_error_handlers
from .executor import Executor, Recycler
from .http_cache import ResultCache

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


def create_app(config_overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the application. ``config_overrides`` wins over environment variables and defaults."""
    # Imported here, not at the top: prometheus_client picks its multi-process mode when first imported,
    # and serve.py sets PROMETHEUS_MULTIPROC_DIR after this package was imported.
    from .fast_path import FastPath
    from .ops import RECYCLES, MetricsMiddleware
    from .query_service import QueryService

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
    cache = ResultCache(int(config["RESULT_CACHE_ENTRIES"]), int(config["RESULT_CACHE_MAX_BYTES"]))
    app.extensions["iscm_result_cache"] = cache
    service = QueryService(backend, executor, cache, config)
    app.extensions["iscm_query_service"] = service

    register_error_handlers(app)
    for blueprint in BLUEPRINTS():
        app.register_blueprint(blueprint)

    @app.after_request
    def _common_headers(response: Response) -> Response:
        headers = response.headers
        for name, value in COMMON_HEADERS:
            headers.setdefault(name, value)
        if request.method == "OPTIONS":  # CORS preflight (Flask answers OPTIONS itself)
            for name, value in PREFLIGHT_HEADERS:
                headers[name] = value
        return response

    recycler.on_trigger = RECYCLES.inc
    fast = FastPath(app.wsgi_app, service, int(config["RESULT_CACHE_ENTRIES"]))
    access_log = AccessLog(config["ACCESS_LOG"]) if config.get("ACCESS_LOG") else None
    app.wsgi_app = MetricsMiddleware(fast, access_log)  # type: ignore[method-assign]
    return app


def get_backend(app: Flask) -> Backend:
    """The backend of ``app`` (for other blueprints: run SPARQL through it)."""
    return app.extensions["iscm_backend"]
