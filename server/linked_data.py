"""Dereferencing the IRIs under the base: every thing, graph and ontology term answers on this server.

The scheme (see docs/linked-data.md):

- ``/id/{kind}/{key}`` (a thing) and ``/graph/{table}/{key}`` (a named graph) answer **303 See Other**:
  to ``/page/{path}`` for browsers (``text/html``), or to ``/data/{path}.{ext}`` for RDF clients, with
  ``ext`` chosen by the ``Accept`` header: ``ttl`` (Turtle), ``jsonld`` (JSON-LD), ``nt`` (N-Triples),
  ``rdf`` (RDF/XML). A suffix on the IRI path (``/id/mechanism/bali.ttl``) picks the format instead of
  the header. An IRI the dataset does not know answers 404 (a page, not an empty document).
- ``/data/{path}.{ext}`` is the RDF document (200): what the dataset says about the thing, the labels of
  what it links to, the links that point to it, and where its facts come from. ``/data/{path}`` without
  a suffix negotiates the format itself. An IRI ending in ``/`` (a concept scheme) has its document at
  ``/data/{path}index.{ext}``.
- ``/ontology`` (and its version IRI) answers 303 to ``/ontology.html`` (documentation generated with
  pyLODE; each term has its anchor, so ``…/ontology#ISCM`` lands on its entry) or ``/ontology.{ext}``.

IRIs under the configured base (the release's ``base_iri``) map onto this host: a request to
``http://HOST/id/mechanism/bali`` describes ``{base}id/mechanism/bali``. The documents keep the base IRIs.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable

import pyoxigraph as ox
from cachetools import LRUCache, cached
from flask import Blueprint, Response, current_app, redirect, render_template, request

from iscm_kg import iris
from iscm_kg.iris import DEFAULT_BASE

from . import jsonld
from .engine.store import EngineStore
from .errors import ProtocolError, error_response
from .http_cache import etag_for, http_date, not_modified, request_key
from .negotiation import BY_KEY, HTML, PAGE_OR_DOCUMENT, RDF, choose_representation
from .sparql_text import iri_term

bp = Blueprint("linked_data", __name__)

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
ORG = "http://www.w3.org/ns/org#"

# Document suffix -> serialization (the keys of negotiation.RDF_FORMATS).
SUFFIXES: dict[str, str] = {"ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples", "rdf": "rdfxml"}
SUFFIX_OF: dict[str, str] = {v: k for k, v in SUFFIXES.items()}
# Links pointing at one thing that a document lists at most (a source document is cited ~2,000 times).
MAX_INCOMING = 2000


# --- the base IRI and its mapping onto this host -------------------------------------------------------


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


# --- SPARQL through the engines (the site's lane, under the query deadline) ----------------------------


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


# --- which IRIs exist, and what a document about one holds -------------------------------------------


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
    ref = iri_term(iri)
    if ask(f"ASK {{ {{ {ref} ?p ?o }} UNION {{ ?s ?p {ref} }} UNION {{ GRAPH {ref} {{ ?s ?p ?o }} }} }}"):
        return True
    from .downloads import void_triples

    return any(t.subject.value == iri for t in void_triples())


def describe(iri: str) -> list[ox.Triple]:
    """What a document about ``iri`` says: its own triples, labels of what it links to, incoming links
    (at most MAX_INCOMING) with their labels, the memberships (n-ary nodes) it takes part in, and for a
    named graph its content and provenance."""
    ref = iri_term(iri)
    query = f"""
CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  {{ {ref} ?p ?o BIND({ref} AS ?s) }}
  UNION {{ {ref} ?x ?s . FILTER(isIRI(?s)) VALUES ?p {{ <{RDFS_LABEL}> <{SKOS_PREF}> }} ?s ?p ?o }}
  UNION {{ {{ SELECT ?s ?p WHERE {{ ?s ?p {ref} }} LIMIT {MAX_INCOMING} }} BIND({ref} AS ?o) }}
  UNION {{ {{ SELECT DISTINCT ?s WHERE {{ ?s ?x {ref} }} LIMIT {MAX_INCOMING} }}
           VALUES ?p {{ <{RDFS_LABEL}> <{SKOS_PREF}> }} ?s ?p ?o }}
  UNION {{ ?s <{ORG}organization>|<{ORG}member> {ref} . ?s a <{ORG}Membership> ; ?p ?o }}
  UNION {{ GRAPH {ref} {{ ?s ?p ?o }} }}
  UNION {{ {ref} <{PROV_DERIVED}> ?s . ?s ?p ?o }}
}}"""
    triples = set(construct(query))
    from .downloads import void_triples

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
    graph = iri_term(base_iri() + "graph/ontology")
    return construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")


# --- negotiation ---------------------------------------------------------------------------------------


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


def _not_acceptable() -> Response:
    offered = ", ".join(PAGE_OR_DOCUMENT)
    return error_response(406, f"no representation fits the Accept header; this IRI offers: {offered}")


def _split_suffix(path: str) -> tuple[str, str | None]:
    stem, dot, suffix = path.rpartition(".")
    if dot and suffix in SUFFIXES and "/" not in suffix:
        return stem, SUFFIXES[suffix]
    if dot and suffix == "html":
        return stem, HTML
    return path, None


def _see_other(location: str) -> Response:
    response = redirect(location, code=303)
    response.headers["Vary"] = "Accept"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _dereference(path: str) -> Response:
    """303 from the IRI ``{base}{path}`` to its page or document (``path`` is ``id/…`` or ``graph/…``)."""
    path, forced = _split_suffix(path)
    iri = base_iri() + path
    if path.endswith("/index") and not exists(iri):
        path, iri = path[: -len("index")], iri[: -len("index")]
    if not exists(iri):
        return not_found_response(iri)
    choice = forced or choose_representation(request.headers.get("Accept"))
    if choice is None:
        return _not_acceptable()
    if choice == HTML:
        return _see_other(f"/page/{path}")
    return _see_other(f"/data/{path}{'index' if path.endswith('/') else ''}.{SUFFIX_OF[choice]}")


@bp.route("/id/<path:path>")
def thing(path: str) -> Response:
    return _dereference("id/" + path)


@bp.route("/id/<path:path>/")
def thing_scheme(path: str) -> Response:
    return _dereference("id/" + path + "/")


@bp.route("/graph/<path:path>")
def graph(path: str) -> Response:
    return _dereference("graph/" + path)


# --- RDF documents -------------------------------------------------------------------------------------


def _validators(*parts: object) -> tuple[dict[str, str], bool]:
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
    headers, fresh = _validators(fmt_key)
    if negotiated:
        headers["Vary"] = "Accept"
    if fresh:
        return Response(status=304, headers=headers)
    body = serialize(triples_of(), fmt_key, subject)
    fmt = BY_KEY[(RDF, fmt_key)]
    return Response(body, content_type=fmt.content_type, headers=headers)


@bp.route("/data/<path:path>")
def document(path: str) -> Response:
    stem, fmt_key = _split_suffix(path)
    negotiated = fmt_key is None
    if fmt_key == HTML:
        return redirect(f"/page/{stem}", code=301)
    if fmt_key is None:
        fmt_key = choose_representation(request.headers.get("Accept"))
        if fmt_key is None:
            return _not_acceptable()
        if fmt_key == HTML:  # a document URL asked for by a browser: the Turtle, readable as text
            fmt_key = "turtle"
    if not stem.startswith(("id/", "graph/")):
        return not_found_response(message=f"/data/{path} is not a document of this dataset")
    iri = base_iri() + stem
    if stem.endswith("/index") and not exists(iri):
        iri = iri[: -len("index")]
    if not exists(iri):
        return not_found_response(iri)
    response = rdf_response(lambda: describe(iri), fmt_key, negotiated, subject=iri)
    if negotiated:
        response.headers["Content-Location"] = f"/data/{stem}.{SUFFIX_OF[fmt_key]}"
    return response


# --- the ontology --------------------------------------------------------------------------------------


@bp.route("/ontology")
@bp.route("/ontology/<path:version>")
def ontology(version: str | None = None) -> Response:
    choice = choose_representation(request.headers.get("Accept"))
    if choice is None:
        return _not_acceptable()
    if choice == HTML:
        return _see_other("/ontology.html")
    return _see_other(f"/ontology.{SUFFIX_OF[choice]}")


@bp.route("/ontology.<suffix>")
def ontology_document(suffix: str) -> Response:
    if suffix == "html":
        headers, fresh = _validators("html")
        if fresh:
            return Response(status=304, headers=headers)
        return Response(ontology_html(), content_type="text/html; charset=utf-8", headers=headers)
    if suffix not in SUFFIXES:
        return not_found_response(message=f"the ontology has no .{suffix} document")
    return rdf_response(ontology_triples, SUFFIXES[suffix])


def ontology_html() -> str:
    """The ontology's documentation, generated once per dataset version and base with pyLODE."""
    return _ontology_html(str(store().version.tag), base_iri())


@cached(LRUCache(maxsize=2), lock=threading.Lock())
def _ontology_html(_version: str, _base: str) -> str:  # the arguments are the cache key
    return _render_ontology(serialize(ontology_triples(), "turtle"))


def _render_ontology(turtle: bytes) -> str:
    import logging

    import rdflib
    from pylode import OntPub

    graph = rdflib.Graph()
    graph.parse(data=turtle, format="turtle")
    logging.getLogger("root").setLevel(max(logging.getLogger("root").level, logging.WARNING))
    html = OntPub(ontology=graph).make_html()
    # A way back to the site from the generated page.
    html = html.replace("<body>", '<body><p><a href="/">ISCM knowledge graph</a> › ontology</p>', 1)
    return _anchor_local_names(html, base_iri() + "ontology#")


_ENTITY = re.compile(r'<div class="property entity" id="([^"]+)">(.{0,600}?)<code>([^<]+)</code>', re.S)


def _anchor_local_names(html: str, namespace: str) -> str:
    """pyLODE names some anchors after labels (``countryorterritory``); add the term's local name as an
    anchor too, so that ``…/ontology#Country`` lands on its entry."""
    taken = set(re.findall(r'id="([^"]+)"', html))

    def add(match: re.Match[str]) -> str:
        anchor, iri = match.group(1), match.group(3).strip()
        local = iri[len(namespace) :] if iri.startswith(namespace) else None
        if not local or local == anchor or local in taken or not re.fullmatch(r"[A-Za-z_][\w-]*", local):
            return match.group(0)
        taken.add(local)
        return f'<span id="{local}"></span>' + match.group(0)

    return _ENTITY.sub(add, html)
