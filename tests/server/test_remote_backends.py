"""Every canned query (queries/*.rq) gives the same answer on the three backends, through our /sparql:

- ``embedded``: our server on its own pyoxigraph store (the reference);
- ``oxigraph``: our server in front of the Oxigraph server, whose default graph was made the SET union of the
  named graphs once, after the load (``oxigraph update ... INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }``);
  no per-query union parameter;
- ``virtuoso``: our server in front of Virtuoso 7.2 loaded with the release (tests/server/virtuoso.py); its
  default graph is the BAG union of the graphs, so the queries are written not to depend on duplicates.

Each query runs with its default parameters (and a few with the parameter values their headers give as
examples). Rows are compared as a multiset; when the query has ORDER BY, also in order, as the sequence of
groups of rows with equal ORDER BY keys (the order within a group is undefined). Normalised, and only this,
because SPARQL leaves it undefined or the values are equal:

- the order of the items of a GROUP_CONCAT result (items sorted; the separators are read from the query), and a
  language tag on a GROUP_CONCAT result;
- numbers by value within a datatype family (xsd:integer, xsd:int, xsd:long... are one), booleans by value
  ("1" / "true"), xsd:string = simple literal, language tags in lower case, JSON ``typed-literal`` =
  ``literal`` with a datatype; blank nodes are all alike (CONSTRUCT results are compared as graphs, modulo blank
  nodes).

Anything else is a real difference and fails.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
import rdflib
import requests
from rdflib.compare import isomorphic

from iscm_kg.querying import QueryFile, all_queries

from .conftest import Server, start_ours, start_oxigraph, wait_until_up
from .virtuoso import VIRTUOSO, start_virtuoso

QUERIES = all_queries()
MECH = "https://w3id.org/iscm/id/mechanism/"
STATE = "https://w3id.org/iscm/id/state/"
# Parameter values from the query headers' examples: (query, parameters).
EXAMPLES: list[tuple[str, dict[str, str]]] = [
    ("iscm-fact-sheet", {"iscm": MECH + "budapest"}),
    ("state-iscms", {"state": STATE + "MAR"}),
    ("find-by-name", {"name": "Puebla Process"}),
    ("fact-source", {"subject": MECH + "budapest"}),
    ("contributions-by-level", {"level": "bilateral"}),
]
CASES = [(name, {}) for name in QUERIES] + EXAMPLES
# Differences no semantics-preserving query change avoids: (backend, case id) -> Virtuoso's behaviour.
KNOWN: dict[tuple[str, str], str] = {}

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
INTEGERS = {
    XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "nonPositiveInteger",
        "positiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}
FAMILIES = {**dict.fromkeys(INTEGERS, "integer"), XSD + "decimal": "decimal", XSD + "double": "double"}
FAMILIES[XSD + "float"] = "double"

Term = tuple[str, ...]
Row = tuple[Term, ...]


def case_id(name: str, params: dict[str, str]) -> str:
    return name + "".join(f"[{k}={v.rsplit('/', 1)[-1].rsplit('#', 1)[-1]}]" for k, v in params.items())


# --- the servers ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def backends_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("remote-backends")


def serve(*starters) -> Iterator[Server]:
    """Start the servers in turn (each may use the one before) and stop them all, last first."""
    servers: list[Server] = []
    try:
        for start in starters:
            servers.append(start(servers[-1] if servers else None))
        yield servers[-1]
    finally:
        for server in reversed(servers):
            server.stop()


@pytest.fixture(scope="module")
def embedded(release: Path, backends_tmp: Path) -> Iterator[Server]:
    yield from serve(lambda _: start_ours("rb-embedded", backends_tmp, release))


@pytest.fixture(scope="module")
def oxigraph(release: Path, backends_tmp: Path) -> Iterator[Server]:
    yield from serve(
        lambda _: start_oxigraph("rb-oxigraph", backends_tmp, release / "iscm-kg.nq", set_union=True),
        lambda peer: start_ours("rb-oxigraph-backed", backends_tmp, release, backend_url=peer.url + "/query"),
    )


@pytest.fixture(scope="module")
def virtuoso(release: Path, backends_tmp: Path) -> Iterator[Server]:
    if shutil.which(VIRTUOSO) is None:
        pytest.skip(f"{VIRTUOSO} is not installed (Debian package virtuoso-opensource)")
    yield from serve(
        lambda _: start_virtuoso("rb-virtuoso", backends_tmp, release / "iscm-kg.nq"),
        lambda peer: start_ours("rb-virtuoso-backed", backends_tmp, release, backend_url=peer.sparql),
    )


# --- running a query and reading its answer --------------------------------------------------------------


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first of these keywords outside comments and IRIs."""
    body = re.sub(r"#[^\n]*|<[^>\s]*>", " ", text)
    match = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", body, re.IGNORECASE)
    assert match, "no query form found"
    return match.group(1).upper()


def fetch(server: Server, text: str) -> requests.Response:
    accept = (
        "application/n-triples" if query_form(text) in ("CONSTRUCT", "DESCRIBE") else "application/sparql-results+json"
    )
    for attempt in range(2):
        response = requests.post(server.sparql, data={"query": text}, headers={"Accept": accept}, timeout=120)
        # A 503 that is not a timeout (an engine restarting) says "Retry-After": once, when it is ready again.
        if response.status_code != 503 or "within its time" in response.text or attempt:
            break
        wait_until_up(server.url + "/ready", server.process, server.log_path)
    assert response.status_code == 200, f"{server.name}: HTTP {response.status_code}: {response.text[:500]}"
    return response


def group_concats(text: str) -> dict[str, list[str]]:
    """The variables whose value is a GROUP_CONCAT result, with its separators: the ``?v`` of each
    ``(... GROUP_CONCAT(...) ... AS ?v)``, and of each ``(... ?v ... AS ?w)`` or ``BIND (... ?v ... AS ?w)`` that
    passes such a value on."""
    body = re.sub(r'"(?:[^"\\]|\\.)*"', lambda m: "_" * len(m.group(0)), text)  # no parentheses in strings
    body = re.sub(r"#[^\n]*", lambda m: " " * len(m.group(0)), body)
    expressions: list[tuple[str, int, int]] = []  # (alias, start, end) of the expression of each "AS ?alias"
    for alias in re.finditer(r"(?<![\w?$])AS\s+\?(\w+)", body, re.IGNORECASE):
        depth, i = 0, alias.start()
        while i > 0 and depth >= 0:
            i -= 1
            depth += {")": 1, "(": -1}.get(body[i], 0)
        expressions.append((alias.group(1), i + 1, alias.start()))
    found: dict[str, list[str]] = {}
    changed = True
    while changed:
        changed = False
        for alias, start, end in expressions:
            separators = []
            for call in re.finditer(r"GROUP_CONCAT\s*\(", body[start:end], re.IGNORECASE):
                depth, i = 1, start + call.end()
                while depth and i < end:
                    depth += {"(": 1, ")": -1}.get(body[i], 0)
                    i += 1
                separator = re.search(r';\s*separator\s*=\s*"((?:[^"\\]|\\.)*)"', text[start + call.end() : i], re.I)
                separators.append(separator.group(1) if separator else " ")
            for name, inherited in found.items():
                if re.search(rf"\?{name}\b", body[start:end]):
                    separators += inherited
            if separators and sorted(set(separators)) != found.get(alias):
                found[alias] = sorted(set(separators))
                changed = True
    return found


def number(value: str) -> str:
    try:
        return format(Decimal(value).normalize(), "f") if Decimal(value).is_finite() else value
    except InvalidOperation:
        return value


def term(binding: dict[str, str] | None, separators: list[str] | None) -> Term:
    """A JSON result term as compared (see the module docstring); ``separators``: a GROUP_CONCAT result's."""
    if binding is None:
        return ("unbound",)
    kind = binding["type"]
    if kind == "uri":
        return ("uri", binding["value"])
    if kind == "bnode":
        return ("bnode",)
    assert kind in ("literal", "typed-literal"), f"unknown term type {kind!r}"  # typed-literal: SPARQL 1.0 JSON
    value = binding["value"]
    datatype = binding.get("datatype", "")
    lang = binding.get("xml:lang", "").lower()
    if datatype in (XSD + "string", RDF_LANG_STRING):
        datatype = ""
    if separators is not None and not datatype:
        for separator in separators:
            value = separator.join(sorted(value.split(separator)))
        return ("literal", value, "", "")
    if datatype == XSD + "boolean" and value in ("0", "1", "true", "false"):
        return ("literal", "true" if value in ("1", "true") else "false", datatype, "")
    if datatype in FAMILIES:
        return ("number", number(value), FAMILIES[datatype])
    return ("literal", value, datatype, lang)


def solutions(text: str, response: requests.Response) -> tuple[list[str], list[Row]] | bool:
    data = response.json()
    if "boolean" in data:
        return bool(data["boolean"])
    variables = data["head"]["vars"]
    concats = group_concats(text)
    rows = [tuple(term(b.get(v), concats.get(v)) for v in variables) for b in data["results"]["bindings"]]
    return variables, rows


ORDER_KEY = re.compile(
    r"\s*(?P<direction>ASC|DESC)?\s*\(?\s*(?:"
    r"\?(?P<plain>\w+)"
    r"|STR\s*\(\s*\?(?P<str>\w+)\s*\)"
    r"|SUBSTR\s*\(\s*STR\s*\(\s*\?(?P<substr>\w+)\s*\)\s*,\s*1\s*,\s*(?P<length>\d+)\s*\)"
    r")\s*\)?",
    re.IGNORECASE,
)


def order_keys(text: str, variables: list[str]) -> list[tuple[int, int | None]] | None:
    """The ORDER BY keys of the outermost query as (column, length) pairs: length None for the value itself, 0
    for STR(value), n for SUBSTR(STR(value), 1, n); None without ORDER BY. A key is a projected variable, STR()
    of one or SUBSTR(STR(), 1, n) of one, in ASC() or DESC() or not. When a key is anything else (e.g. a variable
    not projected), every column is a key: the rows must come in the same order exactly (write such a query so
    that it has no ties)."""
    body = re.sub(r"#[^\n]*", " ", text)
    matches = list(re.finditer(r"\bORDER\s+BY\b", body, re.IGNORECASE))
    if not matches:
        return None
    clause = re.split(r"\b(?:LIMIT|OFFSET)\b|}", body[matches[-1].end() :], flags=re.IGNORECASE)[0].strip()
    keys: list[tuple[int, int | None]] = []
    position = 0
    while position < len(clause):
        match = ORDER_KEY.match(clause, position)
        name = match and (match.group("plain") or match.group("str") or match.group("substr"))
        if not match or match.end() == position or name not in variables:
            return [(column, None) for column in range(len(variables))]
        length = int(match.group("length")) if match.group("substr") else (0 if match.group("str") else None)
        keys.append((variables.index(name), length))
        position = match.end()
    return keys


def key_of(row: Row, keys: list[tuple[int, int | None]]) -> tuple:
    key = []
    for column, length in keys:
        value = row[column]
        if length is None or len(value) < 2:  # the term itself; or unbound, a blank node
            key.append(value)
        else:
            key.append(("str", value[1][:length] if length else value[1]))
    return tuple(key)


def key_groups(rows: list[Row], keys: list[tuple[int, int | None]]) -> list[tuple[tuple, Counter[Row]]]:
    """The rows as consecutive groups of equal ORDER BY keys: [(key, rows of the group)]."""
    groups: list[tuple[tuple, Counter[Row]]] = []
    for row in rows:
        key = key_of(row, keys)
        if not groups or groups[-1][0] != key:
            groups.append((key, Counter()))
        groups[-1][1][row] += 1
    return groups


def show(rows) -> str:
    return "\n".join(f"    {row}" for row in list(rows)[:6]) + ("\n    ..." if len(rows) > 6 else "")


def difference(text: str, expected: requests.Response, got: requests.Response) -> str | None:
    """None when the answers are the same (as the module docstring says), else what differs."""
    if query_form(text) in ("CONSTRUCT", "DESCRIBE"):
        a = rdflib.Graph().parse(data=expected.text, format="nt")
        b = rdflib.Graph().parse(data=got.text, format="nt")
        if isomorphic(a, b):
            return None
        return f"graphs differ: {len(a)} vs {len(b)} triples"
    a, b = solutions(text, expected), solutions(text, got)
    if isinstance(a, bool) or isinstance(b, bool):
        return None if a == b else f"ASK: {a} vs {b}"
    (variables, rows_a), (variables_b, rows_b) = a, b
    if variables != variables_b:
        return f"variables {variables} vs {variables_b}"
    only_a, only_b = Counter(rows_a) - Counter(rows_b), Counter(rows_b) - Counter(rows_a)
    if only_a or only_b:
        return (
            f"{len(rows_a)} vs {len(rows_b)} rows ({variables});\n  only expected ({sum(only_a.values())}):\n"
            f"{show(only_a)}\n  only got ({sum(only_b.values())}):\n{show(only_b)}"
        )
    keys = order_keys(text, variables)
    if keys is None:
        return None
    groups_a, groups_b = key_groups(rows_a, keys), key_groups(rows_b, keys)
    for i, (ga, gb) in enumerate(zip(groups_a, groups_b, strict=False)):
        if ga != gb:
            return (
                f"order differs at key group {i}: expected key {ga[0]} with {sum(ga[1].values())} rows, "
                f"got key {gb[0]} with {sum(gb[1].values())} rows"
            )
    if len(groups_a) != len(groups_b):
        return f"{len(groups_a)} vs {len(groups_b)} ORDER BY key groups"
    return None


# --- the test ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference(embedded: Server) -> dict[str, requests.Response]:
    """The embedded server's answers, by query text (each query runs there once)."""
    return {}


def cases() -> list:
    found = []
    for backend in ("oxigraph", "virtuoso"):
        for name, params in CASES:
            ident = case_id(name, params)
            marks = [pytest.mark.xfail(strict=True, reason=KNOWN[backend, ident])] if (backend, ident) in KNOWN else []
            found.append(pytest.param(backend, QUERIES[name], params, id=f"{backend}-{ident}", marks=marks))
    return found


@pytest.mark.parametrize(("backend", "query", "params"), cases())
def test_same_answer(
    backend: str,
    query: QueryFile,
    params: dict[str, str],
    embedded: Server,
    reference: dict[str, requests.Response],
    request: pytest.FixtureRequest,
) -> None:
    text = query.bind(params)
    if text not in reference:
        reference[text] = fetch(embedded, text)
    got = fetch(request.getfixturevalue(backend), text)
    problem = difference(text, reference[text], got)
    if problem is not None:
        pytest.fail(f"{query.name} {params or ''} on {backend}: {problem}", pytrace=False)
