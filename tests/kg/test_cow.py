"""Correlates of War (COW) State codes of our States: data/cow-iso.csv, checked by hand, against the COW list
(data/cow-states.csv, copied unchanged), against the codelist of countrycode (the package IR researchers convert
codes with), and the States the build knows; and in the built graph."""

from __future__ import annotations

import csv
from collections import Counter

import pytest
from countrycode import countrycode

from iscm_kg.paths import DATA

ISCM = "https://w3id.org/iscm/ontology#"
STATE = "https://w3id.org/iscm/id/state/"


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


COW = rows("cow-states.csv")
MAPPING = rows("cow-iso.csv")
CURRENT = [r for r in MAPPING if r["cow_code"] and r["iso3"]]  # a COW State and the current State it is
OUR_KEYS = {r["iso3"] for r in rows("country-identifiers.csv")} | {r["key"] for r in rows("states-without-iso.csv")}


def test_the_cow_list_is_the_v2016_list() -> None:
    """217 States, codes and abbreviations unique (the copy had duplicates removed), South Sudan and Kosovo in."""
    assert len(COW) == 217
    assert len({r["CCode"] for r in COW}) == len({r["StateAbb"] for r in COW}) == 217
    by_code = {r["CCode"]: (r["StateAbb"], r["StateNme"]) for r in COW}
    assert by_code["626"] == ("SSD", "South Sudan") and by_code["347"] == ("KOS", "Kosovo")


def test_every_row_pairs_a_code_with_its_abbreviation_and_name_as_the_cow_list_does() -> None:
    listed = {r["CCode"]: (r["StateAbb"], r["StateNme"]) for r in COW}
    for row in MAPPING:
        if row["cow_code"]:
            assert listed.get(row["cow_code"]) == (row["cow_abb"], row["cow_name"]), row
        else:
            assert not row["cow_abb"] and not row["cow_name"], row


def test_every_cow_state_has_exactly_one_row() -> None:
    counts = Counter(r["cow_code"] for r in MAPPING if r["cow_code"])
    assert set(counts) == {r["CCode"] for r in COW}
    assert max(counts.values()) == 1


def test_every_iso3_is_one_of_our_states_and_is_there_once() -> None:
    keys = [r["iso3"] for r in MAPPING if r["iso3"]]
    assert set(keys) <= OUR_KEYS, set(keys) - OUR_KEYS
    assert [k for k, n in Counter(keys).items() if n > 1] == []


def test_a_row_with_an_empty_side_says_why() -> None:
    for row in MAPPING:
        if not (row["cow_code"] and row["iso3"]):
            assert row["note"], row


@pytest.mark.parametrize(
    ("iso3", "code", "abb"),
    [
        ("DEU", "255", "GMY"),
        ("KOR", "732", "ROK"),
        ("PRK", "731", "PRK"),
        ("CZE", "316", "CZR"),
        ("SVK", "317", "SLO"),
        ("MAR", "600", "MOR"),
        ("XKX", "347", "KOS"),
        ("SSD", "626", "SSD"),
        ("SDN", "625", "SUD"),
        ("RUS", "365", "RUS"),
        ("SRB", "345", "YUG"),
        ("MNE", "341", "MNG"),
        ("MNG", "712", "MON"),
        ("AUT", "305", "AUS"),
        ("AUS", "900", "AUL"),
        ("CHE", "225", "SWZ"),
        ("SWZ", "572", "SWA"),
        ("SVN", "349", "SLV"),
        ("SLV", "92", "SAL"),
        ("MKD", "343", "MAC"),
        ("VNM", "816", "DRV"),
        ("YEM", "679", "YEM"),
        ("TZA", "510", "TAZ"),
        ("NER", "436", "NIR"),
        ("NGA", "475", "NIG"),
        ("PLW", "986", "PAL"),
    ],
)
def test_the_hard_cases(iso3: str, code: str, abb: str) -> None:
    """Where the names or the abbreviations mislead (COW's AUS is Austria, its KOR the Korea of before 1905)."""
    matches = [(r["cow_code"], r["cow_abb"]) for r in CURRENT if r["iso3"] == iso3]
    assert matches == [(code, abb)]


@pytest.mark.parametrize("code", ["240", "260", "265", "300", "315", "327", "511", "678", "680", "730", "817"])
def test_historical_states_have_no_current_state(code: str) -> None:
    """Hanover, the two German States of 1949-1990, Austria-Hungary, Czechoslovakia, the Papal States, Zanzibar,
    the two Yemens and the two Vietnams before unification, the Korea of before 1905."""
    (row,) = [r for r in MAPPING if r["cow_code"] == code]
    assert row["iso3"] == "" and row["note"]


@pytest.fixture(scope="module")
def built_cow(sparql) -> dict[str, tuple[int, str]]:
    return {
        r["state"].removeprefix(STATE): (int(r["code"]), r["abb"])
        for r in sparql("SELECT ?state ?code ?abb WHERE { ?state iscm:cowCode ?code ; iscm:cowAbbreviation ?abb }")
    }


def test_the_built_store_gives_germany_255(sparql) -> None:
    result = sparql(f"SELECT ?code WHERE {{ <{STATE}DEU> iscm:cowCode ?code }}")
    assert [r["code"] for r in result] == ["255"]
    typed = sparql(f"SELECT (DATATYPE(?code) AS ?t) WHERE {{ <{STATE}DEU> iscm:cowCode ?code }}")
    assert typed == [{"t": "http://www.w3.org/2001/XMLSchema#integer"}]


def test_every_built_state_has_its_cow_code_or_the_table_says_why_not(sparql, built_cow) -> None:
    """Every State of the build (iscm:State: the UN member States among them, Kosovo, the SADR, ...) has the COW
    code the table gives it, or the table has a row for it with no COW code and a note."""
    states = {r["s"].removeprefix(STATE) for r in sparql("SELECT ?s WHERE { ?s a iscm:State }")}
    mapped = {r["iso3"]: (int(r["cow_code"]), r["cow_abb"]) for r in CURRENT}
    explained = {r["iso3"] for r in MAPPING if r["iso3"] and not r["cow_code"] and r["note"]}
    assert len(states) > 150
    for state in sorted(states):
        if state in mapped:
            assert built_cow.get(state) == mapped[state], state
        else:
            assert state in explained, f"{state}: no COW code and no row saying why"
    # and nothing else has one: a COW code only on a country the build emits, as the table maps it
    assert {k: v for k, v in built_cow.items() if k not in states} == {
        k: mapped[k] for k in built_cow if k not in states
    }


def test_cow_codes_cite_the_cow_list_and_the_mapping_row(sparql) -> None:
    result = sparql(f"""
        SELECT ?line ?dataFile WHERE {{
          GRAPH ?g {{ <{STATE}DEU> iscm:cowCode ?code }}
          ?g prov:wasDerivedFrom ?loc ; iscm:dataFile ?dataFile .
          ?loc dct:isPartOf <https://w3id.org/iscm/id/document/cow-states> ; iscm:line ?line .
        }}""")
    germany_line = next(i for i, r in enumerate(COW, start=2) if r["CCode"] == "255")
    germany_row = next(i for i, r in enumerate(MAPPING, start=2) if r["cow_code"] == "255")
    assert result == [{"line": str(germany_line), "dataFile": f"data/cow-iso.csv:{germany_row}"}]


# Where our table and countrycode 0.6.0 (Arel-Bundock, Enevoldsen and Yetman 2018) part, and why: each a choice
# data/cow-iso.csv documents, not a slip.
COUNTRYCODE_DIFFERS = {
    "SRB": "countrycode gives Serbia no COW code (it keeps 345 for Yugoslavia); COW continues 345 as Serbia from 2006",
    "XKX": "XKX is not an ISO code, so countrycode has no COW code for it; COW lists Kosovo as KOS 347 since 2008",
}
COUNTRYCODE_HISTORICAL = {"327": "countrycode maps the Papal States to VAT; for us 327 ended in 1870, no current State"}


def test_the_mapping_agrees_with_countrycode_both_ways() -> None:
    """An independent check of the hand-made table and of the COW list's copy: every ISO3 -> COW code and
    abbreviation, and every COW code -> ISO3, as countrycode's codelist has them, but for the documented cases."""
    mapped = [r for r in rows("cow-iso.csv") if r["iso3"] and r["cow_code"]]
    codes = countrycode([r["iso3"] for r in mapped], "iso3c", "cown")
    abbreviations = countrycode([r["iso3"] for r in mapped], "iso3c", "cowc")
    differ = {r["iso3"] for r, code, abb in zip(mapped, codes, abbreviations, strict=True)
              if (str(code), abb) != (r["cow_code"], r["cow_abb"])}
    assert differ == set(COUNTRYCODE_DIFFERS)
    assert len(mapped) - len(differ) == 193
    coded = [r for r in rows("cow-iso.csv") if r["cow_code"]]
    back = countrycode([int(r["cow_code"]) for r in coded], "cown", "iso3c")
    reverse = {r["cow_code"] for r, iso3 in zip(coded, back, strict=True) if (iso3 or "") != r["iso3"]}
    assert reverse == set(COUNTRYCODE_HISTORICAL) | {"345", "347"}  # 345 and 347: SRB and XKX above
