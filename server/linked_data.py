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
  pyLODE, in the site's layout; each term has its anchor, so ``…/ontology#ISCM`` lands on its entry) or
  ``/ontology.{ext}``.

IRIs under the configured base (the release's ``base_iri``) map onto this host: a request to
``http://HOST/id/mechanism/bali`` describes ``{base}id/mechanism/bali``. The documents keep the base IRIs.
"""

from __future__ import annotations

import threading
from typing import Any

from cachetools import LRUCache, cached
from flask import Blueprint, Response, redirect, render_template, request

from .dataset import (
    base_iri,
    cache_validators,
    describe,
    exists,
    not_found_response,
    ontology_triples,
    rdf_response,
    serialize,
    store,
)
from .errors import error_response
from .negotiation import HTML, PAGE_OR_DOCUMENT, choose_representation

bp = Blueprint("linked_data", __name__)


# Document suffix -> serialization (the keys of negotiation.RDF_FORMATS).
SUFFIXES: dict[str, str] = {"ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples", "rdf": "rdfxml"}
SUFFIX_OF: dict[str, str] = {v: k for k, v in SUFFIXES.items()}


# --- the base IRI and its mapping onto this host -------------------------------------------------------


# --- SPARQL through the engines (the site's lane, under the query deadline) ----------------------------


# --- which IRIs exist, and what a document about one holds -------------------------------------------


# --- negotiation ---------------------------------------------------------------------------------------


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
        headers, fresh = cache_validators("html")
        if fresh:
            return Response(status=304, headers=headers)
        body = render_template("ontology.html", doc=ontology_documentation(), nav="ontology")
        return Response(body, content_type="text/html; charset=utf-8", headers=headers)
    if suffix not in SUFFIXES:
        return not_found_response(message=f"the ontology has no .{suffix} document")
    return rdf_response(ontology_triples, SUFFIXES[suffix])


def ontology_documentation() -> dict[str, Any]:
    """The ontology's documentation (ontology_doc.py), generated once per dataset version and base."""
    return _ontology_documentation(str(store().version.tag), base_iri())


@cached(LRUCache(maxsize=2), lock=threading.Lock())
def _ontology_documentation(_version: str, base: str) -> dict[str, Any]:  # the arguments are the cache key
    from . import ontology_doc  # pyLODE and rdflib load in a worker only when the page is first asked for

    return ontology_doc.render(serialize(ontology_triples(), "turtle"), base + "ontology#")
