"""The Reconciliation Service API (W3C Entity Reconciliation Community Group, version 0.2, as OpenRefine uses it)
for ISCMs, States and territories and organizations (docs/reconciliation.md):

- ``/reconcile``: GET without `queries` → the service manifest; GET or POST (form) with `queries` → the results;
  with `extend` → the values of some properties of some entities (the data extension service);
- ``/reconcile/propose_properties?type=…&limit=…``: the properties the data extension offers for a type;
- ``/reconcile/preview?id=…``: a small HTML card of an entity;
- ``/reconcile/suggest/entity|type|property?prefix=…&cursor=…``: auto-completion.

Entity ids are the IRI after ``{base}id/`` (``state/MAR``), so the identifier space is ``{base}id/`` and the view
template is the site's page. JSON answers take a JSONP `callback` (a plain JavaScript name). The module layout:
``batch`` reads a batch, ``entities`` holds what is matched, ``matching`` scores the candidates, ``extension``
holds the values to add as columns and ``extend`` answers the data extension requests."""

from __future__ import annotations

import json
import re
import threading
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from flask.blueprints import BlueprintSetupState

from iscm_kg.iris import ontology

from ..dataset import base_iri, page_href, site_root
from ..errors import ProtocolError, render_error
from ..names import fold
from .batch import Query, bad, cap, read_batch, type_id
from .entities import BROADER, DEFAULT_TYPES, PROPERTIES, catalogue
from .extend import extend, proposals
from .matching import candidates, results

__all__ = ["bp"]

bp = Blueprint("reconcile", __name__)

PREVIEW_SIZE = (400, 140)  # the iframe OpenRefine shows a preview in, in pixels
SUGGESTIONS = 10  # suggestions in one answer (`cursor` pages on)
MAX_CURSOR = 1000
CALLBACK = re.compile(r"[A-Za-z_$][\w$]{0,63}(\.[A-Za-z_$][\w$]{0,63}){0,3}", re.ASCII)


@bp.errorhandler(ProtocolError)
def _error(exc: ProtocolError) -> Response:
    # Always JSON (problem details) here, whatever the client accepts: OpenRefine reads the body.
    body, content_type = render_error(exc.status, exc.message, exc.parameter, "application/json")
    return Response(body, status=exc.status, content_type=content_type,
                    headers={"Cache-Control": "no-store", **exc.headers})


def answer(data: Any) -> Response:
    """JSON, or JSONP when the request names a `callback`."""
    body = json.dumps(data, ensure_ascii=False)
    callback = request.args.get("callback")
    if callback is None:
        return Response(body, content_type="application/json")
    if not CALLBACK.fullmatch(callback):
        raise bad("callback", "must be a JavaScript name (letters, digits, _ and $, dotted)")
    # The leading comment keeps a response from being read as anything but a script (the Rosetta Flash attack).
    return Response(f"/**/{callback}({body});", content_type="application/javascript; charset=utf-8")


@bp.route("/reconcile", methods=["GET", "POST"])
def reconcile() -> Response:
    raw, wanted = parameter("queries"), parameter("extend")
    if raw is not None and wanted is not None:
        raise bad("extend", "send either a query batch (`queries`) or a data extension query (`extend`), not both")
    if wanted is not None:
        return answer(extend(wanted))
    if raw is None:
        if request.method == "POST":
            raise bad("queries", "missing: send the query batch as the form field `queries` (or `extend`)")
        return answer(manifest())
    batch = read_batch(raw)
    slots = current_app.extensions["reconcile_batches"]
    if not slots.acquire(blocking=False):
        raise ProtocolError(429, "queries: this server is matching other batches; send this one again in a second",
                            parameter="queries", headers={"Retry-After": "1"})
    try:
        table = catalogue()
        return answer({key: results(table, query) for key, query in batch.items()})
    finally:
        slots.release()


@bp.record_once
def _batch_slots(state: BlueprintSetupState) -> None:
    state.app.extensions["reconcile_batches"] = threading.BoundedSemaphore(
        int(state.app.config["RECONCILE_BATCHES_AT_ONCE"]))


def parameter(name: str) -> str | None:
    """A form field of a POST, else the query string's parameter."""
    given = request.form.get(name) if request.method == "POST" else None
    return given if given is not None else request.args.get(name)


def manifest() -> dict[str, Any]:
    root = site_root()  # the URLs OpenRefine will call and link to: the public ones behind a proxy
    names = catalogue().type_names
    suggest = {"service_url": root.rstrip("/") + "/reconcile"}
    return {
        "versions": ["0.2"],
        "name": "ISCM knowledge graph: ISCMs, States and territories, organizations",
        "identifierSpace": base_iri() + "id/",
        "schemaSpace": ontology(base_iri()),
        "documentation": root + "page/id/dataset/iscm-kg",
        "defaultTypes": [{"id": t, "name": names[t]} for t in DEFAULT_TYPES],
        "view": {"url": root + "page/id/{{id}}"},
        "preview": {"url": root + "reconcile/preview?id={{id}}", "width": PREVIEW_SIZE[0], "height": PREVIEW_SIZE[1]},
        "suggest": {kind: {**suggest, "service_path": f"/suggest/{kind}"} for kind in ("entity", "type", "property")},
        "batchSize": cap("RECONCILE_MAX_QUERIES"),
        "extend": {"propose_properties": {**suggest, "service_path": "/propose_properties"}},
    }


@bp.route("/reconcile/propose_properties")
def propose_properties() -> Response:
    return answer(proposals(request.args.get("type"), request.args.get("limit")))


@bp.route("/reconcile/preview")
def preview() -> Response:
    given = request.args.get("id")
    if not given:
        raise bad("id", "missing: the entity id, as in the results (e.g. state/MAR)")
    entity = catalogue().entities.get(given.removeprefix(base_iri() + "id/"))
    if entity is None:
        raise ProtocolError(404, f"id: no entity {given[:100]!r} in this service", parameter="id")
    names = catalogue().type_names
    body = render_template("reconcile_preview.html", entity=entity, href=page_href(entity.iri),
                           types=[names[t] for t in entity.shown_types])
    return Response(body, content_type="text/html; charset=utf-8")


def prefix_and_cursor() -> tuple[str, int]:
    prefix = request.args.get("prefix", "")
    if len(prefix) > cap("RECONCILE_MAX_QUERY_CHARS"):
        raise bad("prefix", f"is longer than {cap('RECONCILE_MAX_QUERY_CHARS')} characters")
    cursor = request.args.get("cursor", "0")
    # the length first: int() of thousands of digits raises (Python's limit on digits), and is never a cursor
    if not cursor.isascii() or not cursor.isdigit() or len(cursor) > len(str(MAX_CURSOR)) or int(cursor) > MAX_CURSOR:
        raise bad("cursor", f"must be a whole number from 0 to {MAX_CURSOR}")
    return prefix.strip(), int(cursor)


@bp.route("/reconcile/suggest/entity")
def suggest_entity() -> Response:
    prefix, cursor = prefix_and_cursor()
    types = tuple(type_id("type", t) for t in request.args.getlist("type"))
    table = catalogue()
    found = candidates(table, Query(prefix, types, "any", (), SUGGESTIONS)) if prefix else []
    return answer({"result": [
        {"id": c.entity.id, "name": c.entity.name, "description": c.entity.description,
         "notable": [{"id": t, "name": table.type_names[t]} for t in c.entity.shown_types]}
        for c in found[cursor : cursor + SUGGESTIONS]
    ]})


def starts_a_word(prefix: str, *texts: str) -> bool:
    """Every word of ``prefix`` begins a word of one of ``texts`` (an empty prefix: everything)."""
    words = fold(prefix).split()
    return any(all(any(w.startswith(p) for w in fold(text).split()) for p in words) for text in texts)


@bp.route("/reconcile/suggest/type")
def suggest_type() -> Response:
    prefix, cursor = prefix_and_cursor()
    names = catalogue().type_names
    found = [
        {"id": t, "name": names[t], **({"broader": [{"id": b, "name": names[b]}]} if (b := BROADER[t]) else {})}
        for t in BROADER if starts_a_word(prefix, t, names[t])
    ]
    return answer({"result": found[cursor : cursor + SUGGESTIONS]})


@bp.route("/reconcile/suggest/property")
def suggest_property() -> Response:
    prefix, cursor = prefix_and_cursor()
    names = catalogue().property_names
    found = [{"id": pid, "name": names[pid]} for pid, term in PROPERTIES.items()
             if starts_a_word(prefix, pid, term, names[pid])]
    return answer({"result": found[cursor : cursor + SUGGESTIONS]})
