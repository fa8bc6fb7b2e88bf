"""The SPARQL 1.1 Service Description, answered by a GET on the endpoint without a query."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, redirect, request

from . import negotiation
from .engine.store import EngineStore
from .errors import ProtocolError

bp = Blueprint("service_description", __name__)

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")

# W3C format IRIs (https://www.w3.org/ns/formats/) of what the endpoint can answer.
_FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle",
    "ntriples": "N-Triples",
    "nquads": "N-Quads",
    "trig": "TriG",
    "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML",
}


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def describe(endpoint: str, store: EngineStore, updates: bool, federation: bool) -> list[ox.Triple]:
    """The triples of the service description of ``endpoint``."""
    service = ox.BlankNode("service")
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, DCT_TITLE, ox.Literal("ISCM knowledge graph SPARQL endpoint", language="en")),
    ]
    if updates:
        triples.append(ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Update")))
    if federation:
        triples.append(ox.Triple(service, _sd("feature"), _sd("BasicFederatedQuery")))
    if current_app.config.get("UNION_DEFAULT_GRAPH", True):
        triples.append(ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")))
    for fmt in negotiation.RESULT_FORMATS + negotiation.RDF_FORMATS:
        triples.append(ox.Triple(service, _sd("resultFormat"), ox.NamedNode(FORMATS + _FORMAT_IRIS[fmt.key])))
    dataset = ox.BlankNode("dataset")
    default_graph = ox.BlankNode("default")
    triples += [
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _sd("Graph")),
    ]
    try:
        names = store.named_graphs()
    except ProtocolError:
        names = []
    for index, name in enumerate(names):
        node = ox.BlankNode(f"g{index}")
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), node),
            ox.Triple(node, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(node, _sd("name"), ox.NamedNode(name)),
        ]
    return triples


@bp.route("/sparql", methods=["GET", "HEAD"])
def service_description() -> Response:
    """The service description in the RDF syntax the client accepts (Turtle by default): a GET on the
    endpoint without a query (the gateway answers queries itself). A browser is sent to the query editor."""
    endpoint = current_app.config.get("PUBLIC_ENDPOINT_URL") or request.base_url
    accept = request.headers.get("Accept")
    format_param = request.args.get("format") or request.args.get("output")
    if not format_param and negotiation.prefers_page(accept, negotiation.RDF):
        # A person who opens the endpoint in a browser wants to query it: the editor runs its queries here.
        response = redirect("/query", code=303)
        response.headers["Vary"] = "Accept"
        return response
    fmt = negotiation.choose(negotiation.RDF, accept, format_param)
    if fmt is None:
        offered = ", ".join(negotiation.offered_media_types(negotiation.RDF))
        raise ProtocolError(406, f"the service description is offered as: {offered}", "Accept")
    config = current_app.config
    triples = describe(
        endpoint,
        current_app.extensions["iscm_store"],
        bool(config["UPDATES_ENABLED"]),
        bool(config["SERVICE_ALLOWLIST"]),
    )
    rdf_format = fmt.ox_format
    assert isinstance(rdf_format, ox.RdfFormat)
    body = ox.serialize(
        triples,
        format=rdf_format,
        prefixes={"sd": SD, "formats": FORMATS, "dcterms": "http://purl.org/dc/terms/"}
        if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG)
        else None,
    )
    response = Response(body, content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    response.headers["Cache-Control"] = "no-cache"
    return response
