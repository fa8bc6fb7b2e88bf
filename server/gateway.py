"""The web worker: an RSGI application that Granian runs on its event loop.

- ``/sparql`` is answered here, on the event loop (sparql_protocol.py, query_service.py): a query waits
  for its engine without holding a thread, and the engine is killed when the client goes away.
  A plain GET that repeats an earlier one is replayed from memory.
- Everything else (pages, linked data, the query API, downloads, /store, /metrics) is the Flask app,
  run in a thread pool (wsgi_bridge.py) once the request body is in.
- Every request body must arrive within BODY_TIMEOUT seconds and MAX_REQUEST_BYTES (else 408 / 413),
  before any thread or engine is given to it; Granian bounds the time to send the headers.
- Each request is counted (bounded labels: unknown methods are ``other``), timed, and logged.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import re
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from granian.rsgi import ProtocolClosed as RSGIProtocolClosed

from iscm_kg.settings import load_config

from .access_log import AccessLog
from .auth import require_update_rights
from .cors import COMMON_HEADERS, PREFLIGHT_HEADERS
from .engine import wire
from .engine.client import Engines
from .engine.lifeline import end_with_serve
from .engine.store import EngineStore
from .errors import ProtocolError, render_error
from .http_cache import ResultCache
from .metrics import RequestMetrics
from .query_service import Answer, QueryRequest, QueryService
from .release_info import Versions
from .results import CHUNK, Spool
from .sparql_protocol import HttpRequest, UpdateRequest, only_query, parse
from .wsgi_bridge import WsgiBridge

log = logging.getLogger(__name__)
_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")
_SPARQL_METHODS = "GET, HEAD, POST, OPTIONS"


class Gateway:
    """The RSGI application of one web worker (see the module documentation)."""

    def __init__(self, config: dict[str, Any], runtime: Path) -> None:
        from . import create_app

        self.config = config
        self.engines = Engines(config, runtime)
        dist = Path(config["DIST"]).resolve() if config.get("DIST") else None
        self.versions = Versions(dist, bool(config["UPDATES_ENABLED"]), bool(config.get("BACKEND_URL")))
        self.cache = ResultCache(int(config["RESULT_CACHE_ENTRIES"]), int(config["RESULT_CACHE_MAX_BYTES"]))
        self.service = QueryService(self.engines, self.versions, self.cache, config)
        self.store = EngineStore(self.engines, self.versions, config)
        self.app = create_app(config, self.store, self.cache)
        self.bridge = WsgiBridge(self.app.wsgi_app, int(config["WEB_THREADS"]))
        self.metrics = RequestMetrics()
        self.access_log = AccessLog(config["ACCESS_LOG"]) if config.get("ACCESS_LOG") else None
        self.timeout = float(config["QUERY_TIMEOUT"])
        self.max_body = int(config["MAX_REQUEST_BYTES"])
        self.body_timeout = float(config["BODY_TIMEOUT"])
        self.public_url: str | None = config.get("PUBLIC_ENDPOINT_URL")
        self.replay_entries = int(config["RESULT_CACHE_ENTRIES"])
        # plain GETs answered before, by (query string, Accept, Host): (dataset version, headers, body)
        self._replay: dict[tuple[str, str, str], tuple[str, list[tuple[str, str]], bytes]] = {}

    # --- RSGI --------------------------------------------------------------------------------------------

    async def __rsgi__(self, scope: Any, proto: Any) -> None:
        if scope.proto != "http":
            proto.close(403)
            return
        started = time.perf_counter()
        status = 500
        try:
            if scope.method == "GET" and scope.path == "/sparql" and self._replayed(scope, proto):
                status = 200
            elif scope.path == "/sparql":
                status = await self._sparql(scope, proto)
            else:
                status = await self._site(scope, proto)
        except (wire.Gone, RSGIProtocolClosed):
            status = 499  # the client went away: nothing to answer, nothing more to send
        except ProtocolError as exc:
            status = _error(proto, exc, _headers(scope).get("accept"))
        except Exception:  # noqa: BLE001 - logged; the client gets a 500 without a stack trace
            log.exception("unexpected error on %s %s", scope.method, scope.path)
            message = ProtocolError(500, "the server failed to answer this request; the error was logged")
            status = _error(proto, message, None)
        finally:
            seconds = time.perf_counter() - started
            self.metrics.record(scope.path, scope.method, status, seconds)
            if self.access_log is not None:
                self.access_log.record(scope, status, seconds)

    # --- the site (Flask) --------------------------------------------------------------------------------

    async def _site(self, scope: Any, proto: Any) -> int:
        body = await self._body(scope, proto, _headers(scope))
        return await self.bridge(scope, proto, body)

    async def _body(self, scope: Any, proto: Any, headers: dict[str, str]) -> bytes:
        """The request body, complete, within the time and size limits (ProtocolError 408 / 411 / 413).

        A body must come with its Content-Length over HTTP/1 (a chunked body is refused with 411):
        Granian ends a chunked stream cut short as if it were complete, while it reports a body shorter
        than its Content-Length, which must not be taken for the whole request."""
        length = headers.get("content-length")
        if length is None:
            if "transfer-encoding" in headers and scope.http_version.startswith("1"):
                raise ProtocolError(411, "send the request body with a Content-Length header", None, _CLOSE)
            if not scope.http_version.startswith("2"):
                return b""
        elif not length.isdigit():
            raise ProtocolError(400, "the Content-Length header is not a number", "Content-Length", _CLOSE)
        elif int(length) > self.max_body:
            raise ProtocolError(413, "the request body is larger than this server accepts", None, _CLOSE)
        elif int(length) == 0:
            return b""
        try:
            return await asyncio.wait_for(self._read(proto, length is not None), self.body_timeout)
        except TimeoutError:
            raise ProtocolError(
                408, f"the request body did not arrive within {self.body_timeout:g} s", None, _CLOSE
            ) from None
        except RSGIProtocolClosed:
            raise ProtocolError(400, "the request body ended before its Content-Length", None, _CLOSE) from None

    async def _read(self, proto: Any, whole: bool) -> bytes:
        if whole:  # the Content-Length, checked against the limit, bounds it
            return await proto()
        parts: list[bytes] = []
        size = 0
        async for chunk in proto:  # HTTP/2: its frames say where the body ends
            size += len(chunk)
            if size > self.max_body:
                raise ProtocolError(413, "the request body is larger than this server accepts", None, _CLOSE)
            parts.append(chunk)
        return b"".join(parts)

    # --- /sparql -----------------------------------------------------------------------------------------

    async def _sparql(self, scope: Any, proto: Any) -> int:
        method = scope.method
        get = scope.headers.get
        if method == "OPTIONS":
            proto.response_empty(204, COMMON_HEADERS + PREFLIGHT_HEADERS + [("Allow", _SPARQL_METHODS)])
            return 204
        if method not in ("GET", "HEAD", "POST"):
            raise ProtocolError(
                405, f"the SPARQL endpoint does not answer {method[:20]!r}", None, {"Allow": _SPARQL_METHODS}
            )
        base = self.public_url or _endpoint_url(scope.scheme, get("host") or "localhost")
        query_string = scope.query_string
        accept = get("accept")
        until = asyncio.get_running_loop().time() + self.timeout
        query = only_query(query_string) if method == "GET" else None
        if query is not None and get("if-none-match") is None and get("if-modified-since") is None:
            # The most frequent request, a plain GET (not one seen before: see _replayed).
            request = QueryRequest(query, base, accept=accept)
            answer = await self.service.answer(request, _address(scope), until, proto.client_disconnect)
            tag = self.versions.current.tag
            if tag is not None and self.replay_entries and answer.cacheable and isinstance(answer.body, bytes):
                self._remember((query_string, accept or "", get("host") or ""), tag, answer)
            return await _send(proto, answer, False)
        headers = _headers(scope)
        body = await self._body(scope, proto, headers) if method == "POST" else b""
        parsed = parse(HttpRequest(method, query_string, headers, body), base)
        if parsed is None:  # no query: the service description (a Flask view)
            return await self.bridge(scope, proto, b"")
        if isinstance(parsed, UpdateRequest):
            require_update_rights(
                bool(self.config["UPDATES_ENABLED"]), self.config.get("UPDATE_TOKEN"), parsed.authorization
            )
            await self.service.update(parsed.update, list(parsed.using), list(parsed.using_named), base, until)
            proto.response_empty(204, [("Cache-Control", "no-store"), *COMMON_HEADERS])
            return 204
        answer = await self.service.answer(parsed, _address(scope), until, proto.client_disconnect)
        return await _send(proto, answer, method == "HEAD")

    def _replayed(self, scope: Any, proto: Any) -> bool:
        """Answer a plain GET that repeats an earlier one (same query string, Accept, Host and dataset
        version) byte for byte from memory; False if it does not."""
        get = scope.headers.get
        entry = self._replay.get((scope.query_string, get("accept") or "", get("host") or ""))
        if entry is None or entry[0] != self.versions.current.tag:
            return False
        if get("if-none-match") is not None or get("if-modified-since") is not None:
            return False
        self.metrics.replayed()
        proto.response_bytes(200, entry[1], entry[2])
        return True

    def _remember(self, key: tuple[str, str, str], tag: str, answer: Answer) -> None:
        assert isinstance(answer.body, bytes)
        self._replay[key] = (tag, answer.headers + COMMON_HEADERS, answer.body)
        if len(self._replay) > self.replay_entries:  # the oldest goes
            del self._replay[next(iter(self._replay))]


_CLOSE = {"Connection": "close"}


@lru_cache(maxsize=256)
def _endpoint_url(scheme: str, host: str) -> str:
    """The endpoint's own URL, the base IRI of queries: the URL this request used (when no public URL
    is configured)."""
    if not _HOST.match(host):
        raise ProtocolError(400, "the Host header is not a host name", "Host")
    url = f"{scheme}://{host}/sparql"
    ox.NamedNode(url)  # it becomes the base IRI of the query: it must be one
    return url


def _headers(scope: Any) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in scope.headers.items():
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def _address(scope: Any) -> str:
    return scope.client.rpartition(":")[0].strip("[]") or scope.client


async def _send(proto: Any, answer: Answer, head: bool) -> int:
    headers = answer.headers + COMMON_HEADERS
    body = answer.body
    if isinstance(body, bytes):
        proto.response_bytes(answer.status, headers, b"" if head else body)
        return answer.status
    try:
        if head:
            proto.response_bytes(answer.status, headers, b"")
            return answer.status
        transport = proto.response_stream(answer.status, headers)
        await _stream(transport, body)
    finally:
        body.close()
    return answer.status


async def _stream(transport: Any, spool: Spool) -> None:
    with spool.reader() as handle:
        while chunk := handle.read(4 * CHUNK):
            await transport.send_bytes(chunk)


def _error(proto: Any, exc: ProtocolError, accept: str | None) -> int:
    body, content_type = render_error(exc.status, exc.message, exc.parameter, accept)
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body))), ("Cache-Control", "no-store")]
    headers += list(exc.headers.items()) + COMMON_HEADERS
    try:
        proto.response_bytes(exc.status, headers, body)
    except RuntimeError:  # a response was already started: nothing more can be sent
        pass
    return exc.status


def worker_app() -> Gateway:
    """The RSGI app of one Granian worker (built in the worker, after it was started)."""
    config = load_config()
    runtime = config.get("RUNTIME") or os.environ.get("ISCM_KG_RUNTIME")
    if not runtime:
        raise RuntimeError("ISCM_KG_RUNTIME is not set: start the server with `iscm-kg serve`")
    gateway = Gateway(config, Path(runtime))
    end_with_serve("this web worker")
    gc.freeze()  # the app's objects live as long as the worker: the collector skips them (shorter pauses)
    return gateway
