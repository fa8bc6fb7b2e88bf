"""One statement per fact, one reference per source (the Wikidata pattern): plain queries count facts, not
sources; each reference says where its source states the fact, checked against the seed texts."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "data"
REPORT = DATA / "sources" / "002_7939c0f69ec3242d.txt"
# Annex 2's columns that name parties, by their position in a tab-separated row of the report's text copy
ANNEX2_POSITIONS = {"regions": 5, "associated": 6, "chair": 7, "secretariat": 8, "iom-role": 9}


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_no_fact_has_two_statements(sparql):
    found = sparql("""SELECT ?party ?iscm ?role (COUNT(DISTINCT ?m) AS ?n) WHERE {
                        ?m a org:Membership ; org:member ?party ; org:organization ?iscm ; org:role ?role }
                      GROUP BY ?party ?iscm ?role HAVING (COUNT(DISTINCT ?m) > 1)""")
    assert found == []


def test_every_source_row_is_one_reference(sparql):
    """960 rows of the reference list and every row of roles.csv: one reference each, on one statement."""
    counts = sparql("""SELECT ?doc (COUNT(DISTINCT ?ref) AS ?refs) (COUNT(*) AS ?links) WHERE {
                         ?m a org:Membership ; prov:qualifiedDerivation ?ref . ?ref prov:entity/dct:isPartOf ?doc }
                       GROUP BY ?doc""")
    by_doc = {r["doc"].rsplit("/", 1)[-1]: (int(r["refs"]), int(r["links"])) for r in counts}
    assert by_doc.pop("memberships") == (960, 960)
    roles = Counter(r["source"] for r in rows("roles.csv"))
    assert {doc: refs for doc, (refs, _) in by_doc.items()} == dict(roles)
    assert all(refs == links for refs, links in by_doc.values())


def test_namibia_co_chairs_acp_eu_once_with_two_sources(sparql):
    found = sparql("""SELECT ?m ?line WHERE { ?m org:member state:NAM ; org:organization mech:acp-eu ;
                        org:role role:co-chair ; prov:qualifiedDerivation/prov:entity/iscm:line ?line }""")
    assert len({r["m"] for r in found}) == 1
    assert sorted(int(r["line"]) for r in found) == [1533, 2025]
    lines = REPORT.read_text(encoding="utf-8").splitlines()
    assert "Namibia" in lines[1533 - 1] and "Namibia" in lines[2025 - 1]
    plain = sparql("""SELECT (COUNT(*) AS ?n) WHERE { ?m org:organization mech:acp-eu ; org:role role:co-chair }""")
    assert plain[0]["n"] == "2"  # Romania and Namibia, each once


def test_references_keep_their_own_year(sparql):
    """Tokelau in the PIDC: observer as of 2017 and member (undated page): two statements, each with its year."""
    found = sparql("""SELECT ?role ?asOf ?undated WHERE { ?m org:member state:TKL ; org:organization mech:pidc ;
                        org:role/skos:notation ?role ; prov:qualifiedDerivation ?ref .
                        OPTIONAL { ?ref iscm:asOf ?asOf } OPTIONAL { ?ref iscm:undated ?undated } }""")
    assert {(r["role"], r["asOf"], r["undated"]) for r in found} == {("observer", "2017", None),
                                                                      ("member", None, "true")}


def test_as_of_is_a_year_or_absent(sparql):
    bad = sparql("""SELECT ?x ?y WHERE { ?x iscm:asOf ?y
                      FILTER (datatype(?y) != <http://www.w3.org/2001/XMLSchema#gYear>) }""")
    assert bad == []
    undated = sparql("SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r iscm:undated true }")
    expected = sum(r["as_of"] == "undated" for r in rows("memberships.csv") + rows("roles.csv"))
    assert expected > 100 and int(undated[0]["n"]) == expected


def test_statement_as_of_is_the_latest_reference_year(sparql):
    wrong = sparql("""SELECT ?m WHERE { ?m a org:Membership ; iscm:asOf ?latest ; prov:qualifiedDerivation/iscm:asOf ?y
                        FILTER (STR(?y) > STR(?latest)) }""")
    assert wrong == []


def test_annex2_roles_name_their_column(sparql):
    """Every Annex 2 reference names its column, and the quoted words are in that cell of the printed row."""
    found = sparql("""SELECT ?ref ?column ?quote ?line ?iscm ?role WHERE {
                        ?m org:organization ?iscm ; org:role/skos:notation ?role ; prov:qualifiedDerivation ?ref .
                        ?ref prov:entity ?loc ; iscm:quote ?quote . ?loc iscm:section "Annex 2" ; iscm:line ?line .
                        OPTIONAL { ?ref iscm:annex2Column/skos:notation ?column } }""")
    assert len(found) == sum(r["section"] == "Annex 2" for r in rows("roles.csv"))
    lines = REPORT.read_text(encoding="utf-8").splitlines()
    for r in found:
        assert r["column"] in ANNEX2_POSITIONS, r
        cells = lines[int(r["line"]) - 1].split("\t")
        assert r["quote"] in cells[ANNEX2_POSITIONS[r["column"]]], r
    midsa = {(r["role"], r["column"]) for r in found
             if r["iscm"].endswith("/midsa") and r["ref"].split("/")[-3] == "org-iom"}
    assert ("secretariat", "secretariat") in midsa and ("observer", "iom-role") in midsa


def test_annex2_header_positions():
    header = REPORT.read_text(encoding="utf-8").splitlines()[1530 - 1].split("\t")
    assert [header[i] for i in ANNEX2_POSITIONS.values()] == [
        "Region(s) covered", "Associated regional or multi-stakeholder organization(s)", "Chair-in-office",
        "Secretariat(s)", "Role of IOM in the ISCM"]


def test_every_statement_has_a_rank(sparql):
    found = sparql("""SELECT (COUNT(DISTINCT ?m) AS ?all) (COUNT(DISTINCT ?ranked) AS ?n) WHERE {
                        ?m a org:Membership OPTIONAL { ?m iscm:rank ?r BIND (?m AS ?ranked) } }""")
    assert found[0]["all"] == found[0]["n"] and int(found[0]["n"]) > 1000


def test_member_count_conflicts_are_discrepancies(sparql):
    """Each ISCM whose Annex 2 count differs from the reference list has a Discrepancy citing its Annex 2 row."""
    mechanisms = {r["key"]: r for r in rows("mechanisms.csv")}
    listed = Counter(r["iscm"] for r in rows("memberships.csv")
                     if r["role"] == "member" and r["party_type"] in ("state", "territory"))
    expected = {key for key, r in mechanisms.items()
                if r["declared_member_count"] and int(r["declared_member_count"]) != listed[key]}
    assert {"midcom", "pidc", "acp-eu", "riam"} <= expected and len(expected) == 8
    found = sparql("""SELECT ?iscm ?text ?line WHERE { ?d a iscm:Discrepancy ; iscm:about ?iscm ;
                        dct:description ?text ; prov:wasDerivedFrom ?loc . ?loc iscm:section "Annex 2" ; iscm:line ?line
                        FILTER (STRSTARTS(STR(?d), "https://w3id.org/iscm/id/discrepancy/member-count-")) }""")
    assert {r["iscm"].rsplit("/", 1)[-1] for r in found} == expected
    lines = REPORT.read_text(encoding="utf-8").splitlines()
    for r in found:
        key = r["iscm"].rsplit("/", 1)[-1]
        declared = mechanisms[key]["declared_member_count"]
        assert f"declares {declared} member States" in r["text"]
        assert f"\t{declared}\t" in lines[int(r["line"]) - 1], "the declared count is on the cited Annex 2 row"
    midcom = next(r["text"] for r in found if r["iscm"].endswith("/midcom"))
    assert "declares 19" in midcom and "names 21" in midcom


def test_mixed_migration_footnote_is_a_discrepancy(sparql):
    found = sparql("""SELECT ?about ?line WHERE { <https://w3id.org/iscm/id/discrepancy/mixed-migration-annex10-vs-footnote-11>
                        iscm:about ?about ; prov:wasDerivedFrom/iscm:line ?line }""")
    assert {r["about"].rsplit("/", 1)[-1] for r in found} >= {"almaty", "arcp", "midwa", "rabat", "cis-conference"}
    assert {int(r["line"]) for r in found} == {2158, 2131, 328}
    lines = REPORT.read_text(encoding="utf-8").splitlines()
    assert "Almaty Process, ARCP, MIDWA and, especially, the now-dormant CIS Conference" in lines[328 - 1]
    assert lines[2158 - 1].startswith("Mixed migration")


def test_derived_memberships_name_their_list(sparql):
    """The 279 rows the reference list derives from another list (EU, AU, CELAC members, ...) say which, as data."""
    derived = [r for r in rows("memberships.csv") if r["source"].startswith("derived")]
    assert len(derived) == 279
    found = sparql("""SELECT ?ref ?basis ?rule WHERE { ?ref iscm:derivedFromList ?basis .
                        ?basis a iscm:MembershipBasis ; rdfs:label ?label ; iscm:rule ?rule }""")
    assert len(found) == 279
    by_basis = Counter(r["basis"].rsplit("/", 1)[-1] for r in found)
    assert by_basis["au-members-2019"] == 55 and by_basis["celac-33-mid-2019"] == 33


def test_rows_without_a_page_cite_the_line_that_states_them(sparql):
    """Reference-list rows with no web page point to the line of the report or summary that states them, and
    that line holds the quoted words."""
    no_page = [i for i, r in enumerate(rows("memberships.csv"), 2) if "http" not in r["source"]]
    assert len(no_page) == 18
    found = sparql("""SELECT ?row ?doc ?line WHERE { ?loc dct:isPartOf <https://w3id.org/iscm/id/document/memberships> ;
                        iscm:line ?row ; dct:source ?stated . ?stated iscm:line ?line ; dct:isPartOf ?doc }""")
    cited = {int(r["row"]): (r["doc"].rsplit("/", 1)[-1], int(r["line"])) for r in found}
    assert set(cited) == set(no_page)
    sources = {"report": REPORT, "summary-igc": DATA / "sources" / "004_4d639b28c8bfb93e.txt"}
    for row in rows("membership-source-lines.csv"):
        lines = sources[row["source"]].read_text(encoding="utf-8").splitlines()
        assert row["quote"] in lines[int(row["line"]) - 1]
        assert cited[int(row["row"])] == (row["source"], int(row["line"]))
    assert cited[544] == ("summary-igc", 33)  # Italy left the IGC


SUMMARY_IGC = DATA / "sources" / "004_4d639b28c8bfb93e.txt"
SUMMARY_RCM = DATA / "sources" / "003_a9ae808082891cad.txt"


def test_what_the_text_distinguishes_is_structured(sparql):
    """Regular vs occasional IGC participants, observers that became members: as data, not only in a note."""
    igc = SUMMARY_IGC.read_text(encoding="utf-8").splitlines()
    assert "participate on an occasional basis" in igc[37 - 1] and "regularly participating" in igc[37 - 1]
    frequency = {r["p"].rsplit("/", 1)[-1]: r["f"] for r in sparql(
        """SELECT ?p ?f WHERE { ?m org:organization mech:igc ; org:member ?p ;
             prov:qualifiedDerivation/iscm:participationFrequency/skos:notation ?f }""")}
    assert {p for p, f in frequency.items() if f == "regular"} == {"oecd", "ilo", "council-of-europe", "iata"}
    assert {p for p, f in frequency.items() if f == "occasional"} == {
        "icmpd", "world-bank", "unodc", "unicef", "interpol", "ioe"}
    assert "as was the case for New Zealand, Ireland and Greece" in igc[33 - 1]
    former = sparql("""SELECT ?p WHERE { ?m org:organization mech:igc ; org:member ?p ; org:role role:member ;
                         prov:qualifiedDerivation/iscm:formerRole role:observer }""")
    assert {r["p"].rsplit("/", 1)[-1] for r in former} == {"NZL", "IRL", "GRC"}


def test_readings_beyond_the_words_are_flagged_or_corrected(sparql):
    igc = SUMMARY_IGC.read_text(encoding="utf-8").splitlines()
    assert "participating in RCM activities" in igc[37 - 1]  # in the IGC summary: read as IGC, and flagged
    flagged = sparql("""SELECT ?p ?why WHERE { ?m org:organization mech:igc ; org:member ?p ;
                          prov:qualifiedDerivation ?ref . ?ref iscm:readsBeyondWords true ; iscm:interpretation ?why }""")
    assert {r["p"].rsplit("/", 1)[-1] for r in flagged} == {"oecd", "ilo", "council-of-europe", "iata"}
    assert all("RCM activities" in r["why"] for r in flagged)
    # MiD-IGAD: Annex 2 says the IGAD Secretariat works "in collaboration with" the AUC and IOM: not co-secretariats
    assert "IGAD Secretariat (in collaboration with the African Union Commission and IOM)" in \
        REPORT.read_text(encoding="utf-8").splitlines()[1552 - 1]
    roles = {(r["p"].rsplit("/", 1)[-1], r["r"]) for r in sparql(
        """SELECT ?p ?r WHERE { ?m org:organization mech:mid-igad ; org:member ?p ; org:role/skos:notation ?r .
             VALUES ?p { orgn:auc orgn:iom } }""")}
    assert ("auc", "secretariat-collaborator") in roles and ("iom", "secretariat-collaborator") in roles
    assert not {r for _, r in roles if r == "co-secretariat"}


def test_one_way_attendance_and_fund_year(sparql):
    rcm = SUMMARY_RCM.read_text(encoding="utf-8").splitlines()
    assert "OAS" in rcm[37 - 1]
    oas = sparql("""SELECT ?kind ?acting WHERE { <https://w3id.org/iscm/id/cooperation/rcm-oas-cmi>
                      iscm:cooperationKind/skos:notation ?kind ; iscm:actingParty ?acting }""")
    assert oas == [{"kind": "attends-meetings-of", "acting": "https://w3id.org/iscm/id/mechanism/rcm"}]
    mutual = sparql("""SELECT ?kind WHERE { <https://w3id.org/iscm/id/cooperation/bali-colombo-attend-meetings>
                         iscm:cooperationKind/skos:notation ?kind FILTER NOT EXISTS {
                         <https://w3id.org/iscm/id/cooperation/bali-colombo-attend-meetings> iscm:actingParty ?a } }""")
    assert mutual == [{"kind": "attend-meetings"}]
    assert "The fund was established in 2004" in REPORT.read_text(encoding="utf-8").splitlines()[924 - 1]
    fund = sparql("""SELECT ?y WHERE { mech:rcm iscm:hasStructure ?s . ?s iscm:yearEstablished ?y ;
                       iscm:structureKind/skos:notation "fund" }""")
    assert {r["y"] for r in fund} == {"2004"}


def test_texts_cite_the_line_they_come_from(sparql):
    """The RCM Technical Secretariat: what line 27 says on the structure, what line 17 says on a statement of its
    own; the survey described from the line that describes it."""
    rcm = SUMMARY_RCM.read_text(encoding="utf-8").splitlines()
    structure = sparql("""SELECT ?d ?line WHERE { <https://w3id.org/iscm/id/structure/rcm-technical-secretariat>
                            dct:description ?d ; prov:wasDerivedFrom/iscm:line ?line }""")
    assert [int(r["line"]) for r in structure] == [27] and "reminders" not in structure[0]["d"]
    assert "IOM provides technical cooperation and administrative support" in rcm[27 - 1]
    reminders = sparql("""SELECT ?line WHERE { <https://w3id.org/iscm/id/statement/rcm-technical-secretariat-reminders>
                            prov:wasDerivedFrom/iscm:line ?line }""")
    assert [int(r["line"]) for r in reminders] == [17]
    assert "The Technical Secretariat frequently sends reminders" in rcm[17 - 1]
    survey = sparql("""SELECT ?line WHERE { GRAPH ?g { <https://w3id.org/iscm/id/event/iscm-assessment-survey-2019>
                         a iscm:Event } ?g prov:wasDerivedFrom/iscm:line ?line }""")
    assert [int(r["line"]) for r in survey] == [204]
    assert REPORT.read_text(encoding="utf-8").splitlines()[204 - 1].startswith("The survey was conducted")


def test_relations_stated_in_general_terms_are_typed(sparql):
    """Line 1253's key partners (by region), line 1184's expertise, line 898's Bali RSO experts, line 664's GFMD
    side-event co-organizers and line 618's MMD Programme: partnership nodes, not only text."""
    found = sparql("""SELECT ?kind ?partner ?with ?region ?line WHERE { ?p a iscm:Partnership ;
                        iscm:partnershipKind/skos:notation ?kind ; iscm:partner ?partner ; prov:wasDerivedFrom/iscm:line ?line
                        OPTIONAL { ?p iscm:partnerOf ?with } OPTIONAL { ?p iscm:forRegion ?region } }""")
    short = lambda iri: iri.rsplit("/", 1)[-1] if iri else None  # noqa: E731
    by_kind = Counter(r["kind"] for r in found)
    assert by_kind == {"key-partner": 11, "provides-expertise": 5, "experts-in-structure": 2,
                       "co-organizes-event": 8, "programme-for": 2}
    europe = {short(r["partner"]) for r in found if short(r["region"]) == "europe"}
    assert europe == {"easo", "frontex", "osce", "council-of-europe"}
    assert {short(r["partner"]) for r in found if r["kind"] == "experts-in-structure"} == {"iom", "unhcr"}
    lines = REPORT.read_text(encoding="utf-8").splitlines()
    assert "have been identified as key partners participating in ISCM activities" in lines[1253 - 1]
    assert "frequently provide expertise to ISCMs" in lines[1184 - 1]
    assert "as well as IOM and UNHCR" in lines[898 - 1]
    assert all(int(r["line"]) in (1253, 1184, 898, 664, 618) for r in found)
