"""The analysis as RDF: the named graph https://w3id.org/iscm/graph/analysis (metrics of every node of every
network, ISCM pairs with overlap and synergy scores, candidate synergies with their evidence, overlaps within a
region) and its provenance. Every typed node has an English label; no blank nodes; sorted output."""

from __future__ import annotations

import pyoxigraph as ox

from ..iris import Ids
from ..namespaces import ISCM, PROV, RDF, RDFS, XSD
from .networks import NETWORKS
from .pipeline import TITLES, Analysis
from .readable import community_names

IDS = Ids()  # at the default base: the release moves everything under its own base (iris.rebase)
GRAPH = IDS.graph("analysis")
PROVENANCE = IDS.graph("provenance")
SOURCES = (IDS.thing("document", "memberships"), IDS.thing("document", "report"))
RDF_NETWORKS = (*NETWORKS, "synergy")

N, L = ox.NamedNode, ox.Literal


def _t(term) -> ox.NamedNode:
    return N(str(term))


def _local(iri: str) -> str:
    """'https://w3id.org/iscm/id/state/ESP' -> 'state-ESP' (the path after id/, '/' as '-')."""
    thing = IDS.split(iri)
    path = f"{thing.kind}/{thing.key}" if thing else iri.rstrip("/").rsplit("/", 1)[-1]
    return path.replace("/", "-")


def _key(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


class _Writer:
    def __init__(self) -> None:
        self.graph = N(GRAPH)
        self.quads: list[ox.Quad] = []

    def add(self, s: ox.NamedNode, p, o) -> None:
        self.quads.append(ox.Quad(s, _t(p), o, self.graph))

    def node(self, path: str, cls, label: str) -> ox.NamedNode:
        iri = N(IDS.thing("analysis", path))
        self.add(iri, RDF.type, _t(cls))
        self.add(iri, RDFS.label, L(label, language="en"))
        return iri


def _int(value: int) -> ox.Literal:
    return L(str(int(value)), datatype=_t(XSD.integer))


def _dec(value: float) -> ox.Literal:
    text = f"{float(value):.6f}".rstrip("0")
    return L(text + "0" if text.endswith(".") else text, datatype=_t(XSD.decimal))


def _bool(value: bool) -> ox.Literal:
    return L("true" if value else "false", datatype=_t(XSD.boolean))


def analysis_quads(result: Analysis) -> list[ox.Quad]:
    """All quads of the analysis graph plus its provenance, sorted and without duplicates."""
    w = _Writer()
    for name in RDF_NETWORKS:
        G = result.networks[name]
        title = TITLES[name]
        summary = result.summaries[name]
        net = w.node(f"network/{name}", ISCM.Network, f"Network: {title}")
        w.add(net, ISCM.nodeCount, _int(summary["nodes"]))
        w.add(net, ISCM.edgeCount, _int(summary["edges"]))
        w.add(net, ISCM.modularity, _dec(summary["modularity"]))
        communities = {}
        names = community_names(G, result.communities[name])  # as the pages and legends name them
        for index, part in enumerate(result.communities[name]):
            if len(part) < 2:
                continue
            community = w.node(f"{name}/community/{index}", ISCM.Community,
                               f"{names[index]}: community {index} of {title} ({len(part)} nodes)")
            w.add(community, ISCM.network, net)
            communities[index] = community
        for n, d in G.nodes(data=True):
            metric = w.node(f"{name}/node/{_local(n)}", ISCM.NetworkMetric, f"{d.get('label', n)} in {title}")
            w.add(metric, ISCM.network, net)
            w.add(metric, ISCM.about, N(n))
            w.add(metric, ISCM.degree, _int(d["degree"]))
            w.add(metric, ISCM.strength, _dec(d["strength"]))
            w.add(metric, ISCM.betweenness, _dec(d["betweenness"]))
            w.add(metric, ISCM.eigenvectorCentrality, _dec(d["eigenvector"]))
            w.add(metric, ISCM.coreNumber, _int(d["core"]))
            w.add(metric, ISCM.participationCoefficient, _dec(d["participation"]))
            w.add(metric, ISCM.communitiesReached, _int(d["communities_reached"]))
            if d["community"] in communities:
                w.add(metric, ISCM.community, communities[d["community"]])
            if d["articulation"]:
                w.add(metric, ISCM.articulationPoint, _bool(True))
            if name == "state_iscm" and d.get("bipartite") == 0:
                members = sum(1 for m in G[n] if G.edges[n, m]["role"] in result.config.membership_roles)
                w.add(metric, ISCM.iscmMemberships, _int(members))
    _pairs(w, result)
    _regional(w, result)
    _provenance(w)
    unique = {str(q): q for q in w.quads}
    return [unique[k] for k in sorted(unique)]


def _pairs(w: _Writer, result: Analysis) -> None:
    S = result.networks["synergy"]
    facts = result.facts
    net = N(IDS.thing("analysis", "network/synergy"))
    ranks = {frozenset((row["a"], row["b"])): row["rank"] for row in result.tables["candidate_synergies"]}
    named = {frozenset((row["a"], row["b"])) for row in result.tables["named_overlaps"]}
    members_of = {n: set(S_) for n, S_ in _members(result).items()}
    theme_iris = facts.themes
    for a, b, d in S.edges(data=True):
        pair = w.node(f"pair/{_key(a)}--{_key(b)}", ISCM.ISCMPair, f"{facts.short(a)} and {facts.short(b)}")
        w.add(pair, ISCM.network, net)
        w.add(pair, ISCM.pairMember, N(a))
        w.add(pair, ISCM.pairMember, N(b))
        w.add(pair, ISCM.sharedMembers, _int(d["shared_members"]))
        w.add(pair, ISCM.jaccard, _dec(d["jaccard"]))
        w.add(pair, ISCM.overlapCoefficient, _dec(d["overlap_coefficient"]))
        w.add(pair, ISCM.membershipSimilarity, _dec(d["membership"]))
        w.add(pair, ISCM.sharedThemes, _int(d["shared_themes"]))
        w.add(pair, ISCM.themeSimilarity, _dec(d["themes"]))
        w.add(pair, ISCM.organizationSimilarity, _dec(d["organizations"]))
        w.add(pair, ISCM.documentedCooperation, _bool(d["cooperation"] > 0))
        w.add(pair, ISCM.synergyScore, _dec(d["synergy"]))
        key = frozenset((a, b))
        if key in ranks:
            w.add(pair, ISCM.candidateRank, _int(ranks[key]))
        if key in ranks or key in named:  # the evidence, for the pairs the report or the ranking points at
            for s in sorted(members_of.get(a, set()) & members_of.get(b, set())):
                w.add(pair, ISCM.sharedMember, N(s))
            for t in sorted(theme_iris.get(a, set()) & theme_iris.get(b, set())):
                w.add(pair, ISCM.sharedTheme, N(t))


def _members(result: Analysis) -> dict[str, set[str]]:
    from .networks import members_by_iscm

    return members_by_iscm(result.networks["state_iscm"], result.config.membership_roles)


def _regional(w: _Writer, result: Analysis) -> None:
    facts = result.facts
    subregions = {c.subregion_label: c.subregion for c in facts.countries.values() if c.subregion}
    by_short: dict[tuple[str, str], list[str]] = {}
    members = _members(result)
    for c in facts.countries.values():
        by_short.setdefault((c.subregion_label, c.short), []).append(c.iri)
    for row in result.tables["regional_overlaps"]:
        region_iri = subregions.get(row["region"])
        code = _key(region_iri) if region_iri else row["region"].lower().replace(" ", "-")
        node = w.node(f"regional-overlap/{code}/{_key(row['a'])}--{_key(row['b'])}", ISCM.RegionalOverlap,
                      f"{row['a_label']} and {row['b_label']} in {row['region']}")
        w.add(node, ISCM.pairMember, N(row["a"]))
        w.add(node, ISCM.pairMember, N(row["b"]))
        if region_iri:
            w.add(node, ISCM.inRegion, N(region_iri))
        w.add(node, ISCM.sharedMembers, _int(row["shared"]))
        w.add(node, ISCM.overlapCoefficient, _dec(row["overlap"]))
        w.add(node, ISCM.namedInSource, _bool(row["named"]))
        shared = members.get(row["a"], set()) & members.get(row["b"], set())
        for s in sorted(shared):
            country = facts.countries.get(s)
            if country is not None and country.subregion_label == row["region"]:
                w.add(node, ISCM.sharedMember, N(s))


def _provenance(w: _Writer) -> None:
    graph, prov = N(GRAPH), N(PROVENANCE)
    for s, p, o in [
        (graph, RDF.type, _t(ISCM.FactGraph)),
        (graph, RDFS.label, L("Network analysis: metrics, overlaps and synergy scores derived from the facts "
                              "(iscm_kg.analysis)", language="en")),
        *[(graph, PROV.wasDerivedFrom, N(source)) for source in SOURCES],
    ]:
        w.quads.append(ox.Quad(s, _t(p), o, prov))


def nquads_lines(quads: list[ox.Quad]) -> list[str]:
    """The quads as N-Quads lines (the release merges them into its sorted dump)."""
    text = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8")
    return [line for line in text.splitlines() if line.strip()]
