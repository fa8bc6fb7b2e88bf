"""The same linked data and pages on the remote backend (our server in front of the Oxigraph server), and
with another base IRI (a release built with ISCM_KG_BASE): IRIs under the base map onto our host."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
import requests

from tests.conftest import OTHER_BASE
from tests.server.conftest import Server, start_ours, start_oxigraph


@pytest.fixture(scope="module")
def remote_site(release: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("web-remote")
    oxigraph = start_oxigraph("web-oxigraph", tmp, release / "iscm-kg.nq", read_only=True, set_union=True)
    try:
        ours = start_ours("web-remote", tmp, release, backend_url=oxigraph.url + "/query")
        try:
            yield ours
        finally:
            ours.stop()
    finally:
        oxigraph.stop()


@pytest.fixture(scope="module")
def other_base_site(other_base_release: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {k: v for k, v in os.environ.items() if k != "ISCM_KG_BASE"}
    server = start_ours("web-other-base", tmp_path_factory.mktemp("web-other-base"), other_base_release, workers=1,
                        env=env)
    try:
        yield server
    finally:
        server.stop()


def test_remote_backend_serves_the_same_linked_data_and_pages(remote_site: Server) -> None:
    response = requests.get(
        f"{remote_site.url}/id/mechanism/bali", headers={"Accept": "text/turtle"}, allow_redirects=False, timeout=30
    )
    assert response.status_code == 303
    graph = rdflib.Graph().parse(f"{remote_site.url}/id/mechanism/bali")
    assert (rdflib.URIRef("https://w3id.org/iscm/id/mechanism/bali"), None, None) in graph
    page = requests.get(f"{remote_site.url}/page/id/mechanism/bali", timeout=60)
    assert page.status_code == 200 and "Australia" in page.text and "/source/report?line=1538#L1538" in page.text
    rows = requests.get(f"{remote_site.url}/api/queries/iscm-members?iscm=mechanism/bali", timeout=60).json()["rows"]
    assert len(rows) > 40
    assert requests.get(f"{remote_site.url}/id/mechanism/nope", timeout=30).status_code == 404


def test_another_base_iri_maps_onto_our_host(other_base_site: Server) -> None:
    url = other_base_site.url
    response = requests.get(
        f"{url}/id/mechanism/bali", headers={"Accept": "text/turtle"}, allow_redirects=False, timeout=30
    )
    assert response.status_code == 303
    graph = rdflib.Graph().parse(f"{url}/id/mechanism/bali")
    bali = rdflib.URIRef(OTHER_BASE + "id/mechanism/bali")
    assert (bali, rdflib.URIRef(OTHER_BASE + "ontology#annex2Number"), None) in graph
    assert not any("w3id.org" in str(t) for triple in graph for t in triple)
    page = requests.get(f"{url}/page/id/mechanism/bali", timeout=60).text
    assert "/page/id/state/AUS" in page and OTHER_BASE + "id/mechanism/bali" in page
    ontology = requests.get(f"{url}/ontology.html", timeout=60)
    assert ontology.status_code == 200 and 'id="ISCM"' in ontology.text


def test_another_base_iri_reaches_the_analysis_and_the_network_files(other_base_site: Server) -> None:
    """The build analyses the graph at the default base and moves everything under the release's base in one place:
    the analysis graph, the network files and the dumps all name the other base, none the default."""
    url = other_base_site.url
    ask = requests.get(f"{url}/sparql", params={"query": f"ASK {{ GRAPH <{OTHER_BASE}graph/analysis> {{ "
                                                          f"?pair a <{OTHER_BASE}ontology#ISCMPair> }} }}"},
                       headers={"Accept": "application/sparql-results+json"}, timeout=60).json()
    assert ask["boolean"] is True
    network = requests.get(f"{url}/api/networks/shared_membership", timeout=60).json()
    ids = [node["data"]["id"] if "data" in node else node["id"] for node in network["nodes"]]
    assert len(ids) >= 30 and all(i.startswith(OTHER_BASE + "id/") for i in ids), ids[:3]
    dump = requests.get(f"{url}/download/iscm-kg.nq", timeout=120).text
    assert "w3id.org/iscm" not in dump and f"<{OTHER_BASE}graph/analysis>" in dump


def test_another_base_iri_answers_the_canned_and_the_site_queries(other_base_site: Server) -> None:
    """The query files name the default base; the server moves them under the base it serves."""
    url = other_base_site.url
    rows = requests.get(f"{url}/api/queries/iscm-members?iscm=mechanism/bali", timeout=60).json()["rows"]
    assert len(rows) > 40
    page = requests.get(f"{url}/page/id/mechanism/rcm", timeout=60).text
    assert "Technical Secretariat" in page and "/page/id/state/MEX" in page
