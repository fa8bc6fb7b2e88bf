"""The ISCM knowledge graph web application.

The process model (docs/endpoint.md has the picture):

- ``iscm-kg serve`` (serve.py) starts the engine supervisor (engine/supervisor.py), which holds the
  store and forks the engine processes that evaluate every query, and Granian, whose web workers run
  the gateway (gateway.py): /sparql on the event loop, everything else in the Flask app built here.
- Flask views reach the data through ``app.extensions["iscm_store"]`` (engine/store.py): each
  operation is a job for an engine process, under the query deadline. No web worker holds a store.

``create_app(config, store, cache)`` builds the Flask app: configuration (config.py), CORS, error
handling, and the blueprints listed in :data:`BLUEPRINTS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, Response, request

from iscm_kg.settings import load_config

from .cors import COMMON_HEADERS, PREFLIGHT_HEADERS
from .errors import register_error_handlers
from .http_cache import ResultCache

if TYPE_CHECKING:
    from .engine.store import EngineStore

__all__ = ["BLUEPRINTS", "create_app", "get_store"]


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
        reconcile,
        service_description,
    )

    return [
        service_description.bp,
        graph_store.bp,
        ops.bp,
        linked_data.bp,
        pages.bp,
        downloads.bp,
        query_api.bp,
        query_ui.bp,
        networks_api.bp,
        network_pages.bp,
        reconcile.bp,
    ]


# The blueprints of the app, registered in this order. Other parts of the site add theirs here.
BLUEPRINTS = _blueprints


def create_app(config: Mapping[str, Any] | None, store: EngineStore, cache: ResultCache | None = None) -> Flask:
    """Build the Flask app over ``store`` (``config`` defaults to the environment's settings);
    ``cache`` is the query result cache that writes must clear."""
    settings = dict(config) if config is not None else load_config()
    app = Flask(__name__)
    app.config.update(settings)
    app.config["MAX_CONTENT_LENGTH"] = int(settings["MAX_REQUEST_BYTES"])
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["iscm_store"] = store
    app.extensions["iscm_result_cache"] = cache or ResultCache(0, 0)
    from . import networks_api

    app.extensions["iscm_openapi_paths"] = [networks_api.openapi_paths]  # documented by /api/openapi.json

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

    return app


def get_store(app: Flask) -> EngineStore:
    """The dataset of ``app`` (for other blueprints: run SPARQL through it)."""
    return app.extensions["iscm_store"]
