"""Conditional requests (RFC 9110 section 13) as server/http_cache.not_modified decides them with werkzeug.http,
and the result cache's bounds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from server.http_cache import CachedResult, ResultCache, not_modified

BUILT = datetime(2026, 12, 5, 1, 0, 0, tzinfo=UTC)
ETAG = 'W/"abc123"'


@pytest.mark.parametrize("if_none_match, if_modified_since, expected", [
    ('W/"abc123"', None, True),
    ('"abc123"', None, True),  # weak comparison: the opaque tags match
    ('"other", W/"abc123"', None, True),
    ("*", None, True),
    ('"other"', None, False),
    ('"other"', "Sat, 05 Dec 2026 02:00:00 GMT", False),  # If-None-Match wins over If-Modified-Since
    (None, "Sat, 05 Dec 2026 02:00:00 GMT", True),
    (None, "Sat, 05 Dec 2026 01:00:00 GMT", True),
    (None, "Sat, 05 Dec 2026 00:59:59 GMT", False),
    (None, "not a date", False),
    (None, None, False),
])
def test_not_modified(if_none_match: str | None, if_modified_since: str | None, expected: bool) -> None:
    assert not_modified(if_none_match, if_modified_since, ETAG, BUILT) is expected


def test_no_validator_of_ours_means_modified() -> None:
    assert not not_modified('"abc123"', None, None, BUILT)
    assert not not_modified(None, "Sat, 05 Dec 2026 02:00:00 GMT", ETAG, None)


def test_the_result_cache_keeps_the_most_recent_small_entries() -> None:
    cache = ResultCache(max_entries=2, max_bytes_per_entry=4)
    small = CachedResult(b"1234", "text/plain", False)
    cache.put("a", small)
    cache.put("b", small)
    assert cache.get("a") is small  # "a" is now the most recent
    cache.put("c", small)
    assert cache.get("b") is None and cache.get("a") is small and cache.get("c") is small
    cache.put("big", CachedResult(b"12345", "text/plain", False))
    assert cache.get("big") is None and len(cache) == 2
    off = ResultCache(0, 100)
    off.put("a", small)
    assert off.get("a") is None
