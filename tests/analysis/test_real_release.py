"""The analysis on the real release (session fixture ``release``: data/ built once into a tmp dir)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.namespace import RDFS, SKOS

from iscm_kg.analysis.outputs import write_outputs
from iscm_kg.analysis.pipeline import analyze_store
from iscm_kg.paths import ONTOLOGY, QUERIES
from iscm_kg.querying import all_queries

MECH = "https://w3id.org/iscm/id/mechanism/"
NAMED = [("eap-panel", "prague"), ("au-hoai", "mid-igad")]
ANALYSIS = "https://w3id.org/iscm/graph/analysis"
PREFIXES = "PREFIX iscm: <https://w3id.org/iscm/ontology#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"


@pytest.fixture(scope="module")
def result(store):
    return analyze_store(store)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_build_writes_the_networks(release):
    folder = release / "networks"
    index = json.loads((folder / "index.json").read_text())
    assert set(index["networks"]) >= {"state_iscm", "shared_membership", "co_membership", "thematic_similarity",
                                      "cooperation", "iscm_organization", "synergy"}
    for entry in index["networks"].values():
        for name in entry["files"]:  # an edge list of a network without edges (a backbone may be) is empty
            assert (folder / name).stat().st_size > 0 or (name.endswith(".edgelist") and not entry["summary"]["edges"])
    summary = index["networks"]["state_iscm"]["summary"]
    assert summary["nodes"] > 200 and summary["edges"] > 800


def test_the_named_overlaps_appear(result, release):
    S = result.networks["shared_membership"]
    for a, b in NAMED:
        assert S.edges[MECH + a, MECH + b]["shared"] >= 6
    named = {(row["a"], row["b"]) for row in result.tables["regional_overlaps"] if row["named"]}
    assert named == {(MECH + a, MECH + b) for a, b in NAMED}
    eastern_europe = [row for row in result.tables["regional_overlaps"]
                      if row["region"] == "Eastern Europe" and row["a"] == MECH + "eap-panel"
                      and row["b"] == MECH + "prague"]
    assert eastern_europe and eastern_europe[0]["overlap"] == 1.0  # every EaP member there is in Prague too
    rows = _rows(release / "networks" / "named_overlaps.csv")
    assert {(r["a_label"], r["b_label"]) for r in rows} >= {("EaP Panel", "Prague Process")}
    # and both top the candidate synergies: overlapping, similar, no documented cooperation
    top = {(row["a"], row["b"]) for row in result.tables["candidate_synergies"][:5]}
    assert {(MECH + a, MECH + b) for a, b in NAMED} <= top


def test_spain_and_sweden(result):
    """The report (line 233, survey): nine ISCMs for Spain and for Sweden, one for Morocco."""
    rows = {row["label"]: row for row in result.tables["reported_counts"]}
    spain, sweden = rows["Spain"], rows["Sweden"]
    assert spain["reported"] == sweden["reported"] == 9
    assert spain["listed_member_of"] == 11  # the most of any State in the lists
    assert spain["dated_up_to_2019"] == 9  # RIAM (2021) and IGC (undated) are not dated mid-2019
    assert sweden["listed_member_of"] == 8 and sweden["listed_plus_open"] == 9  # + GFMD, open to all UN States
    first = result.tables["states_by_iscm_count"][0]
    assert first["iso3"] == "ESP" and first["member_of"] == 11


def test_the_analysis_graph_is_in_the_store(store):
    def count(query: str) -> int:
        return int(next(iter(store.query(PREFIXES + query)))["n"].value)

    assert count(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ANALYSIS}> {{ ?s a iscm:ISCMPair }} }}") > 100
    unlabelled = count(f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{ANALYSIS}> {{ ?s a ?c }}
        FILTER NOT EXISTS {{ GRAPH <{ANALYSIS}> {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }}
                             FILTER (LANGMATCHES(LANG(?l), "en")) }} }}""")
    assert unlabelled == 0
    assert count(f"""SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <https://w3id.org/iscm/graph/provenance> {{
        <{ANALYSIS}> a iscm:FactGraph ; <http://www.w3.org/ns/prov#wasDerivedFrom>
        <https://w3id.org/iscm/id/document/memberships> }} }}""") == 1


def test_the_dumps_hold_the_analysis_sorted(release):
    lines = (release / "iscm-kg.nq").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(set(lines))
    assert any(f"<{ANALYSIS}>" in line for line in lines)


def test_competency_questions(store):
    queries = all_queries(QUERIES)

    def run(name: str, **params: str) -> list[dict[str, str]]:
        solutions = store.query(queries[name].bind(params))
        names = [v.value for v in solutions.variables]
        return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]

    rcm = run("analysis-overlap-with")
    assert rcm and {row["other"] for row in rcm[:3]} >= {MECH + "ocam"}
    bridges = run("analysis-bridging-states")
    # Spain (in 11 ISCMs) reaches the most communities; the order by participation moves with the partition
    most = max(int(row["communitiesReached"]) for row in bridges)
    assert len(bridges) > 10 and "https://w3id.org/iscm/id/state/ESP" in {
        row["state"] for row in bridges if int(row["communitiesReached"]) == most}
    assert run("analysis-candidate-synergies")[0]["rank"] == "1"
    regional = run("analysis-regional-overlaps")
    assert {row["named"] for row in regional[:5]} == {"true"}


def test_query_headers():
    for name, query in all_queries(QUERIES).items():
        if name.startswith(("network-", "analysis-")):
            assert query.title and query.description, name


def test_ontology_terms_have_label_and_definition(result):
    from iscm_kg.analysis.to_rdf import analysis_quads

    ontology = Graph().parse(ONTOLOGY / "iscm.ttl")
    terms = set()
    for q in analysis_quads(result):
        for term in (q.predicate, q.object if q.predicate.value.endswith("#type") else None):
            if isinstance(term, ox.NamedNode) and term.value.startswith("https://w3id.org/iscm/ontology#"):
                terms.add(term.value)
    assert len(terms) > 30
    from rdflib import URIRef

    for term in sorted(terms):
        labels = [o for o in ontology.objects(URIRef(term), RDFS.label) if isinstance(o, Literal) and o.language == "en"]
        definitions = [o for o in ontology.objects(URIRef(term), SKOS.definition)
                       if isinstance(o, Literal) and o.language == "en"]
        assert labels and definitions, term


def test_deterministic_on_real_data(store, tmp_path):
    write_outputs(analyze_store(store), tmp_path / "one")
    write_outputs(analyze_store(store), tmp_path / "two")
    for path in sorted((tmp_path / "one").iterdir()):
        assert path.read_bytes() == (tmp_path / "two" / path.name).read_bytes(), path.name


def test_cli_analyze(release, tmp_path):
    from iscm_kg.cli import main

    before = (release / "iscm-kg.nq").read_bytes()
    out = tmp_path / "networks"
    outcome = CliRunner().invoke(main, ["analyze", "--dist", str(release), "--out", str(out),
                                        "--set", "candidates.top=5"])
    assert outcome.exit_code == 0, outcome.output
    assert "candidate synergies" in outcome.output
    assert len(_rows(out / "candidate_synergies.csv")) == 5
    assert (release / "iscm-kg.nq").read_bytes() == before
    bad = CliRunner().invoke(main, ["analyze", "--dist", str(release), "--out", str(out), "--set", "nope=1"])
    assert bad.exit_code == 1 and "unknown" in bad.output
