"""The Annex 10 matrix, cell by cell, against the report; its anomalies recorded, not repaired."""

from __future__ import annotations

import pytest

from .seed import TICK, annex10

COLUMN_ISCM = {  # what each printed column label stands for (misspellings included)
    "5+5 Dialogue on Migration": "5plus5", "Abu Dhabi Dialogue": "abu-dhabi", "ACP-EU MD": "acp-eu",
    "Almaty Process": "almaty", "ARCP": "arcp", "AU-HoAI": "au-hoai", "Bali Process": "bali",
    "Budapest Process": "budapest", "CMC": "cmc", "Colombo Process": "colombo", "EaP Panel on Migration": "eap-panel",
    "EU-CELAC MD": "eu-celac", "FIBEMTD": "fibemyd", "GFMd": "gfmd", "MID-IGAD": "mid-igad", "IGC": "igc",
    "Khartoum Process": "khartoum", "MIDCAS": "midcas", "MIDCOM": "midcom", "MIDSA": "midsa", "MIDWA": "midwa",
    "OACAM": "ocam", "PAFoM": "pafom", "PIDC": "pidc", "Prague Process": "prague", "Rabat Process": "rabat",
    "RCM": "rcm", "RIAM": "riam", "SACM": "sacm",
}


@pytest.fixture(scope="module")
def cells(sparql):
    rows = sparql("""
        SELECT ?theme ?col ?value ?label ?iscm WHERE {
          ?c a iscm:ThemeMatrixCell ; iscm:cellTheme/skos:prefLabel ?theme ; iscm:cellColumn ?col ; iscm:cellValue ?value .
          OPTIONAL { ?c iscm:cellColumnLabel ?label } OPTIONAL { ?c iscm:cellMechanism ?iscm }
        }""")
    return {(r["theme"], int(r["col"])): r for r in rows}


def test_shape_of_the_matrix():
    header, rows = annex10()
    assert len(header) == 29 and len(rows) == 31
    assert [t for t, v in rows.items() if len(v) != len(header)] == ["Migration and development"]


def test_every_cell(cells):
    header, rows = annex10()
    expected = {(theme, i): v for theme, values in rows.items() for i, v in enumerate(values, 1)}
    assert {k: c["value"] for k, c in cells.items()} == expected
    for (_theme, col), cell in cells.items():
        if col <= len(header):
            assert cell["label"] == header[col - 1]
            assert cell["iscm"].endswith("/" + COLUMN_ISCM[header[col - 1]])
        else:
            assert cell["iscm"] is None and cell["label"] is None


def test_ticks_become_thematic_foci_and_the_misaligned_row_only_where_every_reading_ticks(sparql):
    header, rows = annex10()
    focus = {(r["theme"], r["iscm"].rsplit("/", 1)[-1])
             for r in sparql("SELECT ?theme ?iscm WHERE { ?iscm iscm:thematicFocus/skos:prefLabel ?theme }")}
    expected = {(theme, COLUMN_ISCM[header[i]]) for theme, values in rows.items() if len(values) == len(header)
                for i, v in enumerate(values) if v == TICK}
    # The row with one cell too many: drop any one of its cells and column j reads cell j or cell j+1; an ISCM
    # is ticked under every reading when both are ticked.
    values = rows["Migration and development"]
    assert len(values) == len(header) + 1
    readings = [values[:k] + values[k + 1:] for k in range(len(values))]
    every = {COLUMN_ISCM[header[j]] for j in range(len(header)) if all(r[j] == TICK for r in readings)}
    assert len(every) == 17
    expected |= {("Migration and development", iscm) for iscm in every}
    assert focus == expected
    qualified = sparql("""SELECT ?iscm WHERE { GRAPH ?g { ?iscm iscm:thematicFocus ?t }
                            ?g iscm:everyReadingOfMisalignedRow true ; prov:wasDerivedFrom/iscm:line 2147 }""")
    assert {r["iscm"].rsplit("/", 1)[-1] for r in qualified} == every


def test_commit_has_no_column_and_anomalies_are_recorded(sparql):
    assert not sparql("SELECT ?c WHERE { ?c iscm:cellMechanism mech:commit }")
    keys = {r["d"].rsplit("/", 1)[-1] for r in sparql("SELECT ?d WHERE { ?d a iscm:Discrepancy }")}
    assert {"annex10-row-more-cells-than-columns", "annex10-misspelt-fibemyd", "annex10-misspelt-ocam",
            "annex10-no-commit-column"} <= keys


def test_themes_form_a_skos_scheme(sparql):
    _header, rows = annex10()
    labels = {r["l"] for r in sparql("""SELECT ?l WHERE { ?t skos:inScheme <https://w3id.org/iscm/id/theme/> ;
                                         skos:prefLabel ?l . <https://w3id.org/iscm/id/theme-list/annex10> skos:member ?t }""")}
    assert labels == set(rows)
