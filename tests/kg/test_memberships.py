"""Memberships, row by row, against the reference table (data/memberships.csv, copied unchanged)."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "data"


def reference_rows() -> list[dict]:
    with (DATA / "memberships.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def party_map() -> dict[str, str]:
    with (DATA / "membership-parties.csv").open(encoding="utf-8", newline="") as handle:
        return {r["party"]: r["ref"] for r in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def graph_rows(sparql):
    rows = sparql("""
        SELECT ?ref ?iscm ?party ?role ?asOf ?undated ?confidence ?note ?line
               (GROUP_CONCAT(STR(?url); separator=" ") AS ?urls) WHERE {
          ?m a org:Membership ; org:organization ?iscm ; org:member ?party ; org:role/skos:notation ?role ;
             prov:qualifiedDerivation ?ref .
          ?ref prov:entity ?loc ; iscm:confidence/skos:notation ?confidence .
          ?loc dct:isPartOf <https://w3id.org/iscm/id/document/memberships> ; iscm:line ?line .
          OPTIONAL { ?ref iscm:asOf ?asOf } OPTIONAL { ?ref iscm:undated ?undated }
          OPTIONAL { ?ref rdfs:comment ?note } OPTIONAL { ?loc dct:source ?url FILTER (!STRSTARTS(STR(?url), "https://w3id.org/iscm/id/locator/")) }
        } GROUP BY ?ref ?iscm ?party ?role ?asOf ?undated ?confidence ?note ?line""")
    return {int(r["line"]): r for r in rows}


def test_every_row_is_a_membership(graph_rows):
    rows = reference_rows()
    assert len(graph_rows) == len(rows) == 960


def test_row_by_row(graph_rows):
    mapping = party_map()
    with (DATA / "memberships.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        line = 1
        for row in reader:
            line_start = line + 1
            line = reader.line_num
            got = graph_rows[line_start]
            assert got["iscm"].endswith("/mechanism/" + row["iscm"])
            ref = mapping.get(row["party"]) or f"state:{row['iso3']}"
            kind, key = ref.split(":")
            assert got["party"].endswith(f"/{ {'state': 'state', 'org': 'organization', 'group': 'group'}[kind]}/{key}")
            assert got["role"] == row["role"]
            if row["as_of"] == "undated":
                assert got["asOf"] is None and got["undated"] == "true"
            else:
                assert got["asOf"] == row["as_of"] and got["undated"] is None
            assert got["confidence"] == row["confidence"]
            assert (got["note"] or "") == row["note"]
            urls = set(re.findall(r"https?://[^\s;,)]+", row["source"]))
            assert set((got["urls"] or "").split()) == {u.rstrip(".") for u in urls}


def test_listed_counts_shown_beside_declared(sparql):
    counted = Counter()
    for row in reference_rows():
        if row["role"] == "member" and row["party_type"] in ("state", "territory"):
            counted[row["iscm"]] += 1
    rows = sparql("SELECT ?iscm ?declared ?listed WHERE { ?iscm iscm:declaredMemberCount ?declared ; "
                  "iscm:listedMemberCount ?listed }")
    for r in rows:
        assert int(r["listed"]) == counted[r["iscm"].rsplit("/", 1)[-1]]
    midcom = next(r for r in rows if r["iscm"].endswith("/midcom"))
    assert (int(midcom["declared"]), int(midcom["listed"])) == (19, 21)


def test_shortcuts_follow_roles(sparql):
    rows = sparql("""SELECT (COUNT(*) AS ?n) WHERE { ?m org:role role:member ; org:member ?p ; org:organization ?i .
                     FILTER NOT EXISTS { ?p iscm:memberOf ?i } }""")
    assert rows[0]["n"] == "0"
    observer = sparql("SELECT ?i WHERE { state:EGY iscm:observerOf ?i }")
    assert any(r["i"].endswith("/mid-igad") for r in observer)
