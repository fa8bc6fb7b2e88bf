"""A seeded, bounded fuzz of the whole site over raw sockets: a few thousand malformed and hostile requests.

Random methods, paths (the linked-data routes with junk, percent-encoding errors, NULs, very long segments),
query strings with random, repeated or missing parameters, bodies with a wrong Content-Type or
Content-Length, truncated chunked bodies, random bytes, broken UTF-8, odd Accept headers, and SPARQL built
from a small grammar of fragments (deep nesting up to a few thousand levels, odd escapes, SERVICE tricks,
huge VALUES, bad IRIs). Every request must get a complete HTTP answer with a status below 500 (or a 503
that says when to come back); a request that announced a body it did not send may be answered with a 4xx
(408 included) or closed. Afterwards the server is alive, answers known queries correctly, and its log has
no stack trace. The requests are generated from a fixed seed: the same ones on every run.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from . import hostile
from .conftest import EX, RDFS_LABEL, Server, start_ours
from .hostile import Dropped, RawResponse
from .test_query import rows

SEED = 20261204
COUNT = 3000
CLIENTS = 4
TIME_BUDGET = 100.0  # seconds for all the requests; the run stops there and fails
QUERY_TIMEOUT = 2
BODY_TIMEOUT = 3


@pytest.fixture(scope="module")
def fuzz_server(server_tmp: Path, dist: Path) -> Iterator[Server]:
    env = {
        "ISCM_KG_QUERY_TIMEOUT": str(QUERY_TIMEOUT),
        "ISCM_KG_BODY_TIMEOUT": str(BODY_TIMEOUT),
        "ISCM_KG_MAX_ROWS": "500",
    }
    server = start_ours("fuzz", server_tmp, dist, workers=2, env=env)
    yield server
    server.stop()


@dataclass
class Case:
    kind: str  # what sort of request, for the summary
    data: bytes  # the bytes sent, as they are
    head: bool = False  # a HEAD request: the answer has no body
    truncated: bool = False  # it announces a body it does not send (and half-closes): 4xx or a close is fine


# --- the pieces requests are made of ----------------------------------------------------------------------

METHODS = ["GET"] * 8 + ["POST"] * 4 + ["HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "PROPFIND", "get"]
ROUTES = [
    "/sparql",
    "/sparql",
    "/sparql",
    "/id/",
    "/id/mechanism/",
    "/graph/",
    "/data/id/",
    "/data/graph/",
    "/page/id/",
    "/page/",
    "/store",
    "/store/",
    "/health",
    "/ready",
    "/",
    "/ontology",
    "/ontology.",
    "/static/",
    "/nothing/",
]
JUNK_SEGMENTS = [
    "%",
    "%z",
    "%zz",
    "%0",
    "%00",
    "a%00b",
    "%C3%28",
    "%FF%FE",
    "%ED%A0%80",
    "%F0%9F%98%80",
    "%2e%2e",
    "..",
    ".",
    "%2F",
    "x%3E%20%3Fp%20%3Fo%20%7D%20%23",
    "%3Cx%3E",
    "a%20b",
    "%22%27%5C",
    "m03",
    "mechanism/m03",
    "S01",
    "index",
    "%E2%80%8B",
]
SUFFIXES = ["", "", "", ".ttl", ".jsonld", ".nt", ".rdf", ".html", ".xyz", "/", "index.ttl"]
ACCEPTS = [
    None,
    None,
    "*/*",
    "application/sparql-results+json",
    "application/json",
    "text/csv",
    "text/turtle",
    "text/html",
    "",
    "*/*;q=0",
    "application/sparql-results+json;q=abc",
    "text/html;q=0.5, */*;q=0.1",
    "a/b/c",
    ";;;",
    "*",
    "application/*",
    "text/csv;q=1.5",
    "application/problem+json",
    "image/png",
    ",".join(f"type{i}/sub{i};q=0.{i % 10}" for i in range(200)),
]
CONTENT_TYPES = [
    "application/sparql-query",
    "application/x-www-form-urlencoded",
    "application/sparql-update",
    "application/sparql-query; charset=latin1",
    "application/x-www-form-urlencoded; charset=utf-16",
    "application/sparql-query; charset=utf-8; charset=ascii",
    "text/plain",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=zz",
    "application/json",
    "",
    ";",
    "application/sparql-query, application/json",
    "application/n-triples",
]
PARAMETERS = [
    "query",
    "query",
    "query",
    "update",
    "default-graph-uri",
    "named-graph-uri",
    "format",
    "output",
    "graph",
    "default",
    "using-graph-uri",
    "x",
    "",
    "query[]",
    "QUERY",
]
IRIS = [
    "http://x",
    "http://x\x00",
    "%zz",
    "relative",
    "http://a b",
    "<http://x>",
    "urn:x",
    "http://127.0.0.1:1/",
    f"{EX}graph/facts",
    "x" * 3000,
    "http://é.example/",
    "",
]
FORMATS = ["json", "xml", "csv", "tsv", "turtle", "nt", "jsonld", "rdfxml", "xyz", "", "text/csv", "application/x"]


class SparqlGrammar:
    """SPARQL texts from fragments: mostly cheap queries (every pattern shares ?s), some with deep nesting,
    escapes, SERVICE tricks, huge VALUES, bad IRIs, or cut short."""

    def __init__(self, rng: random.Random, closed_port: int) -> None:
        self.rng = rng
        self.service = f"http://127.0.0.1:{closed_port}/"
        self.values = [f"<m{m:02d}>" for m in range(60)] + ["1", '"2"', "UNDEF", "<bad iri>", "3.0", "_:b"]

    def iri(self) -> str:
        return self.rng.choice(
            [
                f"<{EX}id/mechanism/m0{self.rng.randint(0, 9)}>",
                f"<{RDFS_LABEL}>",
                f"<{EX}ontology#ISCM>",
                "<relative>",
                "<>",
                "<http://a b>",
                "<http://x\\u0000>",
                "<http://x\\u003E>",
                "<http://x/\\U0001F600>",
                "ex:a",
                "ex:a\\#",
                "ex:a\\'",
                "ex:",
                "undeclared:x",
                "<" + "x" * 2000 + ">",
            ]
        )

    def literal(self) -> str:
        return self.rng.choice(
            [
                '"x"',
                "'y'@en",
                '"1"^^<http://www.w3.org/2001/XMLSchema#integer>',
                '"a\\"b"',
                '"\\uD800"',
                '"\\u12"',
                '"""long\nstring"""',
                "42",
                "-0.5e3",
                "true",
                '"2019-01-01T10:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>',
                '"unterminated',
                '"é\\t\\n"',
            ]
        )

    def term(self) -> str:
        pick = self.rng.random()
        if pick < 0.5:
            return self.rng.choice(["?p", "?o", "?x", "?l", "$o", "?é"])
        return self.iri() if pick < 0.8 else self.literal()

    def path(self) -> str:
        return self.rng.choice(
            [
                f"<{RDFS_LABEL}>",
                f"(<{RDFS_LABEL}>|^<{RDFS_LABEL}>)",
                f"!(<{RDFS_LABEL}>|^<{RDFS_LABEL}>)",
                f"<{EX}ontology#hasMember>/<{RDFS_LABEL}>",
                f"<{EX}ontology#hasMember>?",
                "a",
                "!a",
                "?p",
            ]
        )

    def expression(self) -> str:
        return self.rng.choice(
            [
                "?o = 1",
                "isIRI(?o)",
                "REGEX(STR(?o), '^M', 'i')",
                "STRLEN(STR(?s)) > 3",
                "?o != ?s",
                "BOUND(?x)",
                "LANG(?l) = 'en'",
                "COALESCE(?x, 1)",
                "!!!true",
                "(((1)))",
                "1/0",
                "STRDT('1', <http://www.w3.org/2001/XMLSchema#integer>)",
                "EXISTS { ?s ?p ?o }",
                "REGEX('aaaaaaaaaaaaaaaaaaaaaaaaaaa!', '(a+)+$')",
                "unknown:function(1)",
                "?o IN (1, 2, 'x')",
            ]
        )

    def element(self, depth: int) -> str:
        options = ["triple", "triple", "path", "filter", "bind", "values"]
        if depth < 3:
            options += ["optional", "union", "minus", "graph", "subquery", "exists", "service"]
        kind = self.rng.choice(options)
        if kind == "triple":
            return f"?s {self.rng.choice(['?p', self.iri()])} {self.term()} ."
        if kind == "path":
            return f"?s {self.path()} ?o ."
        if kind == "filter":
            return f"FILTER({self.expression()})"
        if kind == "bind":
            return f"BIND({self.expression()} AS ?b{self.rng.randint(0, 3)})"
        if kind == "values":
            count = self.rng.choice([1, 3, 50, 500, 5000])
            values = " ".join(self.rng.choice(self.values) for _ in range(count))
            return f"VALUES ?s {{ {values} }}"
        inner = self.group(depth + 1)
        if kind == "optional":
            return f"OPTIONAL {inner}"
        if kind == "union":
            return f"{inner} UNION {self.group(depth + 1)}"
        if kind == "minus":
            return f"MINUS {inner}"
        if kind == "graph":
            return f"GRAPH {self.rng.choice(['?g', f'<{EX}graph/facts>', '<nothing>'])} {inner}"
        if kind == "subquery":
            return f"{{ SELECT * WHERE {inner} LIMIT {self.rng.randint(0, 20)} }}"
        if kind == "exists":
            return f"FILTER {self.rng.choice(['EXISTS', 'NOT EXISTS'])} {inner}"
        keyword = self.rng.choice(["SERVICE", "service", "SERVICE SILENT", "\\u0053ERVICE", "SERVICE"])
        target = self.rng.choice([f"<{self.service}>", "?endpoint", "svc:x", "<x>", "<http://example.org/sparql>"])
        confuser = self.rng.choice(["", "", "BIND(ex:a\\# AS ?k) ", "BIND(ex:a\\' AS ?k) "])
        return f"{confuser}{keyword} {target} {inner}"

    def group(self, depth: int = 0) -> str:
        parts = [self.element(depth) for _ in range(self.rng.randint(1, 4))]
        return "{ " + " ".join(parts) + " }"

    def deep(self) -> str:
        depth = self.rng.choice([50, 200, 1000, 2000, 3000])
        shape = self.rng.choice(["braces", "optional", "union", "parens", "nots", "subqueries", "paths"])
        if shape == "braces":
            return "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth
        if shape == "optional":
            return "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * depth + "}" * depth + " }"
        if shape == "union":
            return "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * depth) + " } LIMIT 1"
        if shape == "parens":
            return "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * depth + "1" + ")" * depth + ") } LIMIT 1"
        if shape == "nots":
            return "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * depth + "true) } LIMIT 1"
        if shape == "subqueries":
            return "SELECT * WHERE { " + "{ SELECT * WHERE { " * depth + "?s ?p ?o" + " } }" * depth + " } LIMIT 1"
        return "SELECT * WHERE { ?s " + "(" * depth + f"<{RDFS_LABEL}>" + ")" * depth + " ?o }"

    def query(self) -> str:
        if self.rng.random() < 0.04:
            return self.deep()
        prologue = self.rng.choice(
            [
                "",
                "PREFIX ex: <http://e/> ",
                "PREFIX ex: <http://e/> PREFIX svc: <" + self.service + "> ",
                "BASE <" + self.service + "> PREFIX ex: <http://e/> ",
                "BASE <relative> ",
                "PREFIX : <http://e/> PREFIX : <http://f/> ",
                "PREFIX ex: <http://e/> # comment\n",
            ]
        )
        where = self.group()
        form = self.rng.choice(
            [
                f"SELECT * WHERE {where} LIMIT 10",
                f"SELECT ?s ?o WHERE {where} ORDER BY ?o (EXISTS {{ ?o ?p ?s }}) LIMIT 10",
                f"SELECT (COUNT(*) AS ?n) WHERE {where}",
                f"SELECT DISTINCT ?s WHERE {where} GROUP BY ?s LIMIT 5",
                f"ASK {where}",
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {where} LIMIT 10",
                "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 5",
                f"DESCRIBE {self.iri()}",
                f"SELECT * FROM <{EX}graph/facts> FROM NAMED <nothing> WHERE {where} LIMIT 3",
                f"INSERT DATA {{ {self.iri()} {self.iri()} {self.term()} }}",
                "SELECT * WHERE { ?s ?p ?o } LIMIT 3",
                f"SELECT ?s WHERE {where} OFFSET 99999999999999999999",
            ]
        )
        text = prologue + form
        mutation = self.rng.random()
        if mutation < 0.08:
            text = text[: self.rng.randint(0, len(text))]
        elif mutation < 0.14:
            at = self.rng.randint(0, len(text))
            text = (
                text[:at]
                + self.rng.choice(["{", "}", "(", "\\", '"', "'", "#", "<", "\x00", "\ufffd", "\\u"])
                + text[at:]
            )
        elif mutation < 0.18:
            text = text.replace("SELECT", "\\u0053ELECT").replace("WHERE", "\\u0057HERE")
        return text


class RequestMaker:
    """Whole requests, as bytes."""

    def __init__(self, seed: int, host: str, closed_port: int) -> None:
        self.rng = random.Random(seed)
        self.host = host
        self.sparql = SparqlGrammar(self.rng, closed_port)

    def encode(self, value: str) -> str:
        """Percent-encoded, mostly correctly."""
        pick = self.rng.random()
        if pick < 0.8:
            return quote(value, safe="")
        if pick < 0.9:
            return quote(value, safe="{}?<>:/ ").replace(" ", "+")  # sloppy: raw characters left in
        broken = quote(value, safe="")
        at = self.rng.randint(0, len(broken))
        return broken[:at] + self.rng.choice(["%", "%z", "%C3%28", "%FF", "%00", "%ED%A0%80"]) + broken[at:]

    def value(self, name: str) -> str:
        if name in ("query", "update", "QUERY", "query[]"):
            return self.sparql.query()
        if name.endswith("graph-uri") or name == "graph":
            return self.rng.choice(IRIS)
        if name in ("format", "output"):
            return self.rng.choice(FORMATS)
        return self.rng.choice(["", "1", "x" * 500, "\x00", "é"])

    def query_string(self) -> str:
        parts = []
        for _ in range(self.rng.choice([0, 1, 1, 1, 2, 3])):
            name = self.rng.choice(PARAMETERS)
            shape = self.rng.random()
            if shape < 0.85:
                parts.append(f"{quote(name)}={self.encode(self.value(name))}")
            elif shape < 0.92:
                parts.append(quote(name))  # no value at all
            else:
                parts.append(f"={self.encode(self.value(name))}")
            if self.rng.random() < 0.1:
                parts.append(parts[-1])  # the same parameter twice
        joined = "&".join(parts)
        if self.rng.random() < 0.05:
            joined = "&&" + joined + "&"
        return joined

    def path(self) -> str:
        route = self.rng.choice(ROUTES)
        if route.endswith("/") or route.endswith("."):
            segments = []
            for _ in range(self.rng.randint(1, 3)):
                pick = self.rng.random()
                if pick < 0.6:
                    segments.append(self.rng.choice(JUNK_SEGMENTS))
                elif pick < 0.8:
                    segments.append(quote(self.sparql.iri(), safe=""))
                else:
                    segments.append(
                        self.rng.choice(["a", "%C3%A9", "%00", "x%3E"]) * self.rng.choice([100, 1000, 3000])
                    )
            route += "/".join(segments) + self.rng.choice(SUFFIXES)
        return route

    def headers(self, method: str) -> list[tuple[str, str]]:
        headers = []
        accept = self.rng.choice(ACCEPTS)
        if accept is not None:
            headers.append(("Accept", accept))
        if self.rng.random() < 0.05:
            headers.append(("If-None-Match", self.rng.choice(['W/"x"', "*", '"' + "a" * 500])))
        if self.rng.random() < 0.03:
            headers.append(("If-Modified-Since", self.rng.choice(["yesterday", "Fri, 20 Nov 2026 10:00:00 GMT", ""])))
        if self.rng.random() < 0.03:
            headers.append(("X-Junk", "v" * self.rng.choice([10, 4000, 30000])))
        if self.rng.random() < 0.03:
            headers.append(("Authorization", self.rng.choice(["Bearer x", "Basic", "Bearer " + "t" * 1000])))
        if method == "OPTIONS" and self.rng.random() < 0.5:
            headers += [("Origin", "https://o.example"), ("Access-Control-Request-Method", "POST")]
        return headers

    def body(self) -> bytes:
        pick = self.rng.random()
        if pick < 0.45:
            return self.sparql.query().encode("utf-8", errors="surrogatepass")
        if pick < 0.75:
            return self.query_string().encode("utf-8", errors="surrogatepass")
        if pick < 0.85:
            return bytes(self.rng.randrange(256) for _ in range(self.rng.randint(0, 400)))
        if pick < 0.95:
            return b"query=SELECT%20*%20WHERE%20%7B%7D&" + b"\xff\xfe\xc3(" * self.rng.randint(1, 50)
        return b""

    def http_request(self) -> Case:
        method = self.rng.choice(METHODS)
        target = self.path()
        if target.startswith(("/sparql", "/store")) or self.rng.random() < 0.2:
            query_string = self.query_string()
            if query_string or self.rng.random() < 0.1:
                target += "?" + query_string
        headers = self.headers(method)
        body = None
        kind = "get-like"
        if method in ("POST", "PUT", "PATCH") or self.rng.random() < 0.05:
            kind = "with-body"
            body = self.body()
            if self.rng.random() < 0.9:
                headers.append(("Content-Type", self.rng.choice(CONTENT_TYPES)))
        host = self.host
        if self.rng.random() < 0.03:
            host = self.rng.choice(["evil.example", "", "a b", "127.0.0.1:1", "x" * 3000])
        data = hostile.request_bytes(method, target, host, headers, body)
        return Case(kind, data, head=method == "HEAD")

    def sparql_request(self) -> Case:
        """A query from the grammar, sent the way the protocol says (GET, POST form, POST direct)."""
        query = self.sparql.query()
        headers = []
        accept = self.rng.choice(ACCEPTS)
        if accept is not None:
            headers.append(("Accept", accept))
        way = self.rng.choice(["get", "get", "form", "direct"])
        extra = ""
        if self.rng.random() < 0.2:
            name = self.rng.choice(PARAMETERS[4:])
            extra = f"&{quote(name)}={quote(self.value(name), safe='')}"
        if way == "get":
            target = "/sparql?query=" + quote(query, safe="") + extra
            return Case("sparql", hostile.request_bytes("GET", target, self.host, headers))
        if way == "form":
            body = ("query=" + quote(query, safe="") + extra).encode()
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
        else:
            body = query.encode("utf-8", errors="surrogatepass")
            headers.append(("Content-Type", "application/sparql-query"))
        return Case("sparql", hostile.request_bytes("POST", "/sparql", self.host, headers, body))

    def chunked(self) -> Case:
        body = self.sparql.query().encode("utf-8", errors="surrogatepass")
        cut = self.rng.randint(1, max(1, len(body)))
        headers = [("Content-Type", "application/sparql-query"), ("Transfer-Encoding", "chunked")]
        head = hostile.request_bytes("POST", "/sparql", self.host, headers)
        pieces = [body[:cut], body[cut:]]
        encoded = b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in pieces if p) + b"0\r\n\r\n"
        shape = self.rng.random()
        if shape < 0.4:
            return Case("chunked", head + encoded)
        if shape < 0.6:  # a bad chunk size, but the request ends
            return Case("chunked-bad", head + b"zz\r\n" + body + b"\r\n0\r\n\r\n")
        if shape < 0.7:  # a chunk longer than it says
            return Case("chunked-bad", head + b"2\r\n" + body + b"\r\n0\r\n\r\n")
        return Case("chunked-truncated", head + encoded[: self.rng.randint(0, len(encoded) - 5)], truncated=True)

    def short_body(self) -> Case:
        body = self.body() or b"query=ASK%7B%7D"
        declared = len(body) + self.rng.choice([1, 10, 1000, 10**7, 10**12])
        headers = [("Content-Type", self.rng.choice(CONTENT_TYPES[:3])), ("Content-Length", str(declared))]
        data = hostile.request_bytes("POST", "/sparql", self.host, headers, body, content_length=False)
        return Case("body-shorter-than-declared", data, truncated=True)

    def odd_length(self) -> Case:
        body = self.sparql.query().encode("utf-8", errors="surrogatepass")
        length = self.rng.choice(["-1", "abc", "1e3", " 5", "5, 6", "0x10", "99999999999999999999999"])
        headers = [("Content-Type", "application/sparql-query"), ("Content-Length", length)]
        data = hostile.request_bytes("POST", "/sparql", self.host, headers, body, content_length=False)
        return Case("content-length-invalid", data)

    def garbage(self) -> Case:
        data = bytes(self.rng.randrange(256) for _ in range(self.rng.randint(1, 300)))
        if self.rng.random() < 0.7:
            return Case("random-bytes", data + b"\r\n\r\n")
        return Case("random-bytes-unfinished", data, truncated=True)

    def broken_request_line(self) -> Case:
        return Case(
            "request-line",
            self.rng.choice(
                [
                    b"GET /id/a\x00b HTTP/1.1\r\nHost: x\r\n\r\n",
                    b"GET /id/a b HTTP/1.1\r\nHost: x\r\n\r\n",
                    b"GET /id/<x> HTTP/1.1\r\nHost: x\r\n\r\n",
                    "GET /id/é HTTP/1.1\r\nHost: x\r\n\r\n".encode(),
                    b"GET /sparql?query=ASK\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
                    b"GET http://evil.example/sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n\r\n",
                    b"GET //sparql HTTP/1.1\r\nHost: x\r\n\r\n",
                    b"GET /health HTTP/1.0\r\n\r\n",
                    b"GET /health\r\n\r\n",
                    b"GET  /health  HTTP/1.1\r\nHost: x\r\n\r\n",
                    b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
                    b"GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
                    b"GET /health HTTP/1.1\r\nHost: x\r\nX: \x01\x02\r\n\r\n",
                    b"GET /health HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
                    b"GET /health HTTP/1.1\r\n" + b"X-Many: 1\r\n" * 500 + b"\r\n",
                    b"GET /health HTTP/1.1\nHost: x\n\n",
                ]
            ),
        )

    def case(self) -> Case:
        pick = self.rng.random()
        if pick < 0.30:
            case = self.sparql_request()
        elif pick < 0.70:
            case = self.http_request()
        elif pick < 0.78:
            case = self.chunked()
        elif pick < 0.84:
            case = self.short_body()
        elif pick < 0.87:
            case = self.odd_length()
        elif pick < 0.92:
            case = self.garbage()
        else:
            case = self.broken_request_line()
        if not case.truncated and b"Connection: close" not in case.data:
            head, sep, rest = case.data.partition(b"\r\n\r\n")
            if sep:
                case.data = head + b"\r\nConnection: close" + sep + rest
        return case


# --- running them ---------------------------------------------------------------------------------------


def outcome(server: Server, case: Case) -> tuple[str, str | None]:
    """(what happened, for the summary; a problem, or None when the answer is acceptable)."""
    try:
        answer: RawResponse = hostile.exchange(
            server.url, case.data, timeout=30, head=case.head, half_close=case.truncated
        )
    except Dropped as exc:
        seen = f"dropped:{exc.kind}"
        if case.truncated and exc.kind in ("closed", "reset"):
            return seen, None
        return seen, f"no complete answer ({exc})"
    seen = str(answer.status)
    if case.truncated:
        if 400 <= answer.status < 500:
            return seen, None
        return seen, f"{answer.status} to a request whose body never came"
    if answer.status < 500:
        return seen, None
    if answer.status == 503 and answer.header("Retry-After"):
        return seen, None
    return seen, f"{answer.status}: {answer.body[:200]!r}"


KNOWN = [
    (f"SELECT ?l WHERE {{ <{EX}id/mechanism/m03> <{RDFS_LABEL}> ?l }}", [{"l": "Mechanism 03"}]),
    (f"SELECT (COUNT(?m) AS ?n) WHERE {{ ?m a <{EX}ontology#ISCM> }}", [{"n": "60"}]),
    (f"SELECT ?l WHERE {{ <{EX}id/state/S07> <{RDFS_LABEL}> ?l }}", [{"l": "State 07"}]),
]


def test_a_seeded_fuzz_gets_complete_answers_and_leaves_the_server_well(
    fuzz_server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    # A fixed Host header and SERVICE port (9, discard: nothing listens there), so that the requests are the
    # same bytes on every run, whatever port the server got.
    maker = RequestMaker(SEED, "127.0.0.1", 9)
    cases = [maker.case() for _ in range(COUNT)]
    started = time.monotonic()

    def run(case: Case) -> tuple[str, str | None]:
        if time.monotonic() - started > TIME_BUDGET:
            return "skipped", "over the time budget"
        return outcome(fuzz_server, case)

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(run, cases))
    elapsed = time.monotonic() - started

    statuses = Counter(seen for seen, _ in results)
    by_kind: dict[str, Counter[str]] = {}
    for case, (seen, _) in zip(cases, results, strict=True):
        by_kind.setdefault(case.kind, Counter())[seen] += 1
    # problems grouped by what went wrong (the status or how the connection ended) and the sort of request
    groups: dict[tuple[str, str], list[int]] = {}
    for i, (seen, problem) in enumerate(results):
        if problem:
            groups.setdefault((seen, cases[i].kind), []).append(i)
    problems = sum(len(indices) for indices in groups.values())
    with capsys.disabled():
        print(f"\nfuzz: {COUNT} requests (seed {SEED}) in {elapsed:.1f} s; statuses: {dict(sorted(statuses.items()))}")
        for kind, seen in sorted(by_kind.items()):
            print(f"  {kind}: {dict(sorted(seen.items()))}")
        if problems:
            print(f"  {problems} requests not answered as they must be (first of each group):")
            for (seen, kind), indices in sorted(groups.items(), key=lambda item: item[1][0]):
                first = indices[0]
                print(f"    {len(indices)} x {kind} -> {seen}: #{first} {results[first][1][:200]}")
                print(f"        {cases[first].data[:200]!r}")

    failures = []
    if problems:
        failures.append(f"{problems} of {COUNT} requests not answered as they must be (see the summary above)")
    if fuzz_server.process.poll() is not None:
        failures.append("the server process exited")
    else:
        for query, expected in KNOWN:
            try:
                response = requests.get(fuzz_server.sparql, params={"query": query}, timeout=30)
                if response.status_code != 200 or rows(response) != expected:
                    failures.append(f"a known query got {response.status_code}: {response.text[:200]}")
            except requests.RequestException as exc:
                failures.append(f"a known query got no answer: {exc!r}")
    log = fuzz_server.log()
    if "Traceback" in log:
        failures.append("the log has a stack trace: " + log[log.find("Traceback") :][:1500])
    assert not failures, "\n".join(failures)
