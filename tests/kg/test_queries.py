"""The competency queries in queries/: each documented, each answering with what the seeds say."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from iscm_kg.paths import DATA, QUERIES
from iscm_kg.querying import all_queries

from .seed import TICK, annex2, annex10, report_lines

MECH = "https://w3id.org/iscm/id/mechanism/"
STATE = "https://w3id.org/iscm/id/state/"
COMPETENCY = {name: q for name, q in all_queries(QUERIES).items() if not name.startswith(("network-", "analysis-"))}


@pytest.fixture(scope="module")
def ask(store):
    def run(query_name: str, **params: str) -> list[dict]:
        solutions = store.query(COMPETENCY[query_name].bind(params))
        names = [v.value for v in solutions.variables]
        return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in solutions]

    return run


def test_at_least_25_documented_queries():
    assert len(COMPETENCY) >= 25
    for name, query in COMPETENCY.items():
        assert query.title and query.description, f"{name} lacks a title or description header"
        assert query.topic, f"{name} lacks a topic header (the editor and the questions page group by it)"


@pytest.mark.parametrize("name", sorted(COMPETENCY))
def test_every_query_runs_and_answers(name, ask):
    assert ask(name), f"{name} returned no rows"


def test_fact_sheet(ask):
    rows = ask("iscm-fact-sheet")
    assert len(rows) == 30
    budapest = ask("iscm-fact-sheet", iscm=MECH + "budapest")[0]
    row = next(r for r in annex2() if r["name"] == "Budapest Process")
    assert (budapest["year"], int(budapest["declared"]), budapest["chair"]) == ("1993", row["count"], row["chair"])
    eap = ask("iscm-fact-sheet", iscm=MECH + "eap-panel")[0]
    assert eap["note"] == "as the Söderköping Process"


def test_types(ask):
    expected = Counter(r["type"] for r in annex2())
    got = {r["type"]: int(r["count"]) for r in ask("iscms-by-type")}
    assert got == {"regional consultative process on migration": expected["RCP"],
                   "interregional forum on migration": expected["IRF"],
                   "global process on migration": expected["Global process"]}


def reference(iscm: str, role: str = "member") -> set[str]:
    with (DATA / "memberships.csv").open(encoding="utf-8", newline="") as handle:
        return {r["iso3"] for r in csv.DictReader(handle) if r["iscm"] == iscm and r["role"] == role and r["iso3"]}


def test_members_of_the_rcm(ask):
    rows = ask("iscm-members", iscm=MECH + "rcm")
    assert {r["iso3"] for r in rows if r["iso3"]} == reference("rcm")
    assert len(reference("rcm")) == next(r["count"] for r in annex2() if r["name"].endswith("(RCM)"))
    assert all(r["confidence"] for r in rows)  # read from each row's reference
    mexico = [r for r in rows if r["iso3"] == "MEX"]
    assert len(mexico) == 1 and mexico[0]["source"].startswith("http")


def test_chairs_once_each(ask):
    """Namibia co-chairs ACP-EU according to Annex 2 and the GRCP 8 agenda: one row, not one per source."""
    rows = ask("chairs", iscm=MECH + "acp-eu")
    co_chairs = [r["chairName"] for r in rows if r["role"] == "co-chair"]
    assert sorted(co_chairs) == ["Namibia", "Romania"]


def test_observers_named_in_the_report(ask):
    rows = ask("iscm-observers-and-partners", iscm=MECH + "bali")
    observers = {r["party"].rsplit("/", 1)[-1] for r in rows if r["role"] == "observer"}
    assert {"ESP", "CAN"} <= observers  # "Spain and Canada are observer States of the Bali Process"
    assert any("Spain and Canada are observer States of the Bali Process" in line for line in report_lines())


def test_state_iscms(ask):
    rows = ask("state-iscms", state=STATE + "EGY")
    roles = {r["iscm"].rsplit("/", 1)[-1]: r["roles"] for r in rows}
    assert "observer" in roles["mid-igad"]


def test_states_in_most_iscms(ask):
    """The report says Spain and Sweden are in nine ISCMs; the graph counts the reference list."""
    counts = Counter()
    with (DATA / "memberships.csv").open(encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            if r["role"] == "member" and r["iso3"]:
                counts[(r["iso3"], r["iscm"])] = 1
    per_state = Counter(iso for iso, _ in counts)
    rows = {r["state"].rsplit("/", 1)[-1]: int(r["iscms"]) for r in ask("states-in-most-iscms")}
    assert rows["ESP"] == per_state["ESP"] and rows["SWE"] == per_state["SWE"]
    assert max(rows.values()) == rows["ESP"]


def test_declared_and_listed(ask):
    rows = {r["iscm"].rsplit("/", 1)[-1]: r for r in ask("member-count-comparison")}
    assert len(rows) == 30
    assert {int(r["declared"]) for r in rows.values()} == {r["count"] for r in annex2()}
    assert int(rows["midcom"]["difference"]) == 2


def test_chairs(ask):
    rows = ask("chairs", iscm=MECH + "acp-eu")
    assert {(r["chairName"], r["role"]) for r in rows} == {("Romania", "co-chair"), ("Namibia", "co-chair")}


def test_secretariats(ask):
    icmpd = ask("secretariats", provider="https://w3id.org/iscm/id/organization/icmpd")[0]
    expected = {r["name"] for r in annex2() if "ICMPD" in r["secretariat"]}
    assert int(icmpd["count"]) >= len(expected) == 4


def test_iom_roles(ask):
    bali = ask("iom-roles", iscm=MECH + "bali")[0]
    assert "member" in bali["roles"] and "technical secretariat" in bali["roles"]


def test_by_region(ask):
    africa = {r["iscm"].rsplit("/", 1)[-1]: r["printed"] for r in ask("iscms-by-region", region="Africa")}
    expected = [r["name"] for r in annex2() if any(g.startswith("Africa") for g in r["regions"])]
    assert africa and len(africa) == len(expected)
    assert africa["pafom"] == "Africa (continent-wide)"  # printed so in Annex 2, found under Africa
    europe = {r["iscm"].rsplit("/", 1)[-1]: r["printed"] for r in ask("iscms-by-region", region="Europe")}
    assert europe["budapest"] == "Europe/Eurasia"
    assert len(europe) == len([r for r in annex2() if any(g in ("Europe", "Europe/Eurasia") for g in r["regions"])])


def test_by_theme_and_counts(ask):
    header, rows = annex10()
    ticks = [header[i] for i, v in enumerate(rows["Labour migration"]) if v == TICK]
    got = ask("iscms-by-theme", theme="Labour migration")
    assert len(got) == len(ticks)
    counts = {r["theme"]: int(r["ticked"]) for r in ask("theme-counts")}
    assert counts["Labour migration"] == len(ticks)
    assert counts["Migration and security"] == 0


def test_themes_of_colombo(ask):
    header, rows = annex10()
    col = header.index("Colombo Process")
    expected = {t for t, v in rows.items() if len(v) == len(header) and v[col] == TICK}
    assert {r["theme"] for r in ask("iscm-themes", iscm=MECH + "colombo")} == expected


def test_annex10_anomalies(ask):
    kinds = Counter(r["kind"] for r in ask("annex10-anomalies"))
    assert kinds["cell beyond the last column"] == 1 and kinds["recorded discrepancy"] >= 4


def test_cooperation_rcm_sacm(ask):
    rows = ask("cooperation-between-iscms", iscm=MECH + "rcm")
    line = next(i for i, t in enumerate(report_lines(), 1) if "The RCM and SACM hold regular bi-regional meetings" in t)
    assert any("South American Conference" in r["parties"] and int(r["line"]) == line for r in rows)


def test_overlaps(ask):
    pairs = {frozenset(p.rsplit("/", 1)[-1] for p in r["parties"].split()) for r in ask("geographic-overlaps")}
    assert {frozenset({"prague", "eap-panel"}), frozenset({"au-hoai", "mid-igad"})} <= pairs


def test_shared_members(ask):
    rows = ask("shared-members", iscm=MECH + "budapest")
    prague = next(r for r in rows if r["other"].endswith("/prague"))
    assert int(prague["shared"]) == len(reference("budapest") & reference("prague"))


def test_established_before(ask):
    rows = ask("established-before", year="2000")
    expected = {r["name"] for r in annex2() if int(r["established"][:4]) < 2000}
    assert len(rows) == len(expected)


def test_structures(ask):
    kinds = {r["kind"] for r in ask("structures", iscm=MECH + "rabat")}
    assert "steering-committee" in kinds


def test_igc_fee(ask):
    rows = ask("funding", iscm=MECH + "igc")
    fee = [r for r in rows if r["amount"]]
    assert fee and float(fee[0]["amount"]) == 120000 and fee[0]["currency"] == "CHF"


def test_contributions(ask):
    rows = ask("contributions-by-level", level="national")
    assert any(r["iscmName"] and r["iscmName"].startswith("Almaty") for r in rows)


def test_survey_respondents(ask):
    counts = {r["list"].split(": ")[1]: int(r["entries"]) for r in ask("survey-respondents")}
    assert counts["States"] == 46 and counts["Organizations"] == 3
    assert counts["Regional consultative processes on migration"] + counts["Interregional forums on migration"] \
        + counts["Global processes on migration"] == 30


def test_survey_and_grcp8(ask):
    rows = {r["iscm"].rsplit("/", 1)[-1]: r for r in ask("survey-and-grcp8")}
    assert (rows["arcp"]["annex7Survey"], rows["arcp"]["grcp8"]) == ("true", "false")
    assert (rows["5plus5"]["annex7Survey"], rows["5plus5"]["grcp8"]) == ("false", "true")


def test_discrepancies(ask):
    assert len(ask("discrepancies")) >= 40


def test_find_by_name(ask):
    assert {r["entity"] for r in ask("find-by-name", name="Puebla Process")} == {MECH + "rcm"}
    assert MECH + "mid-igad" in {r["entity"] for r in ask("find-by-name", name="MID-IGAD")}


def test_organizations_by_kind(ask):
    iom = next(r for r in ask("organizations-by-kind") if r["organization"].endswith("/iom"))
    assert int(iom["iscms"]) >= 25


def test_summary(ask):
    rows = ask("iscm-summary", iscm=MECH + "igc")
    assert [int(r["number"]) for r in rows] == [0, 1, 2, 3, 4, 5]
    assert "CHF 120,000" in next(r["text"] for r in rows if r["number"] == "3")


def test_m49(ask):
    rows = ask("members-by-m49-region", iscm=MECH + "5plus5")
    assert sum(int(r["members"]) for r in rows) == 10


def test_other_mechanisms(ask):
    names = {r["mechanism"].rsplit("/", 1)[-1]: r for r in ask("other-mechanisms")}
    assert {"apc", "cis-conference", "idm", "grcp"} <= set(names)
    assert names["apc"]["status"] == "dormant"


def test_statements(ask):
    rows = ask("statements-about", about=STATE + "ESP")
    assert rows


def test_query_files_are_utf8(tmp_path: Path):
    for path in QUERIES.glob("*.rq"):
        path.read_text(encoding="utf-8")


def test_states_bridging_two_regions(ask):
    """(e) of the site issue: the States in an ISCM covering the Americas and in another covering Africa, counted
    from the regions query and each State's memberships."""
    covering = {region: {r["iscm"] for r in ask("iscms-by-region", region=region)} for region in ("Americas", "Africa")}
    member_of: dict[str, set[str]] = {}
    for row in ask("state-iscms"):
        if "member" in row["roles"].split(", "):
            member_of.setdefault(row["state"], set()).add(row["iscm"])
    expected = {state: (len(iscms & covering["Americas"]), len(iscms & covering["Africa"]))
                for state, iscms in member_of.items()
                if any(a != b for a in iscms & covering["Americas"] for b in iscms & covering["Africa"])}
    rows = ask("states-bridging-regions", region="Americas", other="Africa")
    assert {r["state"]: (int(r["iscmsInRegion"]), int(r["iscmsInOther"])) for r in rows} == expected
    assert rows[0]["state"] == STATE + "ESP" and "Rabat Process" in rows[0]["inOther"]


def test_the_figures_a_question_states_are_its_answer(ask):
    """Numbers agree: the counts the description of states-in-most-iscms gives are what it answers."""

    stated = re.findall(r"(Spain|Portugal|Sweden|Morocco) (\d+)", COMPETENCY["states-in-most-iscms"].description)
    assert len(stated) == 4
    answered = {r["name"]: r["iscms"] for r in ask("states-in-most-iscms")}
    assert {name: answered[name] for name, _ in stated} == dict(stated)
