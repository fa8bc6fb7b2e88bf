"""Operations: /health (liveness), /ready (readiness), /metrics (Prometheus; the metrics are in metrics.py).

Metrics use prometheus_client; under the server (serve.py) they are aggregated over the worker processes
(``PROMETHEUS_MULTIPROC_DIR``, set by serve.py). The per-request counters are batched (batched_metrics.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, current_app, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from .batched_metrics import flush_all
from .errors import ProtocolError

if TYPE_CHECKING:
    from .engine.store import EngineStore

bp = Blueprint("ops", __name__)


@bp.get("/health")
def health() -> Response:
    """Liveness: the process answers."""
    return jsonify(status="ok")


@bp.get("/ready")
def ready() -> tuple[Response, int]:
    """Readiness: the engines answer a query on the dataset."""
    store: EngineStore = current_app.extensions["iscm_store"]
    version = store.version
    body: dict[str, Any] = {
        "backend": store.name,
        "dataset_version": version.info.get("dataset_version"),
        "built_at": version.info.get("built_at"),
    }
    try:
        ok, source = store.ping()
    except ProtocolError as exc:
        body.update(status="unavailable", detail=exc.message)
        return jsonify(body), 503
    body.update(status="ready" if ok else "unavailable", source=source)
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
    now = CollectorRegistry()
    now.register(_JobsInEngines(current_app.extensions["iscm_store"]))
    response = Response(output + generate_latest(now), content_type=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


class _JobsInEngines(Collector):
    """A gauge read at scrape time from the engine table (shared by every web worker): what runs now."""

    def __init__(self, store: EngineStore) -> None:
        self.store = store

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily("iscm_engine_jobs", "Jobs in an engine process now (running or paused), by lane",
                                  labels=["lane"])
        for lane, count in sorted(self.store.engines.jobs_in_engines().items()):
            gauge.add_metric([lane], count)
        yield gauge
