"""Every fact carries its source, reachable with the documented query (queries/fact-source.rq)."""

from __future__ import annotations

import pytest

from iscm_kg.paths import QUERIES
from iscm_kg.querying import load_query

from .seed import report_lines


def test_every_named_graph_has_a_source(store):
    graphs = {g.value for g in store.named_graphs()}
    prov = "https://w3id.org/iscm/graph/provenance"
    rows = store.query(f"""SELECT DISTINCT ?g WHERE {{ GRAPH <{prov}> {{
        ?g <http://www.w3.org/ns/prov#wasDerivedFrom> ?src }} }}""")
    sourced = {r["g"].value for r in rows}
    assert graphs - sourced == {prov}


def test_every_triple_about_an_iscm_has_a_source(store):
    """All quads whose subject is an ISCM sit in a graph whose source is a document, a locator in one, or the
    ontology."""
    rows = store.query("""
        SELECT (COUNT(*) AS ?all) (SUM(IF(BOUND(?doc), 1, 0)) AS ?sourced) WHERE {
          ?iscm <https://w3id.org/iscm/ontology#annex2Number> ?no .
          GRAPH ?g { ?iscm ?p ?o }
          OPTIONAL { ?g <http://www.w3.org/ns/prov#wasDerivedFrom> ?loc .
                     OPTIONAL { ?loc <http://purl.org/dc/terms/isPartOf> ?d }
                     BIND (COALESCE(?d, ?loc) AS ?doc) }
        }""")
    row = next(iter(rows))
    assert int(row["all"].value) > 30 * 10
    assert row["all"].value == row["sourced"].value


@pytest.mark.parametrize("prop, expected_line", [("yearEstablished", 1539), ("declaredMemberCount", 1539)])
def test_documented_query_finds_the_annex2_line(sparql, prop, expected_line):
    query = load_query(QUERIES / "fact-source.rq").bind({
        "subject": "https://w3id.org/iscm/id/mechanism/budapest",
        "property": f"https://w3id.org/iscm/ontology#{prop}",
    })
    rows = sparql(query.split("\n", 1)[1] if query.startswith("PREFIX") else query)
    assert len(rows) == 1
    row = rows[0]
    assert row["document"].endswith("/document/report") and int(row["line"]) == expected_line
    assert row["section"] == "Annex 2"
    assert "Budapest Process" in report_lines()[expected_line - 1]
    assert row["dataFile"].startswith("data/mechanisms.csv:")


def test_membership_sources_have_urls(sparql):
    rows = sparql("""SELECT ?url WHERE { ?m org:organization mech:rcm ; org:member state:MEX ; org:role role:member ;
                     prov:wasDerivedFrom/dct:source ?url }""")
    assert rows and all(r["url"].startswith("http") for r in rows)
