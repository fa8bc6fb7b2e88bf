"""HTTP caching of query results, tied to the dataset version.

- Validators: a weak ETag made of the dataset version and the request (query, dataset, Accept,
  format), and Last-Modified = when the dataset was built (or last updated). A GET that revalidates
  gets 304 without the query being run.
- ``Cache-Control: public, max-age=N`` on GET query results when the dataset has a version.
- A small in-process LRU of serialized results, keyed by the same request and version, so identical
  queries are answered without evaluating them again (its hits are counted in /metrics). Repeated
  plain GETs are replayed by the gateway (gateway.py).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from functools import lru_cache

from cachetools import LRUCache
from werkzeug.http import parse_date, parse_etags, unquote_etag


@dataclass(frozen=True)
class CachedResult:
    body: bytes
    content_type: str
    truncated: bool


def request_key(version: str, *parts: object) -> str:
    """A short digest of the dataset version and everything that selects a representation."""
    text = "\x00".join([version, *(part if isinstance(part, str) else repr(part) for part in parts)])
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def etag_for(key: str) -> str:
    return f'W/"{key}"'


@lru_cache(maxsize=64)
def http_date(moment: datetime) -> str:
    return format_datetime(moment, usegmt=True)


def not_modified(
    if_none_match: str | None, if_modified_since: str | None, etag: str | None, last_modified: datetime | None
) -> bool:
    """True if the client's validators show its copy is current (RFC 9110 section 13.2.2: If-None-Match, weak
    comparison, wins over If-Modified-Since), parsed by werkzeug.http."""
    if if_none_match:
        return etag is not None and parse_etags(if_none_match).contains_weak(unquote_etag(etag)[0])
    if if_modified_since and last_modified is not None:
        since = parse_date(if_modified_since)
        return since is not None and last_modified <= since
    return False


class ResultCache:
    """A thread-safe LRU (cachetools) of small serialized results."""

    def __init__(self, max_entries: int, max_bytes_per_entry: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes_per_entry
        self._entries: LRUCache[str, CachedResult] = LRUCache(maxsize=max(max_entries, 1))
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedResult | None:
        if self.max_entries <= 0:
            return None
        with self._lock:
            return self._entries.get(key)

    def put(self, key: str, entry: CachedResult) -> None:
        if self.max_entries <= 0 or len(entry.body) > self.max_bytes:
            return
        with self._lock:
            self._entries[key] = entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
