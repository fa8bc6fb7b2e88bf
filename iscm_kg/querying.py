"""Running a query from the command line on the built store, natively in Oxigraph. Query files in queries/
declare parameters in their header (`# param: name (type) description`), bound with VALUES.

The default graph of a built store holds every triple of its named graphs once (a set): the build writes
it (:func:`materialize_default_graph`), so plain queries count each fact once. (Oxigraph's own union of the
graphs is a bag: a triple held in n named graphs would come back n times.)"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from string import Template

import pyoxigraph as ox

from .paths import QUERIES

HEADER = re.compile(r"^#\s*(\w[\w-]*)\s*:\s*(.*)$")
PARAM = re.compile(r"^(\w+)\s*(?:\((\w+)\))?\s*(.*)$")


@dataclass
class QueryFile:
    """A query of queries/ with its header: title, description, parameters (name -> (type, text))."""

    name: str
    path: Path
    text: str
    title: str = ""
    topic: str = ""  # what the query is about, to group queries for people (the query editor, the questions)
    description: str = ""
    params: dict[str, tuple[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)

    def bind(self, values: dict[str, str | list[str]]) -> str:
        """The query with each parameter bound: `VALUES ?name { value }` inserted after the first `{` of
        WHERE (a list parameter, of type `iris` or `strings`, takes a list: one row per value). Each value is
        checked and written by pyoxigraph as an RDF term (an IRI, a string literal, a number), so that no value
        can change the query's structure."""
        unknown = set(values) - set(self.params)
        if unknown:
            raise ValueError(f"unknown parameter(s) {', '.join(sorted(unknown))}; "
                             f"{self.name} takes {', '.join(self.params) or 'none'}")
        merged = {**self.defaults, **values}
        clauses = []
        for name, value in merged.items():
            kind = self.params[name][0]
            if kind in LIST_KINDS:
                terms = [_term(name, LIST_KINDS[kind], item) for item in ([value] if isinstance(value, str) else value)]
            elif isinstance(value, str):
                terms = [_term(name, kind, value)]
            else:
                raise ValueError(f"parameter {name} takes one value, not a list")
            clauses.append(f"VALUES ?{name} {{ {' '.join(terms)} }}")
        if not clauses:
            return self.text
        match = re.search(r"WHERE\s*\{", self.text, re.IGNORECASE)
        if not match:
            raise ValueError(f"{self.name}: no WHERE clause to bind parameters into")
        return self.text[: match.end()] + "\n  " + "\n  ".join(clauses) + self.text[match.end():]


XSD = "http://www.w3.org/2001/XMLSchema#"
LIST_KINDS = {"iris": "iri", "strings": "string"}  # list parameters and the kind of each value


def _term(name: str, kind: str, value: str) -> str:
    """``value`` as the RDF term a parameter of ``kind`` takes, serialized by pyoxigraph."""
    if kind == "iri":
        if not re.match(r"^https?://", value):
            raise ValueError(f"parameter {name}: {value!r} is not an http(s) IRI")
        try:
            return str(ox.NamedNode(value))
        except ValueError:
            raise ValueError(f"parameter {name}: {value!r} is not an IRI") from None
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", value):
            raise ValueError(f"parameter {name}: {value!r} is not an integer")
        return str(ox.Literal(value, datatype=ox.NamedNode(XSD + "integer")))
    if kind == "decimal":
        if not re.fullmatch(r"-?\d+(\.\d+)?", value):
            raise ValueError(f"parameter {name}: {value!r} is not a number")
        return str(ox.Literal(value, datatype=ox.NamedNode(XSD + "decimal")))
    return str(ox.Literal(value))


def load_query(path: Path) -> QueryFile:
    text = path.read_text(encoding="utf-8")
    query = QueryFile(path.stem, path, text)
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = HEADER.match(line)
        if not match:
            continue
        key, value = match.group(1).lower(), match.group(2).strip()
        if key == "title":
            query.title = value
        elif key == "topic":
            query.topic = value
        elif key == "description":
            query.description = (query.description + " " + value).strip()
        elif key == "param":
            param = PARAM.match(value)
            if param:
                query.params[param.group(1)] = (param.group(2) or "string", param.group(3))
        elif key == "default":
            name, _, default = value.partition("=")
            query.defaults[name.strip()] = default.strip()
    return query


def all_queries(folder: Path = QUERIES) -> dict[str, QueryFile]:
    return {p.stem: load_query(p) for p in sorted(folder.glob("*.rq"))}


def open_store(dist: Path) -> ox.Store:
    store_path = dist / "store"
    if not store_path.exists():
        raise FileNotFoundError(f"{store_path} not found: run `iscm-kg build` first")
    return ox.Store.read_only(str(store_path))


def statement(relative: str, **terms: str) -> str:
    """The SPARQL text of ``queries/{relative}`` without its comment lines, each ``$name`` in it replaced by
    ``terms[name]``. The terms are RDF terms serialized by pyoxigraph (``<iri>``, N-Triples lines), never
    request text, so that nothing can change the statement's structure."""
    return Template(_statement_text(relative)).substitute(terms)


@cache
def _statement_text(relative: str) -> str:
    lines = (QUERIES / relative).read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("#"))


def materialize_default_graph(store: ox.Store) -> None:
    """Make the default graph the set union of the named graphs (again, after named graphs were added)."""
    store.update(statement("store/materialize-union.ru"))


def run(store: ox.Store, sparql: str):
    return store.query(sparql)


def run_cli_query(query: str | None, query_file: Path | None, params: tuple[str, ...], fmt: str, dist: Path,
                  echo: Callable[[str], None]) -> None:
    if query_file is not None:
        path = query_file if query_file.exists() else QUERIES / f"{query_file.stem}.rq"
        if not path.exists():
            raise FileNotFoundError(f"query file {query_file} not found (nor in queries/)")
        qf = load_query(path)
        values = {}
        for item in params:
            name, sep, value = item.partition("=")
            if not sep:
                raise ValueError(f"--param {item!r}: write NAME=VALUE")
            values[name] = value
        sparql = qf.bind(values)
    elif query:
        sparql = query
    else:
        raise ValueError("give a query string or --file")
    result = run(open_store(dist), sparql)
    if isinstance(result, ox.QuerySolutions):
        if fmt == "table":
            echo(_table(result))
            return
        fmt_map = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                   "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML}
        echo(result.serialize(format=fmt_map[fmt]).decode("utf-8"))
    elif isinstance(result, ox.QueryBoolean):
        echo("true" if bool(result) else "false")
    else:
        echo(ox.serialize(result, format=ox.RdfFormat.TURTLE).decode("utf-8"))


def _table(solutions: ox.QuerySolutions) -> str:
    names = [v.value for v in solutions.variables]
    rows = [[_show(s[n]) for n in names] for s in solutions]
    widths = [min(60, max([len(n)] + [len(r[i]) for r in rows])) for i, n in enumerate(names)]
    line = lambda cells: " | ".join(c[:60].ljust(w) for c, w in zip(cells, widths, strict=True))  # noqa: E731
    return "\n".join([line(names), "-+-".join("-" * w for w in widths), *map(line, rows), f"({len(rows)} rows)"])


def _show(term) -> str:
    if term is None:
        return ""
    return term.value if hasattr(term, "value") else str(term)
