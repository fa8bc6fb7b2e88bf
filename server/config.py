"""Configuration of the web application, loaded in one place.

Every setting has a sane default, so the embedded store needs no configuration at all. Each can be
set by an environment variable (``ISCM_KG_*``) or by ``create_app(config_overrides={...})`` using the
key names below (the overrides win).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# key -> (environment variable, default, parser)
_TRUE = {"1", "true", "yes", "on"}


def _bool(value: str) -> bool:
    return value.strip().lower() in _TRUE


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.replace(",", " ").split() if item.strip()]


def _optional(value: str) -> str | None:
    return value.strip() or None


SETTINGS: dict[str, tuple[str, Any, Any]] = {
    # Where the release lives (a symlink to the current release is resolved once, at start).
    "DIST": ("ISCM_KG_DIST", "dist", Path),
    # A remote SPARQL 1.1 endpoint to use instead of the embedded store (query URL).
    "BACKEND_URL": ("ISCM_KG_BACKEND_URL", None, _optional),
    # Its update URL (defaults to the query URL).
    "BACKEND_UPDATE_URL": ("ISCM_KG_BACKEND_UPDATE_URL", None, _optional),
    # A request parameter that asks the remote endpoint for the union default graph on queries without
    # FROM (the Oxigraph server: "union-default-graph"); unset for servers whose default graph is
    # already the union (Virtuoso, Fuseki with tdb2:unionDefaultGraph).
    "BACKEND_UNION_PARAMETER": ("ISCM_KG_BACKEND_UNION_PARAMETER", None, _optional),
    # Seconds a query may run before it is stopped and answered with 503.
    "QUERY_TIMEOUT": ("ISCM_KG_QUERY_TIMEOUT", 30.0, float),
    # Rows (solutions or triples) returned at most; the response says so when it cuts.
    "MAX_ROWS": ("ISCM_KG_MAX_ROWS", 100_000, int),
    # Largest request body accepted, in bytes (413 beyond).
    "MAX_REQUEST_BYTES": ("ISCM_KG_MAX_REQUEST_BYTES", 1_048_576, int),
    # Updates (SPARQL Update, Graph Store writes): off unless switched on; then a bearer token is required.
    "UPDATES_ENABLED": ("ISCM_KG_UPDATES", False, _bool),
    "UPDATE_TOKEN": ("ISCM_KG_UPDATE_TOKEN", None, _optional),
    # Serve the release from memory: each worker copies the (read-only) store into an in-memory store at
    # start, for native in-memory speed: "auto" (when it has at most IN_MEMORY_MAX_QUADS quads), "on", "off".
    "IN_MEMORY": ("ISCM_KG_IN_MEMORY", "auto", str),
    "IN_MEMORY_MAX_QUADS": ("ISCM_KG_IN_MEMORY_MAX_QUADS", 2_000_000, int),
    # The on-disk store opened read-write when updates are on (default: DIST/store).
    "STORE_PATH": ("ISCM_KG_STORE", None, _optional),
    # SERVICE endpoints queries may call ("*" allows any); none by default.
    "SERVICE_ALLOWLIST": ("ISCM_KG_SERVICE_ALLOWLIST", [], _list),
    # The default graph is the union of the named graphs (our data lives in named graphs).
    "UNION_DEFAULT_GRAPH": ("ISCM_KG_UNION_DEFAULT_GRAPH", True, _bool),
    # Cache-Control max-age of GET query results, and the in-process result cache.
    "CACHE_MAX_AGE": ("ISCM_KG_CACHE_MAX_AGE", 300, int),
    "RESULT_CACHE_ENTRIES": ("ISCM_KG_RESULT_CACHE_ENTRIES", 512, int),
    "RESULT_CACHE_MAX_BYTES": ("ISCM_KG_RESULT_CACHE_MAX_BYTES", 262_144, int),
    # --- the engine processes (server/engine/) and the admission policy (server/engine/admission.py) ---
    # Engine processes of the sparql lane at most (the site lane has a quarter), and kept idle per lane.
    "ENGINES": ("ISCM_KG_ENGINES", 64, int),
    "ENGINES_IDLE": ("ISCM_KG_ENGINES_IDLE", 4, int),
    # A query still running after this many seconds is a long query: idle priority, scheduled.
    "SLOW_QUERY_SECONDS": ("ISCM_KG_SLOW_QUERY_SECONDS", 0.05, float),
    # Long queries that run at once (the others are paused), by default one per core.
    "LONG_QUERIES_RUNNING": ("ISCM_KG_LONG_QUERIES_RUNNING", os.cpu_count() or 2, int),
    # Long queries in flight (running or paused) at most, in all and per client address; beyond: 429.
    "LONG_QUERIES": ("ISCM_KG_LONG_QUERIES", 32, int),
    "LONG_QUERIES_PER_CLIENT": ("ISCM_KG_LONG_QUERIES_PER_CLIENT", 24, int),
    # Memory an engine may take beyond the shared store, in MiB (a query that needs more gets 400).
    "ENGINE_MEMORY_MB": ("ISCM_KG_ENGINE_MEMORY_MB", 4096, int),
    # Seconds a client may take to send its request headers, and its body (then 408).
    "HEADER_TIMEOUT": ("ISCM_KG_HEADER_TIMEOUT", 10.0, float),
    "BODY_TIMEOUT": ("ISCM_KG_BODY_TIMEOUT", 10.0, float),
    # Threads per web worker for the pages and the other Flask views.
    "WEB_THREADS": ("ISCM_KG_WEB_THREADS", 8, int),
    # The folder of the engines' sockets and table (set by `iscm-kg serve`).
    "RUNTIME": ("ISCM_KG_RUNTIME", None, _optional),
    # The access log: "-" for stdout or a file path; unset: none (`iscm-kg serve` defaults to "-").
    "ACCESS_LOG": ("ISCM_KG_ACCESS_LOG", None, _optional),
    # Public URL of the endpoint, if the server is behind a proxy (used as base IRI and in the
    # service description); by default the request URL.
    "PUBLIC_ENDPOINT_URL": ("ISCM_KG_PUBLIC_ENDPOINT_URL", None, _optional),
}


def load_config(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return the settings: defaults, then environment variables, then ``overrides``."""
    environ = os.environ if environ is None else environ
    config: dict[str, Any] = {}
    for key, (variable, default, parse) in SETTINGS.items():
        raw = environ.get(variable)
        if raw is not None and raw != "":
            try:
                config[key] = parse(raw)
            except ValueError as exc:
                raise ValueError(f"environment variable {variable}: {exc}") from exc
        else:
            config[key] = default
    for key, value in (overrides or {}).items():
        config[key] = value
    if config.get("DIST") is not None:
        config["DIST"] = Path(config["DIST"])
    if isinstance(config.get("SERVICE_ALLOWLIST"), str):
        config["SERVICE_ALLOWLIST"] = _list(config["SERVICE_ALLOWLIST"])
    if config["UPDATES_ENABLED"] and not config.get("UPDATE_TOKEN"):
        raise ValueError("updates are switched on (ISCM_KG_UPDATES) but no token is set (ISCM_KG_UPDATE_TOKEN)")
    return config
