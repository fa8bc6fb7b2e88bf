"""One analysis run: facts -> networks -> metrics -> tables. Deterministic for equal facts and config."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import networkx as nx
import pyoxigraph as ox

from . import metrics as M
from . import networks as N
from .backbone import membership_backbones
from .config import Config, default_config
from .facts import Facts, load_facts
from .overlaps import compare_reported_counts, regional_overlaps, states_by_iscm_count
from .synergy import candidates, named_overlaps, synergy_network

# Which edge attribute weighs each network in the metrics (None: unweighted).
METRIC_WEIGHTS = {
    "state_iscm": "weight",
    "shared_membership": "jaccard",
    "iscm_backbone": "jaccard",
    "co_membership": "weight",
    "state_backbone": "weight",
    "thematic_similarity": "weight",
    "cooperation": "weight",
    "iscm_organization": "weight",
    "synergy": "weight",
}
TITLES = {
    "state_iscm": "States and territories - ISCMs, by role",
    "shared_membership": "ISCMs sharing member States",
    "iscm_backbone": "ISCMs sharing more member States than chance (backbone)",
    "co_membership": "States in the same ISCMs",
    "state_backbone": "States sharing more ISCMs than chance (backbone)",
    "thematic_similarity": "ISCMs with similar thematic foci (Annex 10)",
    "cooperation": "Documented cooperation between mechanisms",
    "iscm_organization": "ISCMs and the organizations serving them",
    "synergy": "Synergy score between ISCMs",
}
# What a network is, in one sentence, where its title does not say it (shown on the network page).
DESCRIPTIONS = {
    "iscm_backbone": "The backbone keeps only the pairs of ISCMs that share more member States than chance would "
                     "give them, considering how many members each ISCM has and how many ISCMs each State joins "
                     "(stochastic degree sequence model; p-values corrected for testing every pair).",
    "state_backbone": "The backbone keeps only the pairs of States and territories that are members of more of the "
                      "same ISCMs than chance would give them, considering how many ISCMs each joins and how many "
                      "members each ISCM has (stochastic degree sequence model; p-values corrected for testing "
                      "every pair).",
}


@dataclass
class Analysis:
    facts: Facts
    config: Config
    networks: dict[str, nx.Graph] = field(default_factory=dict)
    summaries: dict[str, dict] = field(default_factory=dict)
    communities: dict[str, list[list[str]]] = field(default_factory=dict)
    tables: dict[str, list[dict]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def build_networks(facts: Facts, config: Config) -> dict[str, nx.Graph]:
    B = N.state_iscm(facts, config)
    G_org = N.iscm_organization(facts, config)
    shared = N.shared_membership(B, config.membership_roles)
    co = N.co_membership(B, config.membership_roles)
    backbones = membership_backbones(N.members_by_iscm(B, config.membership_roles), shared, co, config)
    return {
        "state_iscm": B,
        "shared_membership": shared,
        "iscm_backbone": backbones["iscm_backbone"],
        "co_membership": co,
        "state_backbone": backbones["state_backbone"],
        "thematic_similarity": N.thematic_similarity(facts, config.min_theme_similarity),
        "cooperation": N.cooperation(facts),
        "iscm_organization": G_org,
        "synergy": synergy_network(facts, B, G_org, config),
    }


def add_metrics(G: nx.Graph, weight: str | None, config: Config) -> tuple[dict, list[list[str]]]:
    """Compute the node metrics of ``G`` and store them as node attributes; mark non-trivial bridges."""
    values, parts = M.node_metrics(G, weight, config.seed, config.resolution, config.betweenness_max_work,
                                   config.betweenness_min_pivots)
    for n, attrs in values.items():
        G.nodes[n].update(attrs)
    bridges = set(M.nontrivial_bridges(G))
    for u, v in G.edges():
        G.edges[u, v]["bridge"] = (min(u, v), max(u, v)) in bridges
    return M.summary(G, parts, weight, config.resolution), parts


def analyze(facts: Facts, config: Config | None = None) -> Analysis:
    """Every network, metric and table of the analysis."""
    config = config or default_config()
    result = Analysis(facts, config)
    started = time.perf_counter()
    result.networks = build_networks(facts, config)
    result.timings["networks"] = time.perf_counter() - started
    for name, G in result.networks.items():
        t = time.perf_counter()
        summary, parts = add_metrics(G, METRIC_WEIGHTS[name], config)
        result.summaries[name] = {"title": TITLES[name], "weight": METRIC_WEIGHTS[name], **summary,
                                  **backbone_summary(result, name)}
        result.communities[name] = parts
        result.timings[name] = time.perf_counter() - t
    t = time.perf_counter()
    B = result.networks["state_iscm"]
    named = {frozenset(pair) for pair in named_overlaps(facts)}
    result.tables["states_by_iscm_count"] = states_by_iscm_count(B, config.membership_roles)
    result.tables["regional_overlaps"] = regional_overlaps(B, config.membership_roles, config.region_min_shared,
                                                           named=named)
    result.tables["named_overlaps"] = named_overlap_table(result, named)
    result.tables["top_overlaps"] = top_overlaps(result.networks["shared_membership"])
    result.tables["candidate_synergies"] = candidates(result.networks["synergy"], config)
    result.tables["bridging_states"] = bridging_states(B)
    result.tables["reported_counts"] = compare_reported_counts(B, facts)
    result.timings["tables"] = time.perf_counter() - t
    result.timings["total"] = time.perf_counter() - started
    return result


def analyze_store(store: ox.Store, config: Config | None = None) -> Analysis:
    """Read the facts from the store (queries/network-*.rq) and analyze them."""
    started = time.perf_counter()
    facts = load_facts(store)
    loaded = time.perf_counter() - started
    result = analyze(facts, config)
    result.timings["load"] = loaded
    return result


BACKBONE_OF = {"iscm_backbone": "shared_membership", "state_backbone": "co_membership"}


def backbone_summary(result: Analysis, name: str) -> dict:
    """For a backbone: how many of its projection's edges it keeps, and the test (empty for other networks)."""
    if name not in BACKBONE_OF:
        return {}
    projection = result.networks[BACKBONE_OF[name]]
    n = projection.number_of_nodes()
    # how near the test came: what a reader of an empty (or small) backbone asks first
    smallest = min((d["p_adjusted"] for _, _, d in projection.edges(data=True)), default=None)
    return {"backbone": {"projection": BACKBONE_OF[name], "projection_edges": projection.number_of_edges(),
                         "kept": result.networks[name].number_of_edges(), "tests": n * (n - 1) // 2,
                         "smallest_p_adjusted": smallest,
                         "alpha": result.config.backbone_alpha, "correction": result.config.backbone_correction,
                         "null_model": "BiCM (stochastic degree sequence model)"}}


def top_overlaps(S: nx.Graph) -> list[dict]:
    """ISCM pairs by shared membership: Jaccard index first, then shared count."""
    rows = [{"a": a, "b": b, "a_label": S.nodes[a]["short"], "b_label": S.nodes[b]["short"], "shared": d["shared"],
             "jaccard": d["jaccard"], "overlap_coefficient": d["overlap"], "a_members": S.nodes[a]["members"],
             "b_members": S.nodes[b]["members"], "members_list": d["members"]}
            for a, b, d in S.edges(data=True)]
    return sorted(rows, key=lambda row: (-row["jaccard"], -row["shared"], row["a"], row["b"]))


def named_overlap_table(result: Analysis, named: set[frozenset[str]]) -> list[dict]:
    """Each overlap a source names, with what the networks say about the pair."""
    S = result.networks["shared_membership"]
    syn = result.networks["synergy"]
    rows = []
    for overlap in result.facts.overlaps:
        for a, b in sorted({tuple(sorted(p)) for p in named if p <= set(overlap.parties)}):
            edge = S.edges[a, b] if S.has_edge(a, b) else {}
            regional = [row for row in result.tables["regional_overlaps"] if {row["a"], row["b"]} == {a, b}]
            rows.append({"overlap": overlap.iri, "region_named": overlap.region, "a": a, "b": b,
                         "a_label": result.facts.short(a), "b_label": result.facts.short(b),
                         "shared": edge.get("shared", 0), "jaccard": edge.get("jaccard", 0.0),
                         "overlap_coefficient": edge.get("overlap", 0.0),
                         "regions_found": "|".join(sorted({row["region"] for row in regional})),
                         "synergy": syn.edges[a, b]["synergy"] if syn.has_edge(a, b) else 0.0,
                         "members_list": edge.get("members", "")})
    return rows


def bridging_states(B: nx.Graph) -> list[dict]:
    """States and territories whose ISCMs lie in several communities of the State-ISCM network, ranked by
    participation coefficient, then betweenness."""
    rows = []
    for n, d in B.nodes(data=True):
        if d.get("bipartite") != 0 or d.get("communities_reached", 0) < 2:
            continue
        rows.append({"party": n, "label": d.get("label", n), "iso3": d.get("iso3", ""),
                     "community": d["community"], "communities_reached": d["communities_reached"],
                     "participation": d["participation"], "betweenness": d["betweenness"], "degree": d["degree"]})
    return sorted(rows, key=lambda row: (-row["participation"], -row["betweenness"], row["label"]))
