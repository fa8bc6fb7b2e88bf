"""Answering one SPARQL query, whatever the web framework: validators, result cache, negotiation,
evaluation under the deadline, row cap.

The Flask view (sparql_protocol.py) reads every form of request (GET, POST form, POST direct) into a
:class:`QueryRequest`; the fast path (fast_path.py) reads plain GETs itself, without Flask. Both get
the same :class:`Answer` from :meth:`QueryService.answer`, or a :class:`ProtocolError`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from . import negotiation, sparql_text
from .backends import (
    Backend,
    BackendError,
    BackendUnavailable,
    Dataset,
    NotAcceptable,
    QueryOutcome,
    QuerySyntaxError,
)
from .batched_metrics import Batched
from .errors import ProtocolError
from .executor import Executor, QueryTimeout
from .http_cache import CachedResult, ResultCache, etag_for, http_date, not_modified, request_key
from .ops import CACHE_HITS, CACHE_MISSES, NOT_MODIFIED, QUERIES, ROWS_CAPPED, TIMEOUTS
from .results import apply_row_cap

T = TypeVar("T")
NO_DATASET = Dataset()
TIMEOUT_ADVICE = "simplify it, add a LIMIT, or run it on a copy of the data (dumps are published with each release)"


@dataclass(frozen=True, slots=True)
class QueryRequest:
    query: str
    base_iri: str
    dataset: Dataset = NO_DATASET
    accept: str | None = None
    format_param: str | None = None
    method: str = "GET"
    if_none_match: str | None = None
    if_modified_since: str | None = None


@dataclass(slots=True)
class Answer:
    """Status, headers and body; ``cacheable`` marks a complete GET result that may be replayed as is."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes | Iterator[bytes]
    cacheable: bool = False


class QueryService:
    """The query side of the endpoint, for one app (its backend, executor, cache and settings)."""

    def __init__(self, backend: Backend, executor: Executor, cache: ResultCache, config: Mapping[str, Any]) -> None:
        self.backend = backend
        self.executor = executor
        self.cache = cache
        self.timeout = float(config["QUERY_TIMEOUT"])
        self.max_rows = int(config["MAX_ROWS"])
        self.allowlist = list(config["SERVICE_ALLOWLIST"])
        self.public_url: str | None = config.get("PUBLIC_ENDPOINT_URL")
        self.cache_control = f"public, max-age={int(config['CACHE_MAX_AGE'])}"
        self.truncated_headers = [
            ("X-SPARQL-MaxRows", str(self.max_rows)),
            ("X-Result-Truncated", f"true; the result was cut at {self.max_rows} rows"),
        ]

    def endpoint_url(self, environ: Mapping[str, Any]) -> str:
        """The endpoint's own URL (the base IRI of queries): configured, or the URL of this request."""
        if self.public_url:
            return self.public_url
        return _url(
            environ["wsgi.url_scheme"],
            environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "localhost"),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", "/sparql"),
        )

    def answer(self, req: QueryRequest) -> Answer:
        """The response to a query; raises ProtocolError for what the client must change or retry."""
        query = req.query
        if not query.strip():
            raise ProtocolError(400, "the query is empty", "query")
        try:
            sparql_text.check_services(query, self.allowlist, req.base_iri)
        except sparql_text.ServiceNotAllowed as exc:
            raise ProtocolError(400, str(exc), "query") from None

        is_get = req.method in ("GET", "HEAD")
        version = self.backend.version
        key = None
        headers = [("Vary", "Accept")]
        if version.tag is not None:
            key = request_key(version.tag, query, req.dataset, req.accept, req.format_param)
            if is_get:
                etag = etag_for(key)
                headers.append(("ETag", etag))
                if version.last_modified is not None:
                    headers.append(("Last-Modified", http_date(version.last_modified)))
                headers.append(("Cache-Control", self.cache_control))
                if (req.if_none_match or req.if_modified_since) and not_modified(
                    req.if_none_match, req.if_modified_since, etag, version.last_modified
                ):
                    NOT_MODIFIED.inc()
                    return Answer(304, headers, b"")
            cached = self.cache.get(key)
            if cached is not None:
                CACHE_HITS.inc()
                return self._complete(cached.body, cached.content_type, cached.truncated, headers, is_get)
            CACHE_MISSES.inc()
        elif is_get:
            headers.append(("Cache-Control", "no-cache"))

        accept, format_param = req.accept, req.format_param

        def chooser(kind: str) -> negotiation.Format | None:
            return negotiation.choose(kind, accept, format_param)

        def evaluate() -> QueryOutcome:
            outcome = self.backend.query(query, req.dataset, req.base_iri, chooser)
            outcome.spool, outcome.truncated = apply_row_cap(outcome.spool, outcome.fmt, self.max_rows)
            return outcome

        outcome = self.run(evaluate)
        _query_counter(self.backend.name, outcome.kind).inc()
        if outcome.truncated:
            ROWS_CAPPED.inc()
        spool, content_type = outcome.spool, outcome.fmt.content_type
        if key is not None and spool.in_memory and spool.size <= self.cache.max_bytes:
            body = spool.getvalue()
            self.cache.put(key, CachedResult(body, content_type, outcome.truncated))
            return self._complete(body, content_type, outcome.truncated, headers, is_get)
        headers += [("Content-Type", content_type), ("Content-Length", str(spool.size))]
        if outcome.truncated:
            headers += self.truncated_headers
        return Answer(200, headers, spool.chunks())

    def _complete(
        self, body: bytes, content_type: str, truncated: bool, headers: list[tuple[str, str]], is_get: bool
    ) -> Answer:
        headers += [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        if truncated:
            headers += self.truncated_headers
        return Answer(200, headers, body, cacheable=is_get)

    def run(self, work: Callable[[], T], timeout: float | None = None) -> T:
        """Run the work under the deadline (see executor.py) and map its errors to HTTP statuses."""
        timeout = self.timeout if timeout is None else timeout
        try:
            return self.executor.run(work, timeout=timeout)
        except QueryTimeout as exc:
            TIMEOUTS.inc()
            raise ProtocolError(503, f"{exc}; {TIMEOUT_ADVICE}", "query", {"Retry-After": "5"}) from None
        except QuerySyntaxError as exc:
            raise ProtocolError(400, f"syntax error: {exc}", "query") from None
        except NotAcceptable as exc:
            offered = ", ".join(negotiation.offered_media_types(exc.kind))
            raise ProtocolError(
                406, f"no acceptable format for this result; this endpoint offers: {offered}", "Accept"
            ) from None
        except BackendUnavailable as exc:
            raise ProtocolError(503, str(exc)) from None
        except BackendError as exc:
            raise ProtocolError(500 if self.backend.runs_in_process else 502, str(exc)) from None


@lru_cache(maxsize=256)
def _url(scheme: str, host: str, root: str, path: str) -> str:
    return f"{scheme}://{host}{root}{path}"


@lru_cache(maxsize=64)
def _query_counter(engine: str, kind: str) -> Batched:
    return Batched(QUERIES.labels(engine, kind))
