"""Exports read back with NetworkX, the same bytes twice, the analysis graph's RDF, and the doctests."""

from __future__ import annotations

import doctest
import importlib
import json

import networkx as nx
import pyoxigraph as ox
import pytest

from iscm_kg.analysis.config import load_config
from iscm_kg.analysis.outputs import write_outputs
from iscm_kg.analysis.pipeline import analyze
from iscm_kg.analysis.to_rdf import analysis_quads

from .fixtures import A, B, fixture_facts

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@pytest.fixture(scope="module")
def result():
    return analyze(fixture_facts(), load_config(overrides={"candidates.min_shared_members": "2",
                                                           "candidates.min_shared_themes": "2"}))


def _same(G: nx.Graph, H: nx.Graph) -> None:
    assert sorted(G.nodes) == sorted(H.nodes)
    assert sorted(tuple(sorted(e)) for e in G.edges) == sorted(tuple(sorted(e)) for e in H.edges)
    for n, d in G.nodes(data=True):
        for key, value in d.items():
            assert H.nodes[n][key] == pytest.approx(value) if isinstance(value, float) else H.nodes[n][key] == value
    for u, v, d in G.edges(data=True):
        for key, value in d.items():
            got = H.edges[u, v][key]
            assert got == pytest.approx(value) if isinstance(value, float) else got == value, (u, v, key)


def test_round_trips(result, tmp_path):
    write_outputs(result, tmp_path)
    for name, G in result.networks.items():
        data = json.loads((tmp_path / f"{name}.json").read_text())
        _same(G, nx.node_link_graph(data, edges="edges"))
        _same(G, nx.read_graphml(tmp_path / f"{name}.graphml"))
        gexf = nx.read_gexf(tmp_path / f"{name}.gexf")
        assert sorted(gexf.nodes) == sorted(G.nodes) and gexf.number_of_edges() == G.number_of_edges()
        assert gexf.nodes[next(iter(G))]["label"] == G.nodes[next(iter(G))]["label"]
        pajek = nx.read_pajek(tmp_path / f"{name}.net")  # vertices numbered in the nodes CSV's order
        assert list(pajek.nodes) == list(G.nodes) and pajek.number_of_edges() == G.number_of_edges()
        listed = nx.read_edgelist(tmp_path / f"{name}.edgelist", delimiter="\t", data=[("weight", float)],
                                  create_using=G.__class__())
        assert sorted(map(sorted, listed.edges)) == sorted(map(sorted, G.edges))
        for u, v, d in G.edges(data=True):
            assert listed.edges[u, v].get("weight") == pytest.approx(d["weight"]) if "weight" in d else True
        header = (tmp_path / f"{name}-edges.csv").read_text().splitlines()
        assert header[0].startswith("source,target") and len(header) == G.number_of_edges() + 1
    index = json.loads((tmp_path / "index.json").read_text())
    assert set(index["networks"]) == set(result.networks)
    assert "candidate_synergies" in index["tables"]


def test_same_bytes_twice(result, tmp_path):
    again = analyze(fixture_facts(), result.config)
    write_outputs(result, tmp_path / "one")
    write_outputs(again, tmp_path / "two")
    one = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert one == sorted(p.name for p in (tmp_path / "two").iterdir())
    for name in one:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    assert analysis_quads(result) == analysis_quads(again)


def test_analysis_graph(result):
    quads = analysis_quads(result)
    graph = "https://w3id.org/iscm/graph/analysis"
    assert {q.graph_name.value for q in quads} == {graph, "https://w3id.org/iscm/graph/provenance"}
    typed = {q.subject.value for q in quads if q.predicate.value == RDF_TYPE}
    labelled = {q.subject.value for q in quads if q.predicate.value == RDFS_LABEL and q.object.language == "en"}
    assert typed <= labelled
    assert not any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object))
    store = ox.Store()
    store.extend(quads)
    rows = list(store.query(f"""PREFIX iscm: <https://w3id.org/iscm/ontology#>
        SELECT ?score ?rank WHERE {{ ?p a iscm:ISCMPair ; iscm:pairMember <{A}>, <{B}> ;
                                     iscm:synergyScore ?score ; iscm:candidateRank ?rank }}""",
                            use_default_graph_as_union=True))
    assert [(r["score"].value, r["rank"].value) for r in rows] == [("0.575", "1")]


@pytest.mark.parametrize("module", ["networks", "metrics", "overlaps", "synergy", "readable", "backbone"])
def test_doctests(module):
    failures, tried = doctest.testmod(importlib.import_module(f"iscm_kg.analysis.{module}"))
    assert tried > 0 and failures == 0


def test_communities_in_the_graph_have_the_names_the_pages_show(result, tmp_path):
    """The analysis graph labels each community with the name of the network's JSON (and legends), not a number."""
    write_outputs(result, tmp_path)
    labels = {q.subject.value: q.object.value for q in analysis_quads(result) if q.predicate.value == RDFS_LABEL}
    checked = 0
    for name in ("shared_membership", "co_membership"):
        shown = json.loads((tmp_path / f"{name}.json").read_text())["graph"]["communities"]
        for community in shown:
            iri = f"https://w3id.org/iscm/id/analysis/{name}/community/{community['index']}"
            if iri in labels:
                assert labels[iri].startswith(f"{community['name']}: community {community['index']} of ")
                checked += 1
    assert checked >= 2
