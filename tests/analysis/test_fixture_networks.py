"""Networks, metrics, overlaps and synergy on small fixture graphs, against values computed by hand."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from iscm_kg.analysis import metrics as M
from iscm_kg.analysis import networks as N
from iscm_kg.analysis.config import load_config
from iscm_kg.analysis.overlaps import regional_overlaps, states_by_iscm_count
from iscm_kg.analysis.pipeline import analyze
from iscm_kg.analysis.synergy import candidates, pair_score, synergy_network

from .fixtures import O1, O2, S1, S2, S3, S4, S5, A, B, C, D, X, fixture_facts


@pytest.fixture()
def facts():
    return fixture_facts()


@pytest.fixture()
def config():
    return load_config(overrides={"candidates.min_shared_members": "2", "candidates.min_shared_themes": "2"})


def test_state_iscm_is_bipartite_and_role_aware(facts, config):
    B_ = N.state_iscm(facts, config)
    assert nx.is_bipartite(B_)
    assert sorted(n for n, d in B_.nodes(data=True) if d["bipartite"] == 1) == [A, B, C, D]  # X is no ISCM
    assert B_.number_of_nodes() == 9 and B_.number_of_edges() == 10
    assert B_.edges[S1, C]["role"] == "observer" and B_.edges[S5, A]["role"] == "former-member"
    # strength: A = 1 + 1 + 1 + 0.25 (former member), C = 1 + 1 + 0.5 (observer)
    assert B_.degree(A, weight="weight") == 3.25 and B_.degree(C, weight="weight") == 2.5
    assert B_.degree(D) == 0


def test_shared_membership_weights(facts, config):
    S = N.shared_membership(N.state_iscm(facts, config))
    assert sorted(S.edges()) == [(A, B), (B, C)]
    # A = {S1 S2 S3}, B = {S2 S3 S4}: 2 shared, Jaccard 2/4, overlap coefficient 2/3
    assert S.edges[A, B]["shared"] == 2 and S.edges[A, B]["jaccard"] == 0.5
    assert S.edges[A, B]["overlap"] == pytest.approx(2 / 3, abs=1e-6)
    # B and C = {S4 S5}: 1 shared, Jaccard 1/4, overlap coefficient 1/2
    assert (S.edges[B, C]["shared"], S.edges[B, C]["jaccard"], S.edges[B, C]["overlap"]) == (1, 0.25, 0.5)
    assert S.nodes[D]["members"] == 0 and S.degree(D) == 0


def test_co_membership_and_metrics(facts, config):
    G = N.co_membership(N.state_iscm(facts, config))
    assert sorted(G.edges()) == sorted([(S1, S2), (S1, S3), (S2, S3), (S2, S4), (S3, S4), (S4, S5)])
    assert G.edges[S2, S3]["weight"] == 2  # both in A and B
    btw = M.betweenness(G)  # unweighted, normalized by 2 / ((n-1)(n-2)) = 1/6
    assert btw == {S1: 0.0, S2: pytest.approx(1 / 6, abs=1e-6), S3: pytest.approx(1 / 6, abs=1e-6), S4: 0.5,
                   S5: 0.0}
    assert M.core_numbers(G) == {S1: 2, S2: 2, S3: 2, S4: 2, S5: 1}
    assert M.articulation_points(G) == [S4]
    assert sorted(nx.bridges(G)) == [(S4, S5)] and M.nontrivial_bridges(G) == []
    assert M.degree_and_strength(G)[S2] == (3, 4.0)


def test_thematic_and_cooperation(facts):
    T = N.thematic_similarity(facts)
    assert sorted(T) == [A, B, C]  # D has no themes
    assert T.edges[A, B]["weight"] == 0.5 and T.edges[A, B]["shared"] == 2
    assert T.edges[B, C]["weight"] == pytest.approx(1 / 3, abs=1e-6) and not T.has_edge(A, C)
    K = N.cooperation(facts)
    assert sorted(K.edges()) == [(A, B), (B, C)] and X not in K
    assert K.edges[A, B]["kinds"] == "desired-collaboration"


def test_iscm_organization(facts, config):
    G = N.iscm_organization(facts, config)
    assert nx.is_bipartite(G)
    assert {(u, v): d["role"] for u, v, d in G.edges(data=True)} == {
        (O1, A): "secretariat", (O1, B): "secretariat", (O1, C): "observer", (O2, C): "partner"}
    assert N.organizations_by_iscm(G, config) == {A: {O1}, B: {O1}, C: {O2}, D: set()}


def test_synergy_by_hand(facts, config):
    B_ = N.state_iscm(facts, config)
    S = synergy_network(facts, B_, N.iscm_organization(facts, config), config)
    # A-B: membership 0.5, themes 0.5, organizations 1 ({O1} both), cooperation 0 (only wished), named overlap 1
    # (0.35 * 0.5 + 0.30 * 0.5 + 0.15 * 1 + 0.10 * 0 + 0.10 * 1) / 1.0 = 0.575
    assert S.edges[A, B]["synergy"] == 0.575
    assert S.edges[A, B]["other_cooperations"] == "a-b"
    # B-C: membership 0.25, themes 1/3, organizations 0, cooperation 1: 0.0875 + 0.1 + 0.1 = 0.2875
    assert S.edges[B, C]["synergy"] == 0.2875
    assert not S.has_edge(A, C) and S.degree(D) == 0
    rows = candidates(S, config)
    assert [(r["a"], r["b"], r["rank"]) for r in rows] == [(A, B, 1)]  # B-C cooperate already
    assert rows[0]["members_list"] == "S2|S3" and rows[0]["themes_list"] == "t2|t3"


def test_synergy_weights_are_configurable(facts):
    only_themes = load_config(overrides={"membership": "0", "organizations": "0", "cooperation": "0",
                                         "overlap": "0", "themes": "1"})
    B_ = N.state_iscm(facts, only_themes)
    S = synergy_network(facts, B_, N.iscm_organization(facts, only_themes), only_themes)
    assert S.edges[A, B]["synergy"] == 0.5
    assert pair_score({"membership": 1, "themes": 0, "organizations": 0, "cooperation": 0, "overlap": 0},
                      {"membership": 2, "themes": 2, "organizations": 0, "cooperation": 0, "overlap": 0}) == 0.5
    with pytest.raises(ValueError):
        load_config(overrides={"nonsense": "1"})
    with pytest.raises(ValueError):
        load_config(overrides={"membership_measure": '"dice"'})


def test_overlaps_and_counts(facts, config):
    B_ = N.state_iscm(facts, config)
    rows = regional_overlaps(B_, min_shared=2, named={frozenset((A, B))})
    assert len(rows) == 1
    row = rows[0]
    # in East: A has S1 S2 S3, B has S2 S3: overlap 2 / min(3, 2) = 1; focus min(3/3, 2/3)
    assert (row["region"], row["a"], row["b"], row["shared"], row["overlap"]) == ("East", A, B, 2, 1.0)
    assert row["focus"] == pytest.approx(2 / 3, abs=1e-6) and row["named"] and row["both_rcp"]
    counts = [(r["party"], r["member_of"], r["takes_part_in"]) for r in states_by_iscm_count(B_)]
    assert counts == [(S2, 2, 2), (S3, 2, 2), (S4, 2, 2), (S1, 1, 2), (S5, 1, 2)]


def test_communities_modularity_participation_on_two_triangles():
    G = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("d", "e"), ("e", "f"), ("d", "f"), ("c", "d")])
    parts = M.communities(G, weight=None)
    assert parts == [["a", "b", "c"], ["d", "e", "f"]]
    # Q = 2 * (3/7 - (7/14)^2)
    assert M.modularity(G, parts, weight=None) == pytest.approx(2 * (3 / 7 - 0.25), abs=1e-6)
    member = M.community_of(parts)
    assert M.participation(G, member, weight=None)["c"] == pytest.approx(1 - (4 / 9 + 1 / 9), abs=1e-6)
    assert M.communities_reached(G, member)["c"] == 2 and M.communities_reached(G, member)["a"] == 1
    assert M.nontrivial_bridges(G) == [("c", "d")] and M.articulation_points(G) == ["c", "d"]


def test_eigenvector_on_a_path():
    values = M.eigenvector(nx.path_graph(["a", "b", "c"]), weight=None)
    # principal eigenvector of a 3-path: (1, sqrt 2, 1) / 2
    assert values == {"a": pytest.approx(0.5, abs=1e-5), "b": pytest.approx(math.sqrt(2) / 2, abs=1e-5),
                      "c": pytest.approx(0.5, abs=1e-5)}


def test_betweenness_is_estimated_with_a_seed_above_the_limit():
    G = nx.barabasi_albert_graph(300, 2, seed=1)
    G = nx.relabel_nodes(G, {n: f"n{n:03d}" for n in G})
    first = M.betweenness(G, max_work=1000, min_pivots=50, seed=7)  # 300 nodes x 596 edges > 1000: estimated
    assert first == M.betweenness(G, max_work=1000, min_pivots=50, seed=7)
    assert first != M.betweenness(G, max_work=1000, min_pivots=50, seed=8)
    exact = M.betweenness(G)
    top = max(exact, key=exact.get)
    assert first[top] > 0


def test_full_analysis_on_the_fixture_is_deterministic(facts, config):
    one, two = analyze(facts, config), analyze(fixture_facts(), config)
    for name in one.networks:
        assert nx.node_link_data(one.networks[name], edges="edges") == nx.node_link_data(two.networks[name],
                                                                                          edges="edges")
    assert one.tables == two.tables
    assert one.networks["state_iscm"].nodes[A]["degree"] == 4
    assert one.tables["named_overlaps"][0]["shared"] == 2
