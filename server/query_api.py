"""The canned queries of queries/, by name: a JSON/CSV API described by OpenAPI, and a page for each.

- ``GET /api/queries``: the queries with their titles, descriptions and parameters (JSON).
- ``GET /api/queries/{name}?param=value``: run a query with its parameters bound (``QueryFile.bind``).
  JSON by default (``{"columns": [...], "rows": [{...}]}``), CSV with ``Accept: text/csv`` or
  ``?format=csv``, the standard SPARQL JSON with ``Accept: application/sparql-results+json`` or
  ``?format=sparql-json``. CONSTRUCT queries answer Turtle (or JSON-LD / N-Triples by Accept).
- ``GET /api/openapi.json``: the OpenAPI 3.1 description, generated from the query files (and the network API).
- ``GET /queries`` and ``/queries/{name}``: the same for people, with a form for the parameters.

Whatever .rq files are in queries/ are picked up on each request (files are small; no restart needed).
Queries run natively in the app's backend under the query deadline, capped at MAX_ROWS rows.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from iscm_kg.querying import QueryFile

from . import names, sparql_text
from .dataset import base_iri, not_found_response, page_href, query_files, short, store
from .engine.store import Result
from .errors import error_response
from .names import labels
from .negotiation import BY_KEY, RDF, RESULTS, Format, best_offer, choose_representation

bp = Blueprint("query_api", __name__)

TYPES = {
    "iri": ("string", "uri"),
    "string": ("string", None),
    "integer": ("integer", None),
    "decimal": ("number", None),
}
FORMATS = {"json": "json", "csv": "csv", "sparql-json": "sparql-json", "tsv": "tsv"}
NUMERIC = {
    "http://www.w3.org/2001/XMLSchema#integer",
    "http://www.w3.org/2001/XMLSchema#int",
    "http://www.w3.org/2001/XMLSchema#long",
    "http://www.w3.org/2001/XMLSchema#decimal",
    "http://www.w3.org/2001/XMLSchema#double",
    "http://www.w3.org/2001/XMLSchema#float",
    "http://www.w3.org/2001/XMLSchema#nonNegativeInteger",
}


def describe_query(qf: QueryFile) -> dict[str, Any]:
    return {
        "name": qf.name,
        "title": qf.title or qf.name,
        "description": qf.description,
        "form": sparql_text.query_form(qf.text),
        "parameters": [
            {"name": n, "type": t, "description": d, "default": qf.defaults.get(n)} for n, (t, d) in qf.params.items()
        ],
        "url": f"/api/queries/{qf.name}",
        "page": f"/queries/{qf.name}",
    }


class ParameterError(ValueError):
    """A parameter of a question that is missing or names nothing (400, naming the parameter)."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


def parameter_values(qf: QueryFile, args: Any) -> dict[str, str]:
    """The query's parameters from the request (empty values are left unbound: every value). An IRI parameter
    takes a name too (``Rabat Process``, ``Morocco``, ``ESP``: server/names.py) or a bare key
    (``mechanism/bali``). A parameter the query needs (one with an example value in its header) must be
    given: never another thing's answer. ValueError names the parameter."""
    values = {}
    for name, (kind, _text) in qf.params.items():
        value = (args.get(name) or "").strip()
        if not value:
            if name in qf.defaults:
                example = short_example(qf.defaults[name])
                raise ParameterError(name, f"parameter {name} is needed: name one, e.g. {example}")
            continue
        if kind == "iri" and "://" not in value:
            if re.fullmatch(r"[a-z0-9-]+/[^/\s]+", value):
                value = base_iri() + "id/" + value
            else:
                found = names.named(value)
                if found is None:
                    raise ParameterError(name, f"parameter {name}: nothing is named {value!r}; give a name, an "
                                               "acronym, an ISO code or an IRI")
                value = found
        values[name] = value
    return values


def short_example(iri: str) -> str:
    """``mechanism/rcm`` for an example IRI under the base (the form people read and type)."""
    prefix = base_iri() + "id/"
    return iri[len(prefix):] if iri.startswith(prefix) else iri


def unknown_parameters(qf: QueryFile, args: Any) -> list[str]:
    return sorted(set(args) - set(qf.params) - {"format"})


def run_query(qf: QueryFile, values: dict[str, str], fmt: Format) -> Result:
    """Bind and run a query file in ``fmt`` (a results or RDF format), under the deadline and the row cap
    (the values go into the text as terms serialized by pyoxigraph: QueryFile.bind)."""
    return store().query(qf.bind(values), fmt.media_type, int(current_app.config["MAX_ROWS"]))


def simple_rows(data: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """SPARQL JSON to plain columns and rows: IRIs and literals as strings, numbers as numbers."""
    columns = list(data.get("head", {}).get("vars", []))
    rows = []
    for binding in data.get("results", {}).get("bindings", []):
        row: dict[str, Any] = {}
        for column in columns:
            term = binding.get(column)
            if term is None:
                row[column] = None
            elif term.get("datatype") in NUMERIC:
                try:
                    number = float(term["value"])
                    row[column] = int(number) if number.is_integer() and "." not in term["value"] else number
                except ValueError:
                    row[column] = term["value"]
            else:
                row[column] = term["value"]
        rows.append(row)
    return columns, rows


# --- the API -------------------------------------------------------------------------------------------


@bp.route("/api/queries")
def list_queries() -> Response:
    return jsonify({"queries": [describe_query(qf) for qf in query_files().values()], "openapi": "/api/openapi.json"})


def _output_format() -> str | None:
    """json, csv, tsv or sparql-json from ?format= or the Accept header (None: nothing fits)."""
    param = (request.args.get("format") or "").strip().lower()
    if param:
        return FORMATS.get(param)
    accept = request.headers.get("Accept")
    if not accept or not accept.strip():
        return "json"
    best = best_offer(accept, ["application/json", "text/csv", "application/sparql-results+json",
                               "text/tab-separated-values", "*/*"])
    return {
        "application/json": "json",
        "text/csv": "csv",
        "application/sparql-results+json": "sparql-json",
        "text/tab-separated-values": "tsv",
        "*/*": "json",
    }.get(best or "")


@bp.route("/api/queries/<name>")
def run_named(name: str) -> Response:
    qf = query_files().get(name)
    if qf is None:
        return error_response(404, f"no query named {name!r}; GET /api/queries lists them")
    unknown = unknown_parameters(qf, request.args)
    if unknown:
        return error_response(
            400, f"unknown parameter(s) {', '.join(unknown)}; {name} takes {', '.join(qf.params) or 'none'}", unknown[0]
        )
    try:
        values = parameter_values(qf, request.args)
        qf.bind(values)
    except ValueError as exc:  # QueryFile.bind names the parameter in its text; ParameterError names it too
        return error_response(400, str(exc), getattr(exc, "parameter", None))
    form = sparql_text.query_form(qf.text)
    headers = {"Vary": "Accept", "Cache-Control": "public, max-age=300"}
    if form in ("CONSTRUCT", "DESCRIBE"):
        choice = choose_representation(request.headers.get("Accept"))
        fmt = BY_KEY[(RDF, "turtle" if choice in (None, "html") else choice)]
        outcome = run_query(qf, values, fmt)
        return Response(outcome.spool.getvalue(), content_type=fmt.content_type, headers=headers)
    output = _output_format()
    if output is None:
        return error_response(
            406,
            "this API answers application/json, text/csv, text/tab-separated-values or application/sparql-results+json",
        )
    if output in ("csv", "tsv"):
        fmt = BY_KEY[(RESULTS, output)]
        outcome = run_query(qf, values, fmt)
        body = outcome.spool.getvalue()
        headers["Content-Disposition"] = f'inline; filename="{name}.{output}"'
        return _with_truncation(Response(body, content_type=fmt.content_type, headers=headers), outcome.truncated)
    outcome = run_query(qf, values, BY_KEY[(RESULTS, "json")])
    body = outcome.spool.getvalue()
    if output == "sparql-json":
        response = Response(body, content_type="application/sparql-results+json", headers=headers)
        return _with_truncation(response, outcome.truncated)
    data = json.loads(body)
    if "boolean" in data:
        payload: dict[str, Any] = {"query": name, "parameters": values, "boolean": data["boolean"]}
    else:
        columns, rows = simple_rows(data)
        payload = {
            "query": name,
            "parameters": values,
            "columns": columns,
            "rows": rows,
            "truncated": outcome.truncated,
        }
    response = Response(json.dumps(payload, ensure_ascii=False), content_type="application/json", headers=headers)
    return _with_truncation(response, outcome.truncated)


def _with_truncation(response: Response, truncated: bool) -> Response:
    if truncated:
        response.headers["X-Result-Truncated"] = f"true; the result was cut at {current_app.config['MAX_ROWS']} rows"
    return response


# --- OpenAPI -------------------------------------------------------------------------------------------


def openapi_document() -> dict[str, Any]:
    """OpenAPI 3.1 for /api/queries and one path per query file, with its parameters."""
    error = {
        "description": "a problem (RFC 9457)",
        "content": {"application/problem+json": {"schema": {"type": "object"}}},
    }
    table = {
        "type": "object",
        "properties": {
            "query": {"type": "string"},
            "parameters": {"type": "object", "additionalProperties": {"type": "string"}},
            "columns": {"type": "array", "items": {"type": "string"}},
            "rows": {"type": "array", "items": {"type": "object"}},
            "truncated": {"type": "boolean"},
        },
    }
    paths: dict[str, Any] = {
        "/api/queries": {
            "get": {
                "operationId": "listQueries",
                "summary": "The canned queries with their parameters",
                "responses": {
                    "200": {
                        "description": "the queries",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        }
    }
    for qf in query_files().values():
        parameters = []
        for pname, (kind, text) in qf.params.items():
            json_type, fmt = TYPES.get(kind, ("string", None))
            schema: dict[str, Any] = {"type": json_type}
            if fmt:
                schema["format"] = fmt
            if pname in qf.defaults:
                schema["default"] = qf.defaults[pname]
            parameters.append(
                {"name": pname, "in": "query", "required": False, "description": text or pname, "schema": schema}
            )
        parameters.append(
            {
                "name": "format",
                "in": "query",
                "required": False,
                "description": "output format (instead of the Accept header)",
                "schema": {"type": "string", "enum": sorted(FORMATS)},
            }
        )
        form = sparql_text.query_form(qf.text)
        if form in ("CONSTRUCT", "DESCRIBE"):
            content = {
                m: {"schema": {"type": "string"}}
                for m in ("text/turtle", "application/ld+json", "application/n-triples")
            }
        else:
            content = {
                "application/json": {"schema": table},
                "text/csv": {"schema": {"type": "string"}},
                "application/sparql-results+json": {"schema": {"type": "object"}},
            }
        paths[f"/api/queries/{qf.name}"] = {
            "get": {
                "operationId": "query_" + qf.name.replace("-", "_"),
                "summary": qf.title or qf.name,
                "description": qf.description,
                "tags": ["network" if qf.name.startswith("network-") else "questions"],
                "parameters": parameters,
                "responses": {
                    "200": {"description": "the results", "content": content},
                    "400": error,
                    "406": error,
                    "503": error,
                },
            }
        }
    for more in current_app.extensions.get("iscm_openapi_paths", ()):  # the other APIs' paths (create_app)
        paths.update(more(error))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ISCM knowledge graph: canned queries and networks",
            "version": str(store().version.tag or "unversioned"),
            "description": "Each SPARQL query of the project's queries/ folder, callable by name with its "
            "parameters, and the overlap and synergy networks of the analysis. Free SPARQL: the SPARQL 1.1 "
            "endpoint at /sparql.",
        },
        "servers": [{"url": request.host_url.rstrip("/")}],
        "paths": paths,
    }


@bp.route("/api/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())


# --- pages ---------------------------------------------------------------------------------------------


@bp.route("/queries")
def queries_page() -> str:
    topics: dict[str, list[dict[str, Any]]] = {}
    for qf in query_files().values():  # by the topic in each file's header, in the order topics first appear
        topics.setdefault(qf.topic or "Other", []).append(describe_query(qf))
    return render_template("queries.html", topics={t: sorted(items, key=lambda q: q["title"])
                                                   for t, items in topics.items()}, nav="queries")


def yasgui_link(text: str, title: str) -> str:
    """A link that opens ``text`` in the query editor (YASGUI reads the query from the URL fragment)."""
    return "/query#" + urlencode({"query": text, "endpoint": "/sparql", "tabTitle": title}, quote_via=quote)


@bp.route("/queries/<name>")
def query_page(name: str) -> Response | str:
    qf = query_files().get(name)
    if qf is None:
        return not_found_response(message=f"no query named {name!r}")
    error = None
    columns: list[str] = []
    rows: list[dict[str, Any]] = []
    truncated = False
    values: dict[str, str] = {}
    text = qf.text
    asked = bool(request.args) or not qf.defaults  # a question that needs a parameter first shows its form
    try:
        if asked:
            values = parameter_values(qf, request.args)
            text = qf.bind(values)
    except ValueError as exc:
        error = str(exc)
    form = sparql_text.query_form(qf.text)
    if asked and error is None and form not in ("CONSTRUCT", "DESCRIBE"):
        outcome = run_query(qf, values, BY_KEY[(RESULTS, "json")])
        data = json.loads(outcome.spool.getvalue())
        truncated = outcome.truncated
        columns = list(data.get("head", {}).get("vars", []))
        rows = data.get("results", {}).get("bindings", [])
    table = cells(rows[:2000], columns)
    api = f"/api/queries/{name}" + ("?" + urlencode(values) if values else "")
    status = 400 if error else 200
    body = render_template(
        "query.html",
        q=describe_query(qf),
        text=text,
        values={k: request.args.get(k, "") for k in qf.params},
        examples={k: short_example(v) for k, v in qf.defaults.items()},
        asked=asked,
        error=error,
        columns=columns,
        rows=table,
        chart=bar_chart(rows[:2000], columns, table),
        states=states_shown(rows, columns),
        total=len(rows),
        truncated=truncated,
        api_json=api,
        api_csv=api + ("&" if values else "?") + "format=csv",
        editor=yasgui_link(text, qf.title or name),
        nav="queries",
    )
    return Response(body, status=status, content_type="text/html; charset=utf-8")


CHART_BARS = 30
INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def cells(rows: list[dict[str, Any]], columns: list[str]) -> list[list[dict[str, str] | None]]:
    """The result rows for the page: IRIs by name, linked to our pages."""
    names = labels({t["value"] for r in rows for t in r.values() if t.get("type") == "uri"})
    return [[_cell(r.get(c), names) for c in columns] for r in rows]


def _cell(term: dict[str, str] | None, names: dict[str, str]) -> dict[str, str] | None:
    if term is None:
        return None
    if term.get("type") == "uri":
        return {"href": page_href(term["value"]), "text": names.get(term["value"], short(term["value"]))}
    return {"text": term.get("value", "")}


def bar_chart(rows: list[dict[str, Any]], columns: list[str], table: list[list[dict[str, str] | None]]
              ) -> dict[str, Any] | None:
    """A bar chart when the answer is counts: the first column of whole numbers, each row named by its first
    column that names a thing; the largest values, at most CHART_BARS."""
    numeric = [c for c in columns if rows and all(r.get(c, {}).get("datatype") == INTEGER for r in rows)]
    named = [c for c in columns if c not in numeric and rows and all(c in r for r in rows)]
    if not numeric or not named:
        return None
    value, label = numeric[0], named[0]
    pairs = sorted(((int(r[value]["value"]), table[i][columns.index(label)]) for i, r in enumerate(rows)),
                   key=lambda pair: -pair[0])[:CHART_BARS]
    top = max((v for v, _ in pairs), default=0) or 1
    return {"value": value, "label": label, "total": len(rows),
            "bars": [{"cell": cell, "value": v, "percent": round(100 * v / top)} for v, cell in pairs]}


def states_shown(rows: list[dict[str, Any]], columns: list[str]) -> list[str]:
    """The States an answer is about, for its map: the first column whose values are all State IRIs."""
    prefix = base_iri() + "id/state/"
    for column in columns:
        values = [r.get(column, {}) for r in rows]
        if values and all(v.get("type") == "uri" and v["value"].startswith(prefix) for v in values):
            return sorted({v["value"] for v in values})
    return []
