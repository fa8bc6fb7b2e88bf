"""Operations: /health (liveness), /ready (readiness), /metrics (Prometheus) and request metrics.

Metrics use prometheus_client; under the server (serve.py) they are aggregated over the worker processes
(``PROMETHEUS_MULTIPROC_DIR``, set by serve.py). The per-request counters are batched (batched_metrics.py).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Blueprint, Response, current_app, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

from .access_log import AccessLog
from .backends import Backend, BackendError
from .batched_metrics import Batched, BatchedHistogram, flush_all

bp = Blueprint("ops", __name__)

REQUESTS = Counter("iscm_http_requests", "HTTP requests answered", ["endpoint", "method", "status"])
LATENCY = Histogram(
    "iscm_http_request_duration_seconds",
    "Time to answer an HTTP request (to the first byte)",
    ["endpoint"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
QUERIES = Counter("iscm_sparql_queries", "SPARQL queries evaluated by the engine", ["engine", "kind"])
UPDATES = Counter("iscm_sparql_updates", "SPARQL updates and graph store writes applied", ["engine"])
TIMEOUTS = Counter("iscm_sparql_query_timeouts", "Queries stopped because they overran the timeout")
CACHE_HITS = Batched(Counter("iscm_sparql_result_cache_hits", "Query results served from the result cache"))
CACHE_MISSES = Batched(Counter("iscm_sparql_result_cache_misses", "Query results that had to be evaluated"))
NOT_MODIFIED = Counter("iscm_sparql_not_modified", "Conditional GETs answered 304 Not Modified")
ROWS_CAPPED = Counter("iscm_sparql_results_capped", "Results cut at the row cap")
RECYCLES = Counter("iscm_worker_recycles", "Worker processes recycled to stop a runaway query")

_ENDPOINTS = ("/sparql", "/store", "/health", "/ready", "/metrics")


def _endpoint_label(path: str) -> str:
    for prefix in _ENDPOINTS:
        if path == prefix or path.startswith(prefix + "/"):
            return prefix
    return "other"


class MetricsMiddleware:
    """WSGI middleware counting requests, timing them (to the first byte) and writing the access log."""

    def __init__(self, app: Callable[..., Iterable[bytes]], access_log: AccessLog | None = None) -> None:
        self.app = app
        self.access_log = access_log
        self._latency = {label: BatchedHistogram(LATENCY.labels(label)) for label in (*_ENDPOINTS, "other")}
        self._counters: dict[tuple[str, str, str], Any] = {}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        label = _endpoint_label(environ.get("PATH_INFO", ""))
        method = environ.get("REQUEST_METHOD", "GET")

        def _start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            key = (label, method, status[:3])
            counter = self._counters.get(key)
            if counter is None:
                counter = self._counters[key] = Batched(REQUESTS.labels(*key))
            counter.inc()
            seconds = time.perf_counter() - started
            self._latency[label].observe(seconds)
            if self.access_log is not None:
                self.access_log.record(environ, status, seconds)
            return start_response(status, headers, exc_info)

        return self.app(environ, _start_response)


@bp.get("/health")
def health() -> Response:
    """Liveness: the process answers."""
    return jsonify(status="ok")


@bp.get("/ready")
def ready() -> tuple[Response, int]:
    """Readiness: the dataset is open and answers a query."""
    backend: Backend = current_app.extensions["iscm_backend"]
    version = backend.version
    body: dict[str, Any] = {
        "backend": backend.name,
        "source": getattr(backend, "source", ""),
        "dataset_version": version.info.get("dataset_version"),
        "built_at": version.info.get("built_at"),
    }
    try:
        ok = backend.ping()
    except BackendError as exc:
        body.update(status="unavailable", detail=str(exc))
        return jsonify(body), 503
    except OSError as exc:
        body.update(status="unavailable", detail=f"the store cannot be read: {exc}")
        return jsonify(body), 503
    if current_app.extensions["iscm_recycler"].draining:
        body.update(status="draining")
        return jsonify(body), 503
    body.update(status="ready" if ok else "unavailable", source=getattr(backend, "source", ""))
    return jsonify(body), 200 if ok else 503


@bp.get("/metrics")
def metrics() -> Response:
    """Prometheus text exposition, summed over the worker processes."""
    flush_all()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        output = generate_latest(registry)
    else:
        output = generate_latest()
    response = Response(output, content_type=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response
