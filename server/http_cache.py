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
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache


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
