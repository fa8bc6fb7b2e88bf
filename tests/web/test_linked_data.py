"""Dereferencing with plain HTTP clients: 303 by content negotiation or suffix, documents, 404s, the
ontology, and an rdflib client loading IRIs straight into a graph."""

from __future__ import annotations

import pytest
import rdflib
import requests
from rdflib.compare import graph_diff, isomorphic
from rdflib.namespace import RDF, SKOS

from tests.server.conftest import Server

from .conftest import BASE, BROWSER_ACCEPT

ISCM = rdflib.Namespace(BASE + "ontology#")
ENTITIES = [
    "id/mechanism/bali",
    "id/mechanism/budapest",
    "id/state/ESP",
    "id/organization/iom",
    "id/theme/border-management",
    "id/region/africa",
    "id/document/report",
    "id/membership/bali/state-MYS/member",
    "id/role/member",
    "id/m49/150",
]
RDF_TYPES = {
    "text/turtle": ("ttl", "text/turtle", "turtle"),
    "application/ld+json": ("jsonld", "application/ld+json", "json-ld"),
    "application/n-triples": ("nt", "application/n-triples", "nt"),
    "application/rdf+xml": ("rdf", "application/rdf+xml", "xml"),
}


def get(url: str, accept: str | None = None, **kwargs) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.get(url, headers=headers, allow_redirects=False, timeout=30, **kwargs)


@pytest.mark.parametrize("path", ENTITIES)
def test_browser_gets_303_to_the_page(site: Server, path: str) -> None:
    response = get(f"{site.url}/{path}", BROWSER_ACCEPT)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/page/{path}")
    assert "Accept" in response.headers["Vary"]
    page = requests.get(site.url + response.headers["Location"], timeout=30)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("accept", sorted(RDF_TYPES))
def test_rdf_client_gets_303_to_the_document(site: Server, accept: str) -> None:
    suffix, content_type, rdflib_format = RDF_TYPES[accept]
    response = get(f"{site.url}/id/mechanism/bali", accept)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/data/id/mechanism/bali.{suffix}")
    document = get(site.url + response.headers["Location"])
    assert document.status_code == 200
    assert document.headers["Content-Type"].startswith(content_type)
    graph = rdflib.Graph().parse(data=document.content, format=rdflib_format)
    bali = rdflib.URIRef(BASE + "id/mechanism/bali")
    assert (bali, RDF.type, ISCM.InterregionalForum) in graph
    assert (bali, ISCM.annex2Number, None) in graph


@pytest.mark.parametrize("path", ENTITIES + ["graph/mechanisms/bali", "id/dataset/iscm-kg"])
def test_jsonld_is_compacted_and_holds_the_same_triples_as_the_turtle(site: Server, path: str) -> None:
    response = get(f"{site.url}/data/{path}.jsonld")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/ld+json")
    document = response.json()
    context = document["@context"]
    for prefix in ("iscm", "org", "skos", "prov", "dct", "rdfs", "owl", "xsd"):
        assert prefix in context, f"@context names {prefix}"
    assert context["iscm"] == BASE + "ontology#"
    kind = path.split("/")[1]
    namespace = BASE + ("graph/" if path.startswith("graph/") else f"id/{kind}/")
    assert namespace in context.values(), f"@context has a prefix for {namespace}"
    # The thing the document is about comes first, as a compact IRI.
    prefix, _, local = document["@graph"][0]["@id"].partition(":")
    assert context[prefix] + local == BASE + path

    from_jsonld = rdflib.Graph().parse(data=response.content, format="json-ld")
    from_turtle = rdflib.Graph().parse(data=get(f"{site.url}/data/{path}.ttl").content, format="turtle")
    _both, only_jsonld, only_turtle = graph_diff(from_jsonld, from_turtle)
    assert len(from_jsonld) > 0 and isomorphic(from_jsonld, from_turtle), (
        f"only in JSON-LD: {sorted(only_jsonld)[:5]}; only in Turtle: {sorted(only_turtle)[:5]}"
    )


def test_q_values_are_honoured(site: Server) -> None:
    response = get(f"{site.url}/id/state/ESP", "text/html;q=0.5, application/ld+json")
    assert response.headers["Location"].endswith("/data/id/state/ESP.jsonld")
    response = get(f"{site.url}/id/state/ESP", "text/turtle;q=0.2, text/html")
    assert response.headers["Location"].endswith("/page/id/state/ESP")


def test_no_accept_header_gets_the_page(site: Server) -> None:
    response = requests.get(f"{site.url}/id/state/ESP", headers={"Accept": ""}, allow_redirects=False, timeout=30)
    assert response.status_code == 303 and response.headers["Location"].endswith("/page/id/state/ESP")


@pytest.mark.parametrize("suffix", ["ttl", "jsonld", "nt", "rdf"])
def test_suffix_picks_the_format(site: Server, suffix: str) -> None:
    response = get(f"{site.url}/id/state/ESP.{suffix}", "text/html")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/data/id/state/ESP.{suffix}")


def test_unsupported_accept_is_406(site: Server) -> None:
    response = get(f"{site.url}/id/state/ESP", "image/png")
    assert response.status_code == 406


@pytest.mark.parametrize("path", ["id/mechanism/no-such-thing", "id/state/ZZZ", "graph/nothing/here", "id/x"])
def test_unknown_iri_is_404_page_not_empty_document(site: Server, path: str) -> None:
    page = get(f"{site.url}/{path}", BROWSER_ACCEPT)
    assert page.status_code == 404
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Not found" in page.text and BASE + path in page.text
    for accept in RDF_TYPES:
        response = get(f"{site.url}/{path}", accept)
        assert response.status_code == 404, accept
        assert response.text.strip(), "a 404 has a body that says why"
    for url in (f"{site.url}/data/{path}.ttl", f"{site.url}/page/{path}"):
        assert get(url).status_code == 404, url


def test_document_without_suffix_negotiates(site: Server) -> None:
    response = get(f"{site.url}/data/id/mechanism/bali", "application/n-triples")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/n-triples")
    assert response.headers["Content-Location"].endswith("/data/id/mechanism/bali.nt")


def test_document_holds_sources_and_incoming_links(site: Server) -> None:
    graph = rdflib.Graph().parse(data=get(f"{site.url}/data/id/mechanism/bali.ttl").content, format="turtle")
    bali = rdflib.URIRef(BASE + "id/mechanism/bali")
    memberships = set(graph.subjects(rdflib.URIRef("http://www.w3.org/ns/org#organization"), bali))
    assert len(memberships) >= 40, "the memberships that point at the ISCM are in its document"
    assert (rdflib.URIRef(BASE + "id/region/asia"), SKOS.prefLabel, None) in graph, "what it links to is labelled"
    prov = rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
    assert any(graph.objects(next(iter(memberships)), prov)), "memberships carry their source"


def test_documents_are_cacheable(site: Server) -> None:
    first = get(f"{site.url}/data/id/state/ESP.ttl")
    assert first.headers.get("ETag")
    again = requests.get(
        f"{site.url}/data/id/state/ESP.ttl", headers={"If-None-Match": first.headers["ETag"]}, timeout=30
    )
    assert again.status_code == 304


def test_head_answers_like_get(site: Server) -> None:
    response = requests.head(f"{site.url}/id/mechanism/bali", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 303


def test_named_graph_dereferences(site: Server) -> None:
    response = get(f"{site.url}/graph/mechanisms/bali", "text/turtle")
    assert response.status_code == 303
    graph = rdflib.Graph().parse(data=get(site.url + response.headers["Location"]).content, format="turtle")
    assert (rdflib.URIRef(BASE + "id/mechanism/bali"), ISCM.annex2Number, None) in graph
    prov = rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
    assert (rdflib.URIRef(BASE + "graph/mechanisms/bali"), prov, None) in graph, "its provenance comes along"


def test_concept_scheme_with_trailing_slash(site: Server) -> None:
    response = get(f"{site.url}/id/role/", "text/turtle")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/data/id/role/index.ttl")
    graph = rdflib.Graph().parse(data=get(site.url + response.headers["Location"]).content, format="turtle")
    assert (rdflib.URIRef(BASE + "id/role/"), RDF.type, SKOS.ConceptScheme) in graph


def test_ontology_serves_html_docs_and_turtle(site: Server) -> None:
    response = get(f"{site.url}/ontology", BROWSER_ACCEPT)
    assert response.status_code == 303 and response.headers["Location"].endswith("/ontology.html")
    html = get(site.url + "/ontology.html")
    assert html.status_code == 200 and html.headers["Content-Type"].startswith("text/html")
    ontology = rdflib.Graph().parse(data=get(site.url + "/ontology.ttl").content, format="turtle")
    owl_ns = "http://www.w3.org/2002/07/owl#"
    terms = {
        str(s)[len(BASE + "ontology#") :]
        for kind in ("Class", "ObjectProperty", "DatatypeProperty")
        for s in ontology.subjects(RDF.type, rdflib.URIRef(owl_ns + kind))
        if str(s).startswith(BASE + "ontology#")
    }
    missing = sorted(t for t in terms if f'id="{t}"' not in html.text)
    assert len(terms) > 50 and not missing, f"each term has its anchor: {missing}"
    response = get(f"{site.url}/ontology", "text/turtle")
    assert response.status_code == 303 and response.headers["Location"].endswith("/ontology.ttl")
    graph = rdflib.Graph().parse(data=get(site.url + "/ontology.ttl").content, format="turtle")
    owl = rdflib.Namespace("http://www.w3.org/2002/07/owl#")
    assert (rdflib.URIRef(BASE + "ontology"), RDF.type, owl.Ontology) in graph
    assert (ISCM.ISCM, RDF.type, owl.Class) in graph
    version = get(f"{site.url}/ontology/0.1.0", "text/turtle")
    assert version.status_code == 303


@pytest.mark.parametrize("path", ENTITIES + ["ontology", "id/dataset/iscm-kg"])
def test_rdflib_loads_any_iri_straight_into_a_graph(site: Server, path: str) -> None:
    """rdflib dereferences the IRI on our host (the host mapping of the base) and gets the base IRIs."""
    graph = rdflib.Graph()
    graph.parse(f"{site.url}/{path}")
    subject = rdflib.URIRef(BASE + path)
    assert len(graph) > 0
    assert (subject, None, None) in graph or (None, None, subject) in graph
