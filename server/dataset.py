"""The served dataset, as the route modules use it: its base IRI and the IRIs under it, SPARQL through the engines
(the site's lane, under the query deadline), what a document about an IRI holds, the release's own records
(build info, VoID), the canned queries, and RDF and 404 responses. A library: it imports no route module."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Response, current_app, render_template, request

from iscm_kg import citation, iris
from iscm_kg.iris import DEFAULT_BASE, VOCABULARIES, ontology, shorten
from iscm_kg.paths import QUERIES
from iscm_kg.querying import QueryFile, all_queries, load_query

from . import jsonld
from .engine.store import EngineStore
from .errors import ProtocolError, error_response
from .http_cache import etag_for, http_date, not_modified, request_key
from .negotiation import BY_KEY, RDF
from .release_info import parsed, release_dir


def base_iri() -> str:
    """The base IRI of the served dataset: the setting BASE_IRI (ISCM_KG_BASE), else the release's, else the default."""
    configured = current_app.config.get("BASE_IRI")
    if configured:
        return str(configured)
    return str(store().info.get("base_iri") or DEFAULT_BASE)


def store() -> EngineStore:
    """The dataset, through the engines (engine/store.py)."""
    return current_app.extensions["iscm_store"]


def prefixes() -> dict[str, str]:
    """Prefixes for serializations and the query UI, with the served base."""
    return iris.prefixes(base_iri())


def local_path(iri: str) -> str | None:
    """``/id/…`` for an IRI under the base, None for any other IRI."""
    base = base_iri()
    if iri.startswith(base) and len(iri) > len(base):
        return "/" + iri[len(base) :]
    return None


def page_href(iri: str) -> str:
    """Where a person reads about ``iri``: our page for IRIs under the base, the IRI itself otherwise."""
    path = local_path(iri)
    if path is None:
        return iri
    if path.startswith(("/id/", "/graph/")):
        return "/page" + path
    if path.startswith("/ontology#"):
        return "/ontology.html#" + path[len("/ontology#") :]
    if path == "/ontology" or path.startswith("/ontology/"):
        return "/ontology.html"
    return path


def data_href(iri: str, suffix: str = "ttl") -> str | None:
    """The RDF document of a thing or graph under the base (None for other IRIs)."""
    path = local_path(iri)
    if path is None or not path.startswith(("/id/", "/graph/")):
        return None
    return f"/data{path}{'index' if path.endswith('/') else ''}.{suffix}"


def _result_bytes(query: str, accept: str) -> bytes:
    try:
        return store().query(query, accept).spool.getvalue()
    except ProtocolError as exc:
        if exc.status == 406:
            raise ProtocolError(500, f"a page query did not give the expected kind of result ({accept})") from None
        if exc.status < 500 and exc.status not in (429,):
            raise ProtocolError(500, f"a page query failed: {exc.message}") from None
        raise


def select(query: str) -> list[dict[str, dict[str, str]]]:
    """Rows of a SELECT as SPARQL JSON bindings: ``{var: {"type", "value", "datatype"?, "xml:lang"?}}``."""
    data = json.loads(_result_bytes(query, "application/sparql-results+json"))
    return list(data.get("results", {}).get("bindings", []))


def ask(query: str) -> bool:
    return bool(json.loads(_result_bytes(query, "application/sparql-results+json")).get("boolean"))


def construct(query: str) -> list[ox.Triple]:
    """The triples of a CONSTRUCT."""
    data = _result_bytes(query, "application/n-triples")
    return [quad.triple for quad in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]


def serialize(triples: list[ox.Triple], fmt_key: str, subject: str | None = None) -> bytes:
    """Triples in one of the document formats, with readable prefixes where the syntax has them
    (``subject``: what the document is about, first in JSON-LD)."""
    fmt = BY_KEY[(RDF, fmt_key)]
    rdf_format = fmt.ox_format
    assert isinstance(rdf_format, ox.RdfFormat)
    if rdf_format == ox.RdfFormat.JSON_LD and jsonld.expressible(triples):
        # Compacted with an @context (pyoxigraph writes expanded JSON-LD only).
        return jsonld.serialize(sorted(triples, key=str), prefixes(), base_iri(), subject)
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        used = {t.predicate.value for t in triples} | {
            t.object.value for t in triples if isinstance(t.object, ox.NamedNode)
        }
        wanted = {k: v for k, v in prefixes().items() if any(i.startswith(v) for i in used)}
        return ox.serialize(sorted(triples, key=str), format=rdf_format, prefixes=wanted)
    return ox.serialize(sorted(triples, key=str), format=rdf_format)


def valid_iri(iri: str) -> bool:
    """True if ``iri`` is an IRI (a request path may hold anything)."""
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def exists(iri: str) -> bool:
    """True if the dataset (or the release's VoID) mentions ``iri`` as subject, object or graph name."""
    if not valid_iri(iri):
        return False
    if ask(site_query("exists", iri=iri)):
        return True
    return any(t.subject.value == iri for t in void_triples())


def describe(iri: str) -> list[ox.Triple]:
    """What a document about ``iri`` says: its own triples, labels of what it links to, incoming links
    (at most 2,000) with their labels, the memberships (n-ary nodes) it takes part in, and for a
    named graph its content and provenance."""
    triples = set(construct(site_query("describe", iri=iri)))
    incoming = construct(site_query("describe-incoming", iri=iri))
    triples.update(incoming)
    linking = sorted({t.subject.value for t in incoming if isinstance(t.subject, ox.NamedNode)})
    if linking:
        triples.update(construct(site_query("describe-labels", x=linking)))
    node = ox.NamedNode(iri)
    # The dataset's own IRIs live in the VoID file: its record takes its distributions along.
    whole = iri.startswith(base_iri() + "id/dataset/")
    triples.update(
        t
        for t in void_triples()
        if t.subject == node or t.object == node or (whole and t.subject.value.startswith(iri))
    )
    return sorted(triples, key=str)


def ontology_triples() -> list[ox.Triple]:
    """The ontology and its vocabularies (the graph ``{base}graph/ontology``)."""
    return construct(site_query("ontology"))


def wants_html() -> bool:
    """True if the client would rather read a page than plain text (for error answers)."""
    accept = request.headers.get("Accept", "")
    return "text/html" in accept or "application/xhtml+xml" in accept


def not_found_response(iri: str | None = None, message: str | None = None) -> Response:
    """404 as a page for browsers, as plain text / problem JSON for programs."""
    message = message or (f"{iri} is not in this dataset" if iri else "there is nothing at this address")
    if wants_html() or request.path.startswith("/page/"):
        body = render_template("not_found.html", iri=iri, message=message, path=request.path)
        return Response(
            body, status=404, content_type="text/html; charset=utf-8", headers={"Cache-Control": "no-cache"}
        )
    return error_response(404, message)


def cache_validators(*parts: object) -> tuple[dict[str, str], bool]:
    """Cache headers tied to the dataset version, and whether the client's copy is still current."""
    version = store().version
    if version.tag is None:
        return {"Cache-Control": "no-cache"}, False
    etag = etag_for(request_key(version.tag, request.path, *parts))
    headers = {"ETag": etag, "Cache-Control": "public, max-age=300"}
    if version.last_modified is not None:
        headers["Last-Modified"] = http_date(version.last_modified)
    fresh = not_modified(
        request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since"), etag, version.last_modified
    )
    return headers, fresh


def rdf_response(
    triples_of: Callable[[], list[ox.Triple]], fmt_key: str, negotiated: bool = False, subject: str | None = None
) -> Response:
    headers, fresh = cache_validators(fmt_key)
    if negotiated:
        headers["Vary"] = "Accept"
    if fresh:
        return Response(status=304, headers=headers)
    body = serialize(triples_of(), fmt_key, subject)
    fmt = BY_KEY[(RDF, fmt_key)]
    return Response(body, content_type=fmt.content_type, headers=headers)


def build_info() -> dict[str, Any]:
    return dict(store().info)


def site_root() -> str:
    """The site's public root URL (ending in /): that of the public endpoint URL when the server is behind a proxy
    (PUBLIC_ENDPOINT_URL, .../sparql), else the URL of this request. For URLs handed to other programs."""
    public = current_app.config.get("PUBLIC_ENDPOINT_URL")
    if public:
        return public[: -len("sparql")] if public.endswith("/sparql") else public.rstrip("/") + "/"
    return request.url_root


def archive_name() -> str | None:
    """The name of the release archive (``iscm-kg-{version}.zip``), if the release has one."""
    version = build_info().get("dataset_version")
    return citation.archive_name(str(version)) if version else None


def _parse_turtle(path: Path | None) -> list[ox.Triple]:
    if path is None:
        return []
    return [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]


def schema_org_record() -> str | None:
    """The release's schema.org Dataset (dataset.jsonld) as the text of a ``<script type="application/ld+json">``
    (``<`` escaped, so that no value can close the script), or None if the release has none."""

    def load(path: Path | None) -> str | None:
        if path is None:
            return None
        record = json.loads(path.read_text(encoding="utf-8"))
        return json.dumps(record, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")

    return parsed("schema-org", release_dir() / "dataset.jsonld", load)


def void_triples() -> list[ox.Triple]:
    """The VoID + DCAT description of the release (void.ttl)."""
    return parsed("void", release_dir() / "void.ttl", _parse_turtle)


@lru_cache(maxsize=128)
def _site_query(name: str, base: str) -> QueryFile:
    query = load_query(QUERIES / "site" / f"{name}.rq")
    return replace(query, text=iris.rebase(query.text, base))


def site_query(name: str, **params: str | list[str]) -> str:
    """The text of the site's query queries/site/{name}.rq under the served base, its parameters bound (VALUES:
    IRIs and strings go in only as terms pyoxigraph wrote)."""
    return _site_query(name, base_iri()).bind(params)


def query_files() -> dict[str, QueryFile]:
    """The canned queries of queries/, by name, under the served base (read on each call: they may change while
    we run)."""
    if not QUERIES.is_dir():
        return {}
    base = base_iri()
    return {name: replace(query, text=iris.rebase(query.text, base)) for name, query in all_queries(QUERIES).items()}


def short(iri: str) -> str:
    """A readable fallback name for an IRI: a prefixed name or its last segment."""
    base = base_iri()
    name = shorten(iri, {"iscm": ontology(base), **VOCABULARIES})
    if name != iri:
        return name
    if iri.startswith(base):
        return iri[len(base) :]
    return iri
