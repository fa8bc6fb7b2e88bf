"""The backbone of the membership projections: the ISCM pairs (State pairs) that share more members (ISCMs) than
chance allows, by the stochastic degree sequence model (SDSM; Neal 2014, Social Networks 39: 84-97).

The null model is the Bipartite Configuration Model (BiCM; Saracco et al. 2015), fitted with the ``bicm`` package
to the State-ISCM membership matrix: every State's number of ISCMs and every ISCM's number of members are kept on
average, everything else is random. Under it, a State is a member of ISCM i with probability P[i, s], so the
number of members two ISCMs share is a sum of independent trials with probabilities P[i, s] * P[j, s]: a Poisson
binomial distribution. A pair's p-value is the chance of sharing at least as many as it does; a pair is in the
backbone when that p-value, corrected for testing every pair of the network (``[backbone]`` in synergy.toml),
is at most alpha.

Why not bicm's own projection methods (``get_rows_projection`` ...): in bicm 3.4.0 the exact (``poibin``) method
computes nothing in a single process without its progress bar, computes ``1 - cdf``, which rounds the smallest
p-values away, and ``get_cols_projection`` takes no correction. So bicm fits the BiCM, :func:`upper_tails` gives
the exact tail and SciPy the Benjamini-Hochberg correction.
"""

from __future__ import annotations

import contextlib
import io
import warnings

import networkx as nx
import numpy as np
from bicm import BipartiteGraph
from numba.core.errors import NumbaExperimentalFeatureWarning
from scipy.stats import false_discovery_control

from .config import Config

P_DIGITS = 6  # significant digits of the p-values written (the same bytes on every platform)


def significant(value: float) -> float:
    """``value`` to P_DIGITS significant digits (p-values span many orders of magnitude: decimals would zero them).

    >>> significant(1.23456789e-12), significant(0.0123456789)
    (1.23457e-12, 0.0123457)
    """
    return float(f"{float(value):.{P_DIGITS}g}") + 0.0


def bicm_probabilities(M: np.ndarray) -> np.ndarray:
    """P[i, j]: the probability that row i links to column j under the BiCM fitted to the degrees of the 0/1
    matrix ``M`` (bicm's Newton solver; deterministic). Raises RuntimeError when the solver does not converge."""
    # bicm prints its residuals and numba warns about a feature bicm's solver uses: neither belongs in the build
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore", NumbaExperimentalFeatureWarning)
        graph = BipartiteGraph(biadjacency=M)
        graph.solve_tool()
    if not graph.solution_converged:
        raise RuntimeError(f"the BiCM solver did not converge (largest relative degree error {graph.error})")
    return np.asarray(graph.get_bicm_matrix(), dtype=float)


def upper_tails(Q: np.ndarray, most: int) -> np.ndarray:
    """T[r, k] = P(X_r >= k) for k = 0 ... ``most``, X_r the number of successes of independent trials with the
    probabilities Q[r] (a Poisson binomial distribution), exactly: the distribution built one trial at a time, every
    count of ``most`` or more kept in the last cell. Summing the tail (not 1 - cdf, which rounds the small p-values
    away) and stopping at ``most`` keeps it O(trials x most): SciPy's poisson_binom computes the whole
    distribution in O(trials²) per row, minutes for the benchmark's 10x data."""
    dist = np.zeros((len(Q), most + 1))
    dist[:, 0] = 1.0
    for q in Q.T[:, :, None]:  # one trial (State, or ISCM) at a time, for every row at once
        moved = dist * q
        dist *= 1 - q
        dist[:, 1:] += moved[:, :-1]
        dist[:, most] += moved[:, most]  # "most or more" stays so
    return np.cumsum(dist[:, ::-1], axis=1)[:, ::-1]


def pair_pvalues(P: np.ndarray, M: np.ndarray, pairs: list[tuple[int, int]]) -> list[float]:
    """The SDSM p-value of each pair of rows of ``M``: the chance of sharing at least as many columns as they do
    when row i links to column j with probability P[i, j]."""
    if not pairs:
        return []
    # rows of equal degree have equal probabilities under the BiCM: one distribution per couple of distinct rows
    first: dict[bytes, int] = {}
    same = [first.setdefault(P[i].tobytes(), i) for i in range(len(P))]
    couples = sorted({(same[i], same[j]) for i, j in pairs})
    row = {couple: r for r, couple in enumerate(couples)}
    counts = [int(M[i] @ M[j]) for i, j in pairs]
    tails = upper_tails(np.array([P[a] * P[b] for a, b in couples]), max(counts))
    return [min(1.0, float(tails[row[(same[i], same[j])], k])) for (i, j), k in zip(pairs, counts, strict=True)]


def corrected(pvalues: list[float], tests: int, correction: str) -> list[float]:
    """The p-values adjusted for ``tests`` tests (the pairs not listed have p = 1): Benjamini-Hochberg
    (``fdr_bh``, SciPy's false_discovery_control), Bonferroni (``bonferroni``) or none (``none``).

    >>> corrected([0.01, 0.04], 4, "fdr_bh"), corrected([0.01, 0.04], 4, "bonferroni")
    ([0.04, 0.08], [0.04, 0.16])
    """
    if not pvalues:
        return []
    if correction == "fdr_bh":
        padded = np.concatenate([pvalues, np.ones(tests - len(pvalues))])
        return [float(q) for q in false_discovery_control(padded, method="bh")[: len(pvalues)]]
    if correction == "bonferroni":
        return [min(1.0, p * tests) for p in pvalues]
    if correction == "none":
        return list(pvalues)
    raise ValueError(f"unknown correction {correction!r}")


def backbone(G: nx.Graph, name: str, order: list[str], P: np.ndarray, M: np.ndarray, config: Config) -> nx.Graph:
    """Mark every edge of the projection ``G`` (nodes = ``order``, the rows of ``M``) with ``p_value``,
    ``p_adjusted`` and ``backbone`` (p_adjusted <= alpha), and return the backbone: the same nodes, the kept edges
    with their attributes."""
    index = {node: i for i, node in enumerate(order)}
    edges = list(G.edges(data=True))
    pvalues = pair_pvalues(P, M, [(index[a], index[b]) for a, b, _ in edges])
    tests = len(order) * (len(order) - 1) // 2
    adjusted = corrected(pvalues, tests, config.backbone_correction)
    kept = nx.Graph(name=name)
    kept.add_nodes_from(G.nodes(data=True))
    for (a, b, d), p, q in zip(edges, pvalues, adjusted, strict=True):
        d.update(p_value=significant(p), p_adjusted=significant(q))
        if d["p_adjusted"] <= config.backbone_alpha:
            kept.add_edge(a, b, **d)
        d["backbone"] = kept.has_edge(a, b)
    return kept


def membership_backbones(members: dict[str, set[str]], shared: nx.Graph, co: nx.Graph,
                         config: Config) -> dict[str, nx.Graph]:
    """``iscm_backbone`` and ``state_backbone``: the backbones of the shared-membership (ISCM - ISCM) and
    co-membership (State - State) projections of the membership matrix ``members`` (ISCM -> member parties),
    one BiCM fitted for both; marks the projections' edges (see :func:`backbone`)."""
    iscms = sorted(members)
    parties = sorted(set().union(*members.values()))
    M = np.array([[party in members[iscm] for party in parties] for iscm in iscms], dtype=np.int64)
    # nothing shared, nothing to test (and no BiCM to fit on a matrix without links)
    P = bicm_probabilities(M) if M.any() else np.zeros(M.shape)
    return {"iscm_backbone": backbone(shared, "iscm_backbone", iscms, P, M, config),
            "state_backbone": backbone(co, "state_backbone", parties, P.T, M.T, config)}
