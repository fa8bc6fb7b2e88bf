"""Every setting of the build and the server, in one table (docs/settings.md is generated from it:
``python -m iscm_kg.settings > docs/settings.md``; a test keeps the two equal).

Every setting has a sane default, so the embedded store needs no configuration at all. Each can be
set by an environment variable (``ISCM_KG_*``), by a command-line option where `iscm-kg` has one (the option
wins), or by ``create_app(config_overrides={...})`` using the key names below (the overrides win).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .paths import ROOT

# key -> (environment variable, default, parser)
_TRUE = {"1", "true", "yes", "on"}


def _bool(value: str) -> bool:
    return value.strip().lower() in _TRUE


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.replace(",", " ").split() if item.strip()]


def _optional(value: str) -> str | None:
    return value.strip() or None


def _epoch(value: str) -> datetime:
    if not value.isascii() or not value.isdigit() or len(value) > 12:
        raise ValueError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {value!r}")
    return datetime.fromtimestamp(int(value), UTC)


def _base(value: str) -> str | None:
    base = value.strip()
    if base and (not base.endswith(("/", "#")) or not base.startswith(("http://", "https://"))):
        raise ValueError(f"base IRI {base!r} must be http(s) and end with / or #")
    return base or None


SETTINGS: dict[str, tuple[str, Any, Any]] = {
    # Where the release lives (a symlink to the current release is resolved once, at start); `--dist`.
    "DIST": ("ISCM_KG_DIST", ROOT / "dist", Path),
    # The base IRI of a release `iscm-kg build` writes (default https://w3id.org/iscm/); a server serves its
    # release's base unless this is set.
    "BASE_IRI": ("ISCM_KG_BASE", None, _base),
    # The build time as seconds since 1970 (the reproducible-builds convention): the release's built_at and the
    # date its citation records and archive carry; unset: the time of the build.
    "SOURCE_DATE_EPOCH": ("SOURCE_DATE_EPOCH", None, _epoch),
    # "off" keeps glibc's allocator; "auto": the server re-executes itself on jemalloc when libjemalloc2 is installed.
    "JEMALLOC": ("ISCM_KG_JEMALLOC", "auto", str),
    # A remote SPARQL 1.1 endpoint to use instead of the embedded store (query URL).
    "BACKEND_URL": ("ISCM_KG_BACKEND_URL", None, _optional),
    # Its update URL (defaults to the query URL).
    "BACKEND_UPDATE_URL": ("ISCM_KG_BACKEND_UPDATE_URL", None, _optional),
    # A request parameter that asks the remote endpoint for the union default graph on queries without
    # FROM (the Oxigraph server: "union-default-graph"); unset for servers whose default graph is
    # already the union (Virtuoso, Fuseki with tdb2:unionDefaultGraph).
    "BACKEND_UNION_PARAMETER": ("ISCM_KG_BACKEND_UNION_PARAMETER", None, _optional),
    # Seconds a query (or update) may take, from the moment its request is in; then its engine is killed and
    # the client gets 503 with Retry-After and a problem body.
    "QUERY_TIMEOUT": ("ISCM_KG_QUERY_TIMEOUT", 30.0, float),
    # Rows (solutions or triples) returned at most; a cut result carries `X-SPARQL-MaxRows: N` and
    # `X-Result-Truncated: true; …`.
    "MAX_ROWS": ("ISCM_KG_MAX_ROWS", 100_000, int),
    # Largest request body, in bytes (413 beyond); Granian's buffer for the request line and headers is this
    # plus 64 KiB: send long queries by POST.
    "MAX_REQUEST_BYTES": ("ISCM_KG_MAX_REQUEST_BYTES", 1_048_576, int),
    # Updates (SPARQL Update, Graph Store writes) need both, and each write request needs
    # `Authorization: Bearer <token>` (401 without, 403 when updates are off).
    "UPDATES_ENABLED": ("ISCM_KG_UPDATES", False, _bool),
    "UPDATE_TOKEN": ("ISCM_KG_UPDATE_TOKEN", None, _optional),
    # Serve the release from memory (loaded once by the engine supervisor): "auto" (up to IN_MEMORY_MAX_QUADS
    # quads), "on", "off" (each engine opens the on-disk store read-only).
    "IN_MEMORY": ("ISCM_KG_IN_MEMORY", "auto", str),
    "IN_MEMORY_MAX_QUADS": ("ISCM_KG_IN_MEMORY_MAX_QUADS", 2_000_000, int),
    # The on-disk store opened read-write when updates are on (default: DIST/store).
    "STORE_PATH": ("ISCM_KG_STORE", None, _optional),
    # SERVICE endpoints queries may call (and URLs an update may LOAD), space- or comma-separated; `http://host/*`
    # allows a prefix, `*` any; anything else is refused with 400 before the query runs; `SERVICE ?var` is refused.
    "SERVICE_ALLOWLIST": ("ISCM_KG_SERVICE_ALLOWLIST", [], _list),
    # Default graph = the set union of the named graphs (off: the store's own default graph; updates on:
    # Oxigraph's union).
    "UNION_DEFAULT_GRAPH": ("ISCM_KG_UNION_DEFAULT_GRAPH", True, _bool),
    # `Cache-Control: public, max-age` of GET query results, and the in-process cache of serialized results (per
    # web worker): entries and largest entry in bytes.
    "CACHE_MAX_AGE": ("ISCM_KG_CACHE_MAX_AGE", 300, int),
    "RESULT_CACHE_ENTRIES": ("ISCM_KG_RESULT_CACHE_ENTRIES", 512, int),
    "RESULT_CACHE_MAX_BYTES": ("ISCM_KG_RESULT_CACHE_MAX_BYTES", 262_144, int),
    # --- the engine processes (server/engine/) and the admission policy (server/engine/admission.py) ---
    # Engine processes of the sparql lane at most (the site lane has a quarter), and kept idle per lane.
    "ENGINES": ("ISCM_KG_ENGINES", 64, int),
    "ENGINES_IDLE": ("ISCM_KG_ENGINES_IDLE", 4, int),
    # A public query still running after this many seconds is a long query: idle priority, scheduled (see
    # docs/endpoint.md "Admission").
    "SLOW_QUERY_SECONDS": ("ISCM_KG_SLOW_QUERY_SECONDS", 0.05, float),
    # Long queries that run at once (the others are paused), by default one per core.
    "LONG_QUERIES_RUNNING": ("ISCM_KG_LONG_QUERIES_RUNNING", os.cpu_count() or 2, int),
    # Long queries in flight (running or paused) at most, in all and per client address; one more gets 429.
    "LONG_QUERIES": ("ISCM_KG_LONG_QUERIES", 32, int),
    "LONG_QUERIES_PER_CLIENT": ("ISCM_KG_LONG_QUERIES_PER_CLIENT", 24, int),
    # Memory an engine may take beyond the shared store, in MiB; a query that needs more gets 400.
    "ENGINE_MEMORY_MB": ("ISCM_KG_ENGINE_MEMORY_MB", 4096, int),
    # Seconds a client may take to send its request line and headers (Granian closes the connection), and its
    # body (then 408); no thread and no engine is given to a request before its body is in.
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
    # --- the reconciliation service (server/reconcile/, docs/reconciliation.md) ---
    # Queries in one reconciliation batch at most (the manifest's batchSize); more: 400 naming `queries`. The
    # matching runs in the web worker on the in-memory name index, no SPARQL per query.
    "RECONCILE_MAX_QUERIES": ("ISCM_KG_RECONCILE_MAX_QUERIES", 50, int),
    # Characters of a reconciliation query's text, a property value or a suggest prefix at most (400 beyond).
    "RECONCILE_MAX_QUERY_CHARS": ("ISCM_KG_RECONCILE_MAX_QUERY_CHARS", 200, int),
    # Candidates a reconciliation query may ask for (its `limit`) at most (400 beyond; 10 when not given).
    "RECONCILE_MAX_LIMIT": ("ISCM_KG_RECONCILE_MAX_LIMIT", 100, int),
    # Entity ids in one data extension request (`extend`: OpenRefine's "Add columns from reconciled values") at
    # most; more: 400 naming `extend.ids`. Answered from a table read once per dataset version, no SPARQL per row.
    "RECONCILE_MAX_EXTEND_IDS": ("ISCM_KG_RECONCILE_MAX_EXTEND_IDS", 500, int),
    # Reconciliation batches one web worker matches at once (the matching runs in the worker, up to ~0.15 s of CPU
    # for a full batch of misspelt texts); a batch arriving while they run gets 429 with Retry-After, so that a
    # client sending many at once cannot starve the pages. OpenRefine sends one batch at a time.
    "RECONCILE_BATCHES_AT_ONCE": ("ISCM_KG_RECONCILE_BATCHES_AT_ONCE", 1, int),
}


def load_setting(key: str, environ: Mapping[str, str] | None = None) -> Any:
    """One setting from the environment (or its default)."""
    variable, default, parse = SETTINGS[key]
    raw = (os.environ if environ is None else environ).get(variable)
    if raw is None or raw == "":
        return default
    try:
        return parse(raw)
    except ValueError as exc:
        raise ValueError(f"environment variable {variable}: {exc}") from exc


def load_config(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return the settings: defaults, then environment variables, then ``overrides``."""
    config: dict[str, Any] = {key: load_setting(key, environ) for key in SETTINGS}
    for key, value in (overrides or {}).items():
        config[key] = value
    if config.get("DIST") is not None:
        config["DIST"] = Path(config["DIST"])
    if isinstance(config.get("SERVICE_ALLOWLIST"), str):
        config["SERVICE_ALLOWLIST"] = _list(config["SERVICE_ALLOWLIST"])
    if config["UPDATES_ENABLED"] and not config.get("UPDATE_TOKEN"):
        raise ValueError("updates are switched on (ISCM_KG_UPDATES) but no token is set (ISCM_KG_UPDATE_TOKEN)")
    return config


# defaults that depend on the machine, as the table says them
MACHINE_DEFAULTS = {"DIST": "the repository's dist/ (installed: ./dist)", "LONG_QUERIES_RUNNING": "number of cores"}


def markdown_table() -> str:
    """docs/settings.md: every setting with its variable, default and meaning (the comments above each)."""
    import inspect
    import re
    import sys

    # each entry's meaning is the comment above it; entries right below one comment share it
    comments: dict[str, str] = {}
    pending: list[str] = []
    last = ""
    for line in inspect.getsource(sys.modules[__name__]).splitlines():
        text = line.strip()
        if text.startswith("# ---"):
            pending, last = [], ""
        elif text.startswith("#"):
            pending.append(text.lstrip("# "))
        elif match := re.match(r'"(\w+)": \(', text):
            last = comments[match[1]] = " ".join(pending) or last
            pending = []
        elif text:
            pending = []
    rows = ["# Settings", "",
            "Generated from `iscm_kg/settings.py` (`python -m iscm_kg.settings > docs/settings.md`). Set each by its",
            "environment variable; `iscm-kg` options (`--dist`, `--backend-url`, `--host`, `--port`, `--workers`) win",
            "over the variables.", "",
            "| setting | environment variable | default | meaning |", "|---|---|---|---|"]
    for key, (variable, default, _parse) in SETTINGS.items():
        shown = MACHINE_DEFAULTS.get(key) or (repr(default) if default not in (None, []) else "unset")
        rows.append(f"| {key} | `{variable}` | {shown} | {comments.get(key, '')} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
