"""The graph holds all 30 ISCMs of Annex 2 with every column, compared with the report itself."""

from __future__ import annotations

import re

import pytest

from .seed import annex2

TYPES = {"RCP": "RegionalConsultativeProcess", "IRF": "InterregionalForum", "Global process": "GlobalProcess"}
NONE = {"Not applicable", "None"}


@pytest.fixture(scope="module")
def sheet(sparql):
    rows = sparql("""
        SELECT ?iscm ?no ?cls ?declared ?year ?note ?regions ?associated ?chair ?secretariat ?iom WHERE {
          ?iscm iscm:annex2Number ?no ; a ?cls ; iscm:declaredMemberCount ?declared ; iscm:yearEstablished ?year ;
                iscm:regionsText ?regions ; iscm:associatedOrganizationsText ?associated ; iscm:chairText ?chair ;
                iscm:secretariatText ?secretariat ; iscm:iomRoleText ?iom .
          FILTER (STRSTARTS(STR(?cls), STR(iscm:)))
          OPTIONAL { ?iscm iscm:establishmentNote ?note }
        }""")
    return {int(r["no"]): r for r in rows}


def names_of(sparql, iscm: str) -> set[str]:
    rows = sparql(f"SELECT ?n WHERE {{ <{iscm}> skos:prefLabel|skos:altLabel|iscm:acronym ?n }}")
    return {r["n"] for r in rows}


def roles_from_line(sparql, iscm: str, line: int) -> list[dict]:
    return sparql(f"""
        SELECT ?party ?role ?label WHERE {{
          ?m org:organization <{iscm}> ; org:member ?party ; org:role ?r ; prov:wasDerivedFrom ?loc .
          ?loc iscm:line {line} ; dct:isPartOf <https://w3id.org/iscm/id/document/report> .
          ?r skos:notation ?role . ?party skos:prefLabel ?label .
        }}""")


def test_thirty_iscms(sheet):
    assert sorted(sheet) == list(range(1, 31))
    assert len(annex2()) == 30


@pytest.mark.parametrize("row", annex2(), ids=lambda r: str(r["no"]))
def test_every_column(row, sheet, sparql):
    g = sheet[row["no"]]
    assert g["cls"].endswith("#" + TYPES[row["type"]])
    assert int(g["declared"]) == row["count"]
    year, _, rest = row["established"].partition(" ")
    assert g["year"] == year
    assert (g["note"] or "") == rest.strip("()")
    assert g["regions"].split(" | ") == row["regions"]
    assert g["associated"].split(" | ") == row["associated"]
    assert g["chair"] == row["chair"]
    assert g["secretariat"].split(" | ") == row["secretariat"]
    assert g["iom"].split(" | ") == row["iom_role"]
    # The printed name is the preferred name, or the preferred name followed by an acronym or short name.
    names = names_of(sparql, g["iscm"])
    match = re.match(r"^(.*?)\s*\(([^()]*)\)$", row["name"])
    assert row["name"] in names or (match and {match.group(1), match.group(2)} <= names)


@pytest.mark.parametrize("row", annex2(), ids=lambda r: str(r["no"]))
def test_regions_are_concepts(row, sheet, sparql):
    iscm = sheet[row["no"]]["iscm"]
    labels = {r["l"] for r in sparql(f"SELECT ?l WHERE {{ <{iscm}> iscm:coversRegion/skos:prefLabel ?l }}")}
    assert labels == set(row["regions"]) - NONE


@pytest.mark.parametrize("row", annex2(), ids=lambda r: str(r["no"]))
def test_structured_roles(row, sheet, sparql):
    """Associated organizations, chairs, secretariats and IOM's roles are also membership nodes sourced to the row."""
    iscm = sheet[row["no"]]["iscm"]
    roles = roles_from_line(sparql, iscm, row["line"])
    by_role: dict[str, set[str]] = {}
    for r in roles:
        by_role.setdefault(r["role"], set()).add(r["label"])
    associated = [a for a in row["associated"] if a not in NONE]
    assert len(by_role.get("associated-organization", set())) == len(associated)
    chairs = by_role.get("chair", set()) | by_role.get("co-chair", set())
    if row["chair"] in NONE or row["chair"].startswith("None"):
        assert not chairs
    else:
        assert chairs, f"no chair recorded for {row['name']}"
    iom_roles = {r["role"] for r in roles if r["label"] == "International Organization for Migration"}
    assert len(iom_roles) >= 1
    secretariats = {k for k in by_role if "secretariat" in k}
    assert secretariats


def test_budapest_co_chairs_and_cmc_incoming_chair(sparql):
    rows = sparql("""SELECT ?iscm ?role ?iso WHERE { ?m org:organization ?iscm ; org:member ?s ; org:role ?r .
                     ?r skos:notation ?role . ?s iscm:iso3166Alpha3 ?iso .
                     VALUES ?iscm { mech:budapest mech:cmc mech:igc } FILTER (CONTAINS(STR(?role), "chair")) }""")
    found = {(r["iscm"].rsplit("/", 1)[-1], r["role"], r["iso"]) for r in rows}
    assert {("budapest", "chair", "TUR"), ("budapest", "co-chair", "HUN"), ("cmc", "incoming-chair", "JAM"),
            ("igc", "chair", "CAN"), ("igc", "past-chair", "ESP")} <= found
