"""Annexes 6 and 7: who answered the survey and who attended GRCP 8, entry by entry; disagreements visible."""

from __future__ import annotations

import re

from .seed import numbered_list, report_lines

ANNEX6 = "<https://w3id.org/iscm/id/event/iscm-assessment-survey-2019>"


def entries(sparql, list_name: str) -> list[tuple[int, str, str]]:
    rows = sparql(f"""SELECT ?n ?as ?p WHERE {{ ?x iscm:listName "{list_name}" ; iscm:listNumber ?n ;
                       iscm:listedAs ?as ; iscm:participant ?p }} ORDER BY ?n""")
    return [(int(r["n"]), r["as"], r["p"]) for r in rows]


def test_annex6_counts(sparql):
    rows = sparql(f"""SELECT ?list (COUNT(?x) AS ?n) WHERE {{ ?x iscm:event {ANNEX6} ; iscm:listName ?list .
                       FILTER STRSTARTS(?list, "Annex 6") }} GROUP BY ?list""")
    counts = {r["list"].split(": ")[1]: int(r["n"]) for r in rows}
    assert counts == {"Regional consultative processes on migration": 17, "Interregional forums on migration": 12,
                      "Global processes on migration": 1, "Organizations": 3, "States": 46}
    assert sum(counts.values()) - counts["States"] - counts["Organizations"] == 30


def test_annex6_lists_match_the_report(sparql):
    rcps = numbered_list("#### Regional consultative processes on migration")
    assert [(n, t) for n, t, _ in entries(sparql, "Annex 6: Regional consultative processes on migration")] == rcps
    irfs = numbered_list("#### Interregional forums on migration")
    assert [(n, t) for n, t, _ in entries(sparql, "Annex 6: Interregional forums on migration")] == irfs
    orgs = numbered_list("### **Organizations**")
    assert [(n, t) for n, t, _ in entries(sparql, "Annex 6: Organizations")] == orgs


def test_annex6_states_match_the_report(sparql):
    lines = report_lines()
    start = next(i for i, line in enumerate(lines) if line.startswith("### **States**"))
    printed = sorted((int(n), name.strip()) for line in lines[start:start + 30]
                     for n, name in re.findall(r"(\d+)\. ([^|]+)", line))
    got = entries(sparql, "Annex 6: States")
    assert [(n, t) for n, t, _ in got] == printed
    assert len(got) == 46
    assert all("/id/state/" in p for _, _, p in got)


def test_annex7_survey_and_grcp8(sparql):
    survey = entries(sparql, "Annex 7: ISCMs in the 2019 Assessment Survey")
    grcp8 = entries(sparql, "Annex 7: ISCMs at GRCP 8")
    assert len(survey) == 22 and len(grcp8) == 27
    markers = {r["as"]: r["m"] for r in sparql("""SELECT ?as ?m WHERE { ?x iscm:listName ?l ; iscm:listedAs ?as ;
                                                 iscm:listMarker ?m . FILTER STRSTARTS(?l, "Annex 7") }""")}
    assert sum(1 for m in markers.values() if m == "*") == 6
    assert sum(1 for m in markers.values() if m == "**") == 1
    both = {p for _, _, p in survey} & {p for _, _, p in grcp8}
    assert len(both) == 21  # "21 ISCMs participated in both"


def test_the_disagreement_between_annexes_is_recorded(sparql):
    rows = sparql("""SELECT ?d ?text WHERE { ?d a iscm:Discrepancy ; dct:description ?text .
                     FILTER (CONTAINS(?text, "22") && CONTAINS(?text, "30")) }""")
    assert rows, "the 22 ISCM questionnaires vs 30 ISCMs in Annex 6 discrepancy must be recorded"
