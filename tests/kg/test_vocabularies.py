"""Names and vocabularies: one acronym per mechanism (other spellings hidden, with their source), a short label on
every class and concept, and each meeting of the GRCP series a node of its own."""

from __future__ import annotations

from .seed import report_lines


def test_one_acronym_per_mechanism_variants_hidden(sparql):
    many = sparql("""SELECT ?m (COUNT(?a) AS ?n) WHERE { ?m iscm:acronym ?a } GROUP BY ?m HAVING (COUNT(?a) > 1)""")
    assert many == []
    found = {r["m"].rsplit("/", 1)[-1]: (r["a"], r["hidden"]) for r in sparql(
        """SELECT ?m ?a (GROUP_CONCAT(?h; separator="|") AS ?hidden) WHERE {
             VALUES ?m { mech:au-hoai mech:mid-igad mech:pafom } ?m iscm:acronym ?a ; skos:hiddenLabel ?h }
           GROUP BY ?m ?a""")}
    # the report's list of acronyms is the canonical spelling; Annex 2's and section 5.3's are hidden labels
    assert found["au-hoai"][0] == "AU-HoAI" and "AU–HoAI" in found["au-hoai"][1].split("|")
    assert found["mid-igad"][0] == "MiD-IGAD" and "MID-IGAD" in found["mid-igad"][1].split("|")
    assert found["pafom"][0] == "PAFOM" and "PaFOM" in found["pafom"][1].split("|")
    lines = report_lines()
    assert "AU-HoAI" in lines[140 - 1] and "AU–HoAI" in lines[1532 - 1]
    assert "MiD-IGAD" in lines[169 - 1] and "MID-IGAD" in lines[1552 - 1]
    assert "PAFOM" in lines[174 - 1] and "PaFOM" in lines[1345 - 1]


def test_every_class_and_concept_has_one_short_label(sparql):
    missing = sparql("""SELECT ?x WHERE { { ?x a <http://www.w3.org/2002/07/owl#Class> } UNION { ?x a skos:Concept }
                          FILTER NOT EXISTS { ?x iscm:shortLabel ?s FILTER (STRLEN(?s) <= 32) } }""")
    assert missing == []
    many = sparql("""SELECT ?x WHERE { ?x iscm:shortLabel ?s } GROUP BY ?x HAVING (COUNT(?s) > 1)""")
    assert many == []
    # within a scheme, a short label names one concept and is no other concept's label
    clashes = sparql("""SELECT ?a ?b ?s WHERE { ?a skos:inScheme ?scheme ; iscm:shortLabel ?s .
                          ?b skos:inScheme ?scheme ; iscm:shortLabel|skos:prefLabel ?t FILTER (?a != ?b && STR(?s) = STR(?t)) }""")
    assert clashes == []
    theme = sparql("""SELECT ?s WHERE { <https://w3id.org/iscm/id/theme/institutional-strengthening-and-capacity-and-"""
                   """capability-development> iscm:shortLabel ?s }""")
    assert theme == [{"s": "Institutional strengthening"}]


def test_every_iscm_type_has_a_label_and_a_short_label(sparql):
    types = sparql("""SELECT ?c ?label ?short WHERE { ?c rdfs:subClassOf iscm:ISCM ; rdfs:label ?label ;
                        iscm:shortLabel ?short }""")
    assert {r["short"] for r in types} == {"RCP", "IRF", "Global process"}
    grouped = sparql("""SELECT ?short (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a ?c ; iscm:annex2Number ?no .
                          ?c rdfs:subClassOf iscm:ISCM ; iscm:shortLabel ?short } GROUP BY ?short""")
    assert sum(int(r["n"]) for r in grouped) == 30  # the GFMD is grouped too
    assert "Global process" in {r["short"] for r in grouped}


def test_each_grcp_meeting_is_an_event_of_the_series(sparql):
    meetings = sparql("""SELECT ?e ?label ?date WHERE { ?e a iscm:Event ; dct:isPartOf mech:grcp ; rdfs:label ?label
                           OPTIONAL { ?e dct:date ?date } }""")
    by_key = {r["e"].rsplit("/", 1)[-1]: r for r in meetings}
    assert set(by_key) == {"grcp-4", "grcp-5", "grcp-6", "grcp-7", "grcp-8"}
    assert by_key["grcp-8"]["date"] == "2019-04-05" and by_key["grcp-7"]["date"] == "2017-10-11"
    assert by_key["grcp-6"]["date"] == "2016" and by_key["grcp-4"]["date"] == "2013"
    lines = report_lines()
    assert "GCRP 4 in 2013" in lines[626 - 1] and "GRCP 6 in 2016" in lines[626 - 1]
    assert "Geneva, 11 October 2017" in lines[644 - 1]
    # names of single meetings are on the meetings, not on the series
    series_names = sparql("""SELECT ?n WHERE { mech:grcp skos:altLabel|iscm:acronym|skos:hiddenLabel ?n }""")
    assert not [r["n"] for r in series_names if any(x in r["n"] for x in ("Eighth", "Seventh", "GRCP 8", "GCRP 4"))]
    eighth = sparql("""SELECT ?n WHERE { <https://w3id.org/iscm/id/event/grcp-8> skos:altLabel|iscm:acronym ?n }""")
    assert {"GRCP 8", "Eighth Global Meeting of ISCMs"} <= {r["n"] for r in eighth}
    about = sparql("""SELECT (COUNT(?s) AS ?n) WHERE { ?s iscm:about <https://w3id.org/iscm/id/event/grcp-7> }""")
    assert int(about[0]["n"]) >= 5


def test_sadr_is_a_state_of_its_own(sparql):
    """The SADR (an AU member, so a PaFOM member) is not ISO ESH, the territory of Western Sahara."""
    found = sparql("""SELECT ?s ?label ?wd ?iso WHERE { ?s iscm:memberOf mech:pafom ; skos:prefLabel ?label ;
                        skos:exactMatch ?wd OPTIONAL { ?s iscm:iso3166Alpha3 ?iso }
                        FILTER (CONTAINS(?label, "Sahrawi")) }""")
    assert len(found) == 1
    sadr = found[0]
    assert sadr["s"].endswith("/state/SADR") and sadr["iso"] is None
    assert sadr["wd"] == "http://www.wikidata.org/entity/Q40362"
    assert sparql("SELECT ?t WHERE { state:SADR a ?t }") == [{"t": "https://w3id.org/iscm/ontology#State"}]
    esh = sparql("SELECT ?p ?o WHERE { state:ESH ?p ?o }")
    assert esh == [], "Western Sahara (the territory) is nobody's member here"


def test_regions_roll_up_and_match_un_m49(sparql):
    broader = {(r["r"].rsplit("/", 1)[-1], r["b"].rsplit("/", 1)[-1]) for r in sparql(
        """SELECT ?r ?b WHERE { ?r skos:broader ?b ; skos:inScheme <https://w3id.org/iscm/id/region/> }""")}
    assert {("africa-continent-wide", "africa"), ("europe-eurasia", "europe"), ("europe-eurasia", "eurasia"),
            ("asia-and-the-middle-east", "middle-east")} <= broader
    close = {r["label"]: r["m49"] for r in sparql(
        """SELECT ?label ?m49 WHERE { ?r skos:inScheme <https://w3id.org/iscm/id/region/> ; skos:prefLabel ?label ;
                                      skos:closeMatch/skos:prefLabel ?m49 }""")}
    assert close["Africa"] == "Africa" and close["Europe"] == "Europe" and close["Americas"] == "Americas"
    pafom = sparql("""SELECT ?r WHERE { mech:pafom iscm:coversRegion/skos:broader* ?r }""")
    assert "https://w3id.org/iscm/id/region/africa" in {r["r"] for r in pafom}


def test_survey_entries_are_counted_per_printed_list(sparql):
    """The survey's event has lists of two annexes (Annex 6: entities that contributed; Annex 7: ISCMs in the
    survey): each list is a node, and counts per list match the seed."""
    lists = {r["label"]: (r["annex"], int(r["n"])) for r in sparql(
        """SELECT ?label ?annex (COUNT(?p) AS ?n) WHERE { ?l a iscm:ParticipantList ; rdfs:label ?label ;
             iscm:annex ?annex ; iscm:listOfEvent <https://w3id.org/iscm/id/event/iscm-assessment-survey-2019> .
             ?p iscm:inList ?l } GROUP BY ?label ?annex""")}
    assert lists["Annex 7: ISCMs in the 2019 Assessment Survey"] == ("Annex 7", 22)
    assert lists["Annex 6: States"] == ("Annex 6", 46)
    annex6_iscms = sum(n for label, (annex, n) in lists.items() if annex == "Annex 6" and "States" not in label
                       and "Organizations" not in label)
    assert annex6_iscms == 30
    lines = report_lines()
    assert lines[1855 - 1].startswith("# ANNEX 6") and lines[1932 - 1].startswith("# ANNEX 7")


def test_names_as_printed_are_kept_with_their_line(sparql):
    """Türkiye is the preferred name (UN OCHA taxonomy); Annex 6 prints "Turkey": kept as a name, sourced."""
    found = sparql("""SELECT ?pref ?line WHERE { state:TUR skos:prefLabel ?pref .
                        GRAPH ?g { state:TUR skos:altLabel "Turkey"@en } ?g prov:wasDerivedFrom/iscm:line ?line }""")
    assert {r["pref"] for r in found} == {"Türkiye"}
    lines = report_lines()
    assert any("45. Turkey" in lines[int(r["line"]) - 1] for r in found)
    # every State name printed in Annex 6 is a name of its State
    printed = sparql("""SELECT ?s ?as WHERE { ?p iscm:participant ?s ; iscm:listedAs ?as ; iscm:inList ?l .
                          ?l rdfs:label "Annex 6: States"@en }""")
    names = sparql("""SELECT ?s ?n WHERE { ?s a iscm:State ; skos:prefLabel|skos:altLabel ?n }""")
    known = {(r["s"], r["n"]) for r in names}
    assert len(printed) == 46 and all((r["s"], r["as"]) in known for r in printed)


def test_annex2_iscms_form_a_collection(sparql):
    members = sparql("""SELECT ?m WHERE { <https://w3id.org/iscm/id/collection/annex2> a skos:Collection ;
                          skos:member ?m }""")
    numbered = sparql("SELECT ?m WHERE { ?m iscm:annex2Number ?n }")
    assert len(members) == 30 and {r["m"] for r in members} == {r["m"] for r in numbered}
    assert "Name (and acronym) of ISCM" in report_lines()[1530 - 1]
