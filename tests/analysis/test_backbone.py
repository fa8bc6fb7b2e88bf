"""The backbone of the membership projections (iscm_kg/analysis/backbone.py): planted blocks found, a p-value
recomputed independently, and the real release's files, API, page and documented figures."""

from __future__ import annotations

import csv
import json
from functools import reduce
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from bicm import BipartiteGraph
from flask.testing import FlaskClient

from iscm_kg.analysis import networks as N
from iscm_kg.analysis.backbone import membership_backbones
from iscm_kg.analysis.config import load_config
from iscm_kg.iris import DEFAULT_BASE, rebase
from tests.conftest import OTHER_BASE

ROOT = Path(__file__).resolve().parents[2]
MECH = "https://w3id.org/iscm/id/mechanism/"
BACKBONES = {"iscm_backbone": "shared_membership", "state_backbone": "co_membership"}


def planted_blocks() -> np.ndarray:
    """16 rows in 4 blocks of 4; each row holds all 20 columns of its block and 3 random columns outside it."""
    rng = np.random.default_rng(15)
    M = np.zeros((16, 80), dtype=np.int64)
    for i in range(16):
        block = i // 4
        M[i, 20 * block:20 * block + 20] = 1
        M[i, rng.choice([j for j in range(80) if j // 20 != block], 3, replace=False)] = 1
    return M


def membership_graph(M: np.ndarray) -> nx.Graph:
    """The bipartite graph of M: rows are ISCMs m00, m01, ..., columns States s00, s01, ..., all members."""
    B = nx.Graph()
    B.add_nodes_from((f"m{i:02d}" for i in range(M.shape[0])), bipartite=1)
    B.add_nodes_from((f"s{j:02d}" for j in range(M.shape[1])), bipartite=0)
    B.add_edges_from((f"s{j:02d}", f"m{i:02d}", {"role": "member"}) for i, j in zip(*np.nonzero(M), strict=True))
    return B


def run(M: np.ndarray, **overrides: str) -> dict[str, nx.Graph]:
    B = membership_graph(M)
    shared, co = N.shared_membership(B), N.co_membership(B)
    config = load_config(overrides=overrides)
    return {"shared_membership": shared, "co_membership": co,
            **membership_backbones(N.members_by_iscm(B), shared, co, config)}


def block(node: str) -> int:
    """The planted block of a node of the 16-node side (m00 ... m15 or s00 ... s15)."""
    return int(node[1:]) // 4


def independent_pvalue(M: np.ndarray, i: int, j: int) -> float:
    """P(rows i and j share >= their count) from bicm's fitted fitnesses x, y (p = x y / (1 + x y)), by the exact
    Poisson binomial distribution: one convolution per column."""
    graph = BipartiteGraph(biadjacency=M)
    graph.solve_tool(print_error=False)
    rows_x, cols_y = graph.get_bicm_fitnesses()  # {row: x}, {column: y}
    xy = np.outer([rows_x[r] for r in range(M.shape[0])], [cols_y[c] for c in range(M.shape[1])])
    P = xy / (1 + xy)
    assert np.allclose(P.sum(axis=1), M.sum(axis=1), atol=1e-4)  # the null keeps the degrees, on average
    assert np.allclose(P.sum(axis=0), M.sum(axis=0), atol=1e-4)
    pmf = reduce(np.convolve, ([1 - q, q] for q in P[i] * P[j]), np.array([1.0]))
    return float(pmf[int(M[i] @ M[j]):].sum())


@pytest.mark.parametrize("transposed", [False, True], ids=["blocks of ISCMs", "blocks of States"])
def test_planted_blocks_are_kept_and_noise_dropped(transposed):
    M = planted_blocks().T if transposed else planted_blocks()
    nets = run(M)
    projection, backbone = ("co_membership", "state_backbone") if transposed else ("shared_membership", "iscm_backbone")
    G = nets[projection]
    within = {(a, b) for a, b in G.edges() if block(a) == block(b)}
    assert len(within) == 24 and G.number_of_edges() > 100  # 4 blocks x 6 pairs, among the noise
    assert set(nets[backbone].edges()) == within
    assert all(d["backbone"] == ((a, b) in within) for a, b, d in G.edges(data=True))
    assert max(d["p_adjusted"] for a, b, d in G.edges(data=True) if (a, b) in within) < 1e-3
    assert min(d["p_adjusted"] for a, b, d in G.edges(data=True) if (a, b) not in within) > 0.5
    # the other side has no planted structure: 80 nodes whose pairs share at most the 4 nodes of a block
    other = nets["iscm_backbone" if transposed else "state_backbone"]
    assert other.number_of_nodes() == 80 and other.number_of_edges() == 0


@pytest.mark.filterwarnings("ignore::numba.core.errors.NumbaExperimentalFeatureWarning")  # bicm's solver
def test_a_pvalue_agrees_with_an_exact_computation():
    M = planted_blocks()
    S = run(M)["shared_membership"]
    noise = next((a, b) for a, b in sorted(S.edges()) if block(a) != block(b))
    for a, b in [("m00", "m01"), noise]:  # a planted pair and a noise pair
        i, j = int(a[1:]), int(b[1:])
        assert S.edges[a, b]["shared"] == M[i] @ M[j]
        assert S.edges[a, b]["p_value"] == pytest.approx(independent_pvalue(M, i, j), rel=1e-5)
    assert S.edges["m00", "m01"]["p_value"] < 1e-4 and S.edges[noise]["p_value"] > 0.5


def test_the_corrections():
    M = planted_blocks()
    fdr, bonferroni, none = run(M), run(M, **{"backbone.correction": "bonferroni"}), \
        run(M, **{"backbone.correction": "none", "backbone.alpha": "0.9"})
    edge = ("m00", "m01")
    p = fdr["shared_membership"].edges[edge]["p_value"]
    assert bonferroni["shared_membership"].edges[edge]["p_adjusted"] == pytest.approx(p * 120, rel=1e-5)  # C(16,2)
    assert none["shared_membership"].edges[edge]["p_adjusted"] == p
    assert set(bonferroni["iscm_backbone"].edges()) <= set(fdr["iscm_backbone"].edges())
    loose = {(a, b) for a, b, d in none["shared_membership"].edges(data=True) if d["p_value"] <= 0.9}
    assert set(none["iscm_backbone"].edges()) == loose and len(loose) > fdr["iscm_backbone"].number_of_edges()
    with pytest.raises(ValueError, match="correction"):
        load_config(overrides={"backbone.correction": "holm"})
    with pytest.raises(ValueError, match="alpha"):
        load_config(overrides={"backbone.alpha": "0"})


# --- the real release -------------------------------------------------------------------------------------------


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def benjamini_hochberg(pvalues: list[float], tests: int) -> list[float]:
    """The BH adjustment written out: q_(k) = min over j >= k of p_(j) * tests / j (untested pairs have p = 1)."""
    order = sorted(range(len(pvalues)), key=lambda x: pvalues[x])
    adjusted, running = [1.0] * len(pvalues), 1.0
    for rank in range(len(order), 0, -1):
        running = min(running, pvalues[order[rank - 1]] * tests / rank)
        adjusted[order[rank - 1]] = running
    return adjusted


@pytest.mark.parametrize("name", sorted(BACKBONES))
def test_the_release_backbones(release: Path, name: str):
    folder = release / "networks"
    summary = json.loads((folder / "index.json").read_text(encoding="utf-8"))["networks"][name]["summary"]
    config = summary["backbone"]
    projection = rows(folder / f"{BACKBONES[name]}-edges.csv")
    kept = rows(folder / f"{name}-edges.csv")
    pair = {(r["source"], r["target"]): r for r in projection}
    assert {(r["source"], r["target"]) for r in kept} == {k for k, r in pair.items() if r["backbone"] == "true"}
    for r in projection:  # kept exactly when the corrected p-value is at most alpha
        assert (float(r["p_adjusted"]) <= config["alpha"]) == (r["backbone"] == "true")
    for r in kept:  # the kept edges carry the projection's attributes and their test
        assert {k: v for k, v in r.items() if k != "bridge"} == \
            {k: v for k, v in pair[(r["source"], r["target"])].items() if k not in ("bridge", "backbone")}
    assert config == {"projection": BACKBONES[name], "projection_edges": len(projection), "kept": len(kept),
                      "tests": config["tests"], "alpha": 0.05, "correction": "fdr_bh",
                      "smallest_p_adjusted": min(float(r["p_adjusted"]) for r in projection),
                      "null_model": "BiCM (stochastic degree sequence model)"}
    assert summary["edges"] == len(kept) and summary["nodes"] == len(rows(folder / f"{name}-nodes.csv"))
    n = len(rows(folder / f"{BACKBONES[name]}-nodes.csv"))
    assert config["tests"] == n * (n - 1) // 2
    expected = benjamini_hochberg([float(r["p_value"]) for r in projection], config["tests"])
    assert [float(r["p_adjusted"]) for r in projection] == pytest.approx(expected, rel=1e-4)
    # the other formats hold the same edges
    assert len((folder / f"{name}.edgelist").read_text(encoding="utf-8").splitlines()) == len(kept)
    assert nx.read_graphml(folder / f"{name}.graphml").number_of_edges() == len(kept)


def test_the_backbones_are_the_same_bytes_for_another_base(release: Path, other_base_release: Path):
    """A second build in another process, for another base IRI: bicm's solver gives the same bytes."""
    for name in [*BACKBONES, *BACKBONES.values()]:
        for suffix in (".json", "-edges.csv", ".net"):
            again = (other_base_release / "networks" / f"{name}{suffix}").read_text(encoding="utf-8")
            assert rebase(again, DEFAULT_BASE, OTHER_BASE) == \
                (release / "networks" / f"{name}{suffix}").read_text(encoding="utf-8"), name + suffix


def test_api_and_page(client: FlaskClient):
    listed = client.get("/api/networks").get_json()["networks"]
    for name in BACKBONES:
        entry = listed[name]
        assert entry["description"].startswith("The backbone keeps only the pairs")
        assert f"/networks/files/{name}.net" in entry["downloads"]
        assert client.get(f"/networks/files/{name}.net").status_code == 200
    backbone = client.get("/api/networks/iscm_backbone").get_json()
    assert backbone["graph"]["summary"]["backbone"]["kept"] == len(backbone["edges"]) > 0
    assert all(e["p_adjusted"] <= 0.05 for e in backbone["edges"])
    strong = client.get("/api/networks/iscm_backbone", query_string={"min_weight": 30, "weight": "shared"}).get_json()
    assert {(e["source"], e["target"]) for e in strong["edges"]} >= {(MECH + "budapest", MECH + "prague")}
    shared = client.get("/api/networks/shared_membership").get_json()
    assert {type(e["backbone"]) for e in shared["edges"]} == {bool}
    page = client.get("/networks?network=iscm_backbone")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<option value="iscm_backbone">' in html and '<option value="state_backbone">' in html
    assert 'id="graph-about"' in html


def test_the_documented_figures(release: Path):
    """The worked example of docs/data-products.md, "Backbone", against the built files."""
    text = (ROOT / "docs" / "data-products.md").read_text(encoding="utf-8")
    section = " ".join(text[text.index("## Backbone"):].split())
    folder = release / "networks"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))["networks"]
    iscm, state = index["iscm_backbone"]["summary"]["backbone"], index["state_backbone"]["summary"]["backbone"]
    nodes = {r["id"]: r for r in rows(folder / "shared_membership-nodes.csv")}
    edges = rows(folder / "shared_membership-edges.csv")

    def name(r: dict[str, str]) -> str:
        return f"{nodes[r['source']]['short']} – {nodes[r['target']]['short']}"

    assert f"keeps {iscm['kept']} of the {iscm['projection_edges']} edges" in section
    assert f"({iscm['tests']} pairs tested: every pair of its {len(nodes)} ISCMs)" in section
    kept = sorted((r for r in edges if r["backbone"] == "true"), key=lambda r: float(r["p_value"]))
    strongest = ", ".join(f"{name(r)} ({r['shared']} shared, p = {float(r['p_value']):.1e})" for r in kept[:5])
    assert f"The strongest kept pairs: {strongest}." in section
    named = next(r for r in kept if (r["source"], r["target"]) == (MECH + "au-hoai", MECH + "mid-igad"))
    assert f"AU-HoAI – MiD-IGAD ({named['shared']} shared, p = {float(named['p_value']):.1e})" in section
    dropped = max((r for r in edges if r["backbone"] == "false"), key=lambda r: int(r["shared"]))
    members = sorted((int(nodes[dropped[k]]["members"]) for k in ("source", "target")), reverse=True)
    assert f"{name(dropped)} share {dropped['shared']} " \
           f"members, the most of any pair left out, but with {members[0]} and {members[1]} members" in section
    assert f"(p = {float(dropped['p_value']):.2f})" in section
    fewest = min(kept, key=lambda r: int(r["shared"]))
    assert f"{name(fewest)} share only {fewest['shared']} and are kept (p = {float(fewest['p_value']):.2g})" in section
    co = rows(folder / "co_membership-edges.csv")
    assert f"keeps {state['kept']} of the {state['projection_edges']:,} edges of the co-membership" in section
    assert f"among {state['tests']:,} pairs of States, the smallest p-value is " \
           f"{min(float(r['p_value']) for r in co):.2g} ({min(float(r['p_adjusted']) for r in co):.2g} after" in section
