"""Answering SPARQL queries and updates on the gateway's event loop: validators, caches, admission,
the engines.

The protocol layer (sparql_protocol.py) reads a request into a :class:`QueryRequest`; the service
answers it with an :class:`Answer` or raises ProtocolError:

- a revalidation (If-None-Match / If-Modified-Since) that still holds gets 304 without evaluation;
- an identical request (same query, dataset, format, base IRI, dataset version) is answered from the
  result cache;
- a client at its quota of long queries gets 429 (server/engine/admission.py);
- the query goes to an engine of the ``sparql`` lane (server/engine/client.py) with its deadline; the
  engine is killed when the deadline passes or the HTTP client goes away; a query whose shape (its text
  with the variables renamed) ran long before is sent as long from the start, so that a client
  repeating an expensive query does not get its first moments at normal priority each time;
- a query text that made an engine crash is remembered, and refused at once when it comes again.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache

from .backends import Dataset
from .batched_metrics import Batched
from .engine import lanes
from .engine.client import EngineCrash, Engines, QueryTimedOut
from .engine.store import spool_of
from .engine.table import client_key
from .errors import ProtocolError
from .http_cache import CachedResult, ResultCache, etag_for, http_date, not_modified, request_key
from .metrics import CACHE_HITS, CACHE_MISSES, NOT_MODIFIED, QUERIES, ROWS_CAPPED, TIMEOUTS, UPDATES
from .negotiation import BY_KEY
from .release_info import Versions
from .results import Spool

NO_DATASET = Dataset()
RETRY_AFTER = {"Retry-After": "5"}


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
    body: bytes | Spool
    cacheable: bool = False


class _Remembered:
    """A small thread-safe LRU set (of this process's string hashes)."""

    def __init__(self, size: int) -> None:
        self._items: LRUCache[int, None] = LRUCache(maxsize=size)
        self._lock = threading.Lock()

    def add(self, key: int) -> None:
        with self._lock:
            self._items[key] = None

    def __contains__(self, key: int) -> bool:
        return key in self._items


_VARIABLE = re.compile(r"[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+")


def _shape(query: str) -> int:
    """The query with its variables renamed and its spacing dropped (hashed): texts that differ only in
    those are (almost always) the same work."""
    return hash(" ".join(_VARIABLE.sub("?", query).split()))


class QueryService:
    """The query side of the endpoint for one web worker."""

    def __init__(self, engines: Engines, versions: Versions, cache: ResultCache, config: dict[str, Any]) -> None:
        self.engines = engines
        self.versions = versions
        self.cache = cache
        self.timeout = float(config["QUERY_TIMEOUT"])
        self.max_rows = int(config["MAX_ROWS"])
        self.engine_name = "remote" if config.get("BACKEND_URL") else "oxigraph-embedded"
        self.cache_control = f"public, max-age={int(config['CACHE_MAX_AGE'])}"
        self.truncated_headers = [
            ("X-SPARQL-MaxRows", str(self.max_rows)),
            ("X-Result-Truncated", f"true; the result was cut at {self.max_rows} rows"),
        ]
        self.crashers = _Remembered(1024)
        self.long_shapes = _Remembered(4096)
        self._counters: dict[str, Batched] = {}

    async def answer(
        self, req: QueryRequest, client: str, until: float, gone: Callable[[], Awaitable[Any]] | None = None
    ) -> Answer:
        """The response to a query; ``until`` is its deadline on the event loop's clock."""
        query = req.query
        if not query.strip():
            raise ProtocolError(400, "the query is empty", "query")
        is_get = req.method in ("GET", "HEAD")
        version = self.versions.current
        key = None
        headers = [("Vary", "Accept")]
        if version.tag is not None:
            key = request_key(version.tag, query, req.dataset, req.accept, req.format_param, req.base_iri)
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

        digest = hash(query)
        if digest in self.crashers:
            raise EngineCrash("this query made the query engine fail before; simplify it", "query")
        if self.engines.blocked(client):
            raise ProtocolError(
                429,
                "you have as many long-running queries in progress as this server allows; wait for one to finish",
                "query",
                RETRY_AFTER,
            )
        shape = _shape(query)
        header: dict[str, Any] = {
            "op": "query",
            "base": req.base_iri,
            "accept": req.accept,
            "format": req.format_param,
            "max_rows": self.max_rows,
            "client": client_key(client),
            "long": shape in self.long_shapes,
        }
        if req.dataset.specified:
            header["dataset"] = [list(req.dataset.default_graphs), list(req.dataset.named_graphs)]
        try:
            frame = await self.engines.call_async(lanes.SPARQL, header, query.encode("utf-8"), until, "query", gone)
        except EngineCrash:
            self.crashers.add(digest)
            raise
        except QueryTimedOut:
            TIMEOUTS.inc()
            self.long_shapes.add(shape)
            raise
        except ProtocolError as exc:
            if exc.status == 429:
                self.long_shapes.add(shape)
            raise
        if frame.header.get("long"):
            self.long_shapes.add(shape)
        kind, truncated = str(frame.header["kind"]), bool(frame.header.get("truncated"))
        self._counter(kind).inc()
        if truncated:
            ROWS_CAPPED.inc()
        content_type = BY_KEY[(kind, str(frame.header["format"]))].content_type
        if frame.fd is None:
            body = frame.payload
            if key is not None and len(body) <= self.cache.max_bytes:
                self.cache.put(key, CachedResult(body, content_type, truncated))
            return self._complete(body, content_type, truncated, headers, is_get)
        spool = spool_of(frame)
        headers += [("Content-Type", content_type), ("Content-Length", str(spool.size))]
        if truncated:
            headers += self.truncated_headers
        return Answer(200, headers, spool)

    def _complete(
        self, body: bytes, content_type: str, truncated: bool, headers: list[tuple[str, str]], is_get: bool
    ) -> Answer:
        headers += [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        if truncated:
            headers += self.truncated_headers
        return Answer(200, headers, body, cacheable=is_get)

    def _counter(self, kind: str) -> Batched:
        counter = self._counters.get(kind)
        if counter is None:
            counter = self._counters[kind] = Batched(QUERIES.labels(self.engine_name, kind))
        return counter

    async def update(self, text: str, using: list[str], using_named: list[str], base_iri: str, until: float) -> None:
        """Apply an update (rights already checked); every cached answer is dropped."""
        if not text.strip():
            raise ProtocolError(400, "the update is empty", "update")
        header = {"op": "update", "using": using, "using_named": using_named, "base": base_iri}
        try:
            await self.engines.call_async(lanes.SPARQL, header, text.encode("utf-8"), until, "update")
        finally:
            self.versions.written()
            self.cache.clear()
        UPDATES.labels(self.engine_name).inc()
