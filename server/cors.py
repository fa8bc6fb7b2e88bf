"""Headers on every response: CORS for any origin, never with credentials (no cookies are used;
updates use a bearer token), and no MIME sniffing."""

from __future__ import annotations

EXPOSED = "ETag, Last-Modified, Location, X-SPARQL-MaxRows, X-Result-Truncated, Retry-After"
COMMON_HEADERS: list[tuple[str, str]] = [
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", EXPOSED),
    ("X-Content-Type-Options", "nosniff"),
]
PREFLIGHT_HEADERS: list[tuple[str, str]] = [
    ("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE, OPTIONS"),
    ("Access-Control-Allow-Headers", "Accept, Authorization, Content-Type, If-None-Match, If-Modified-Since"),
    ("Access-Control-Max-Age", "86400"),
]
