"""The server's Prometheus metrics: the counters and histograms every layer adds to, and the per-request metrics
(bounded labels). /metrics (ops.py) publishes them; the per-request counters are batched (batched_metrics.py)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

from .batched_metrics import Batched, BatchedHistogram

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


ENGINE_FAILURES = Counter("iscm_engine_failures", "Jobs whose engine process failed or was stopped", ["reason"])


_ENDPOINTS = ("/sparql", "/store", "/health", "/ready", "/metrics")


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"})


def _endpoint_label(path: str) -> str:
    for prefix in _ENDPOINTS:
        if path == prefix or path.startswith(prefix + "/"):
            return prefix
    return "other"


class RequestMetrics:
    """Counts requests by endpoint, method and status, and times them (to the first byte).

    Every label has a bounded set of values: five endpoints and "other", the HTTP methods and
    "other" (a client may send any token as a method), the status codes."""

    def __init__(self) -> None:
        self._latency = {label: BatchedHistogram(LATENCY.labels(label)) for label in (*_ENDPOINTS, "other")}
        self._counters: dict[tuple[str, str, int], Batched] = {}

    def record(self, path: str, method: str, status: int, seconds: float) -> None:
        label = _endpoint_label(path)
        key = (label, method if method in _METHODS else "other", status)
        counter = self._counters.get(key)
        if counter is None:
            counter = self._counters[key] = Batched(REQUESTS.labels(key[0], key[1], str(status)))
        counter.inc()
        self._latency[label].observe(seconds)

    def replayed(self) -> None:
        CACHE_HITS.inc()
