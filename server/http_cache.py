"""HTTP caching of query results, tied to the dataset version.

- Validators: a weak ETag made of the dataset version and the request (query, dataset, Accept,
  format), and Last-Modified = when the dataset was built (or last updated). A GET that revalidates
  gets 304 without the query being run.
- ``Cache-Control: public, max-age=N`` on GET query results when the dataset has a version.
- A small in-process LRU of serialized results, keyed by the same request and version, so identical
  queries are answered without evaluating them again (its hits are counted in /metrics); and in front
  of the app, a byte-for-byte cache of repeated GET responses that skips Flask altogether.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class CachedResult:
    body: bytes
    content_type: str
    truncated: bool


def request_key(version: str, *parts: object) -> str:
    """A short digest of the dataset version and everything that selects a representation."""
    digest = hashlib.blake2b(digest_size=12)
    digest.update(version.encode())
    for part in parts:
        digest.update(b"\x00")
        digest.update(repr(part).encode())
    return digest.hexdigest()


def etag_for(key: str) -> str:
    return f'W/"{key}"'


@lru_cache(maxsize=64)
def http_date(moment: datetime) -> str:
    return format_datetime(moment, usegmt=True)


def not_modified(
    if_none_match: str | None, if_modified_since: str | None, etag: str | None, last_modified: datetime | None
) -> bool:
    """True if the client's validators show its copy is current (RFC 9110 section 13.2.2)."""
    if if_none_match:
        if etag is None:
            return False
        if if_none_match.strip() == "*":
            return True
        opaque = etag[2:] if etag.startswith("W/") else etag
        for candidate in if_none_match.split(","):
            candidate = candidate.strip()
            if candidate.startswith("W/"):
                candidate = candidate[2:]
            if candidate == opaque:
                return True
        return False
    if if_modified_since and last_modified is not None:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            return False
        return last_modified <= since
    return False


class ResultCache:
    """A thread-safe LRU of small serialized results."""

    def __init__(self, max_entries: int, max_bytes_per_entry: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes_per_entry
        self._entries: OrderedDict[str, CachedResult] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedResult | None:
        if self.max_entries <= 0:
            return None
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: CachedResult) -> None:
        if self.max_entries <= 0 or len(entry.body) > self.max_bytes:
            return
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


class RepeatedGetMiddleware:
    """Answers a GET /sparql that repeats an earlier one byte for byte from memory, before Flask runs.

    Only responses the query view marks as cacheable are kept (200, small, with a dataset version);
    the key is the raw query string, the Accept header and the dataset version, so a new release or an
    update misses. Conditional requests go through the app (they get 304 there).
    """

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        version: Callable[[], str | None],
        max_entries: int,
        on_hit: Callable[[], None],
    ) -> None:
        self.app = app
        self.version = version
        self.max_entries = max_entries
        self.on_hit = on_hit
        self._entries: OrderedDict[tuple[str, str, str], tuple[str, list[tuple[str, str]], bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if (
            self.max_entries <= 0
            or environ.get("REQUEST_METHOD") != "GET"
            or environ.get("PATH_INFO") != "/sparql"
            or not environ.get("QUERY_STRING")
            or "HTTP_IF_NONE_MATCH" in environ
            or "HTTP_IF_MODIFIED_SINCE" in environ
        ):
            return self.app(environ, start_response)
        version = self.version()
        if version is None:
            return self.app(environ, start_response)
        key = (environ["QUERY_STRING"], environ.get("HTTP_ACCEPT", ""), version)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        if entry is not None:
            self.on_hit()
            status, headers, body = entry
            start_response(status, list(headers))
            return [body]
        captured: list[Any] = []

        def _start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured[:] = [status, headers]
            return start_response(status, headers, exc_info)

        result = self.app(environ, _start_response)
        if not environ.get(CACHEABLE) or not captured or not captured[0].startswith("200"):
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        with self._lock:
            self._entries[key] = (captured[0], list(captured[1]), body)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return [body]


# Set in the WSGI environ by the query view when its response may be kept by RepeatedGetMiddleware.
CACHEABLE = "iscm.cacheable"
