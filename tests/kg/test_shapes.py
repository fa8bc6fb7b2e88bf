"""Every SHACL node shape of shapes/iscm-shapes.ttl has a valid fixture and an invalid one (per severity it declares).

The valid fixture conforms outright (no result from any shape, so it shows what good data looks like); the invalid
one is the valid fixture with exactly one defect, and only the shape under test reports it, with the severity the
shape declares. Validation calls pySHACL with the build's options (iscm_kg/validate.py). A node shape without
fixtures, or a severity without an invalid fixture, fails test_every_shape_has_fixtures.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pytest
from pyshacl import validate
from rdflib import BNode, Graph, URIRef

from iscm_kg.namespaces import RDF, SH
from iscm_kg.paths import SHAPES
from iscm_kg.rdf_files import parse_turtle, turtle_files

SHP = "https://w3id.org/iscm/shapes#"

PREFIXES = """\
@prefix iscm: <https://w3id.org/iscm/ontology#> .
@prefix org:  <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dct:  <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix wd:   <http://www.wikidata.org/entity/> .
@prefix role: <https://w3id.org/iscm/id/role/> .
@prefix ex:   <https://example.org/> .
"""

# Shared pieces: whatever a fixture types needs its own English label (EnglishLabelShape), and every
# skos:Concept a short label (ShortLabelShape), so the valid fixtures conform as a whole. The build validates
# the data with the ontology in it: sh:class iscm:MigrationDialogue needs the subclass triple of ontology/iscm.ttl.
MECHANISM = 'ex:mech a iscm:ISCM ; skos:prefLabel "Example Process"@en .\n'
ISCM_IS_A_DIALOGUE = "iscm:ISCM rdfs:subClassOf iscm:MigrationDialogue .\n"
SOURCE = """\
ex:ref a iscm:Reference ; rdfs:label "Reference to the report, line 12"@en ; prov:entity ex:line .
ex:line a iscm:SourceLocator ; rdfs:label "Report, line 12"@en ; dct:isPartOf ex:report ; iscm:line 12 .
ex:report a iscm:SourceDocument ; rdfs:label "Example report"@en .
"""
RANK = 'ex:full a skos:Concept ; skos:prefLabel "full member"@en ; iscm:shortLabel "full member" .\n'
AMERICAS = 'ex:americas a skos:Concept ; skos:prefLabel "Americas"@en ; iscm:shortLabel "Americas" .\n'
ECUADOR = """\
ex:ecu a iscm:State ; skos:prefLabel "Ecuador"@en ; skos:exactMatch wd:Q736 ; iscm:m49Region ex:americas ;
    iscm:iso3166Alpha3 "ECU" ; iscm:iso3166Alpha2 "EC" ; iscm:iso3166Numeric "218" .
"""


@dataclass(frozen=True)
class Case:
    valid: str
    # severity (local name in sh:) -> (text of the valid fixture, its replacement): the one defect
    defects: dict[str, tuple[str, str]]

    def invalid(self, severity: str) -> str:
        old, new = self.defects[severity]
        assert self.valid.count(old) == 1, f"the defect must edit one place: {old!r}"
        return self.valid.replace(old, new)


CASES: dict[str, Case] = {
    "MechanismShape": Case(
        'ex:mech a iscm:RegionalConsultativeProcess ; skos:prefLabel "Example Process"@en ;\n'
        '    iscm:yearEstablished "2001"^^xsd:gYear .\n',
        {"Violation": ('skos:prefLabel "Example Process"@en', 'skos:prefLabel "Example Process"@en, "Other"@en')},
    ),
    "Annex2Shape": Case(
        """\
ex:mech a iscm:ISCM ; skos:prefLabel "Example Process"@en ; iscm:annex2Number 3 ;
    iscm:declaredMemberCount 2 ; iscm:listedMemberCount 2 ; iscm:yearEstablished "2001"^^xsd:gYear ;
    iscm:chairText "Ecuador" ; iscm:secretariatText "IOM" ; iscm:regionsText "Americas" ;
    iscm:associatedOrganizationsText "UNHCR" ; iscm:iomRoleText "Secretariat" ; iscm:coversRegion ex:americas .
"""
        + AMERICAS,
        {"Violation": ("iscm:declaredMemberCount 2 ; iscm:listedMemberCount 2 ;", "")},
    ),
    "CountryShape": Case(
        ECUADOR + AMERICAS,
        {
            "Violation": ('iscm:iso3166Alpha3 "ECU"', 'iscm:iso3166Alpha3 "Ecu"'),
            "Info": ("iscm:m49Region ex:americas ;", ""),
        },
    ),
    "IsoCodedCountryShape": Case(
        ECUADOR
        + AMERICAS
        # the exception: a State marked as having no ISO code needs none
        + 'ex:sahrawi a iscm:State ; skos:prefLabel "Sahrawi Arab Democratic Republic"@en ;\n'
        "    skos:exactMatch wd:Q40362 ; iscm:m49Region ex:africa ; iscm:withoutIsoCode true .\n"
        'ex:africa a skos:Concept ; skos:prefLabel "Africa"@en ; iscm:shortLabel "Africa" .\n',
        {"Violation": (' ; iscm:iso3166Numeric "218"', "")},
    ),
    "OrganizationShape": Case(
        'ex:iom a iscm:Organization ; skos:prefLabel "International Organization for Migration"@en ;\n'
        "    org:classification ex:igo .\n"
        'ex:igo a skos:Concept ; skos:prefLabel "intergovernmental organization"@en ; iscm:shortLabel "IGO" .\n',
        {"Violation": (" ;\n    org:classification ex:igo", "")},
    ),
    "OneAcronymShape": Case(
        'ex:mech a iscm:MigrationDialogue ; skos:prefLabel "Example Process"@en ; iscm:acronym "EP" ;\n'
        '    skos:hiddenLabel "E.P." .\n',
        {"Violation": ('iscm:acronym "EP"', 'iscm:acronym "EP", "E.P."')},
    ),
    "ShortLabelShape": Case(
        'ex:labour a skos:Concept ; skos:prefLabel "Labour migration"@en ; iscm:shortLabel "Labour migration" .\n',
        {"Violation": ('iscm:shortLabel "Labour migration"', 'iscm:shortLabel "Labour migration and human mobility"')},
    ),
    "MembershipShape": Case(
        """\
ex:membership a org:Membership ; rdfs:label "Ecuador, member of the Example Process"@en ;
    org:member ex:ecu ; org:organization ex:mech ; org:role role:member ; iscm:rank ex:full ;
    prov:wasDerivedFrom ex:report ; prov:qualifiedDerivation ex:ref .
role:member a org:Role ; rdfs:label "member"@en .
"""
        + MECHANISM
        + ISCM_IS_A_DIALOGUE
        + RANK
        + SOURCE,
        {"Violation": (" ; prov:qualifiedDerivation ex:ref", "")},
    ),
    "ReferenceShape": Case(
        SOURCE.replace("prov:entity ex:line", 'prov:entity ex:line ; iscm:asOf "2019"^^xsd:gYear'),
        {"Violation": ('iscm:asOf "2019"^^xsd:gYear', 'iscm:asOf "2019"')},
    ),
    "MatrixCellShape": Case(
        """\
ex:cell a iscm:ThemeMatrixCell ; rdfs:label "Example Process, labour migration"@en ;
    iscm:cellTheme ex:labour ; iscm:cellValue "✓" ; iscm:cellColumn 4 ; iscm:cellMechanism ex:mech ;
    prov:wasDerivedFrom ex:report .
ex:labour a skos:Concept ; skos:prefLabel "Labour migration"@en ; iscm:shortLabel "Labour migration" .
"""
        + MECHANISM,
        {"Violation": ('iscm:cellValue "✓"', 'iscm:cellValue "x"')},
    ),
    "NodeWithSourceShape": Case(
        'ex:statement a iscm:Statement ; rdfs:label "A statement of the report"@en ; prov:wasDerivedFrom ex:line .\n',
        {"Violation": (" ; prov:wasDerivedFrom ex:line", "")},
    ),
    "CooperationShape": Case(
        """\
ex:cooperation a iscm:Cooperation ; rdfs:label "Joint meeting"@en ; prov:wasDerivedFrom ex:report ;
    iscm:cooperationParty ex:mech ; iscm:cooperationKind ex:joint-meeting .
ex:joint-meeting a skos:Concept ; skos:prefLabel "joint meeting"@en ; iscm:shortLabel "joint meeting" .
"""
        + MECHANISM
        + ISCM_IS_A_DIALOGUE,
        {"Violation": (" ; iscm:cooperationKind ex:joint-meeting", "")},
    ),
    "OverlapShape": Case(
        """\
ex:overlap a iscm:GeographicOverlap ; rdfs:label "Overlap of two processes"@en ; prov:wasDerivedFrom ex:report ;
    iscm:overlapParty ex:mech, ex:other .
ex:other a iscm:ISCM ; skos:prefLabel "Other Process"@en .
"""
        + MECHANISM
        + ISCM_IS_A_DIALOGUE,
        {"Violation": ("iscm:overlapParty ex:mech, ex:other", "iscm:overlapParty ex:mech")},
    ),
    "FundingShape": Case(
        'ex:funding a iscm:FundingArrangement ; rdfs:label "Funding of the Example Process"@en ;\n'
        '    prov:wasDerivedFrom ex:report ; iscm:amount 25000.00 ; iscm:currency "USD" .\n',
        {"Violation": ("iscm:amount 25000.00", "iscm:amount 0.00")},
    ),
    "LocatorShape": Case(
        SOURCE,
        {"Violation": ("iscm:line 12", "iscm:line 0")},
    ),
    "FactGraphShape": Case(
        '<https://w3id.org/iscm/graph/mechanisms/ep> a iscm:FactGraph ; rdfs:label "Facts of one row"@en ;\n'
        '    prov:wasDerivedFrom ex:report ; iscm:dataFile "data/mechanisms.csv:7" .\n',
        {"Violation": ("prov:wasDerivedFrom ex:report ; ", "")},
    ),
    "OneRowGraphShape": Case(
        """\
<https://w3id.org/iscm/graph/mechanisms/ep> a iscm:FactGraph ; rdfs:label "Facts of one row"@en ;
    prov:wasDerivedFrom ex:report ; iscm:dataFile "data/mechanisms.csv:7" .
<https://w3id.org/iscm/graph/statements/s1> a iscm:FactGraph ; rdfs:label "A statement and its rows"@en ;
    prov:wasDerivedFrom ex:report ; iscm:dataFile "data/statements.csv:2", "data/statements.csv:3" .
""",
        {"Violation": ('"data/mechanisms.csv:7"', '"data/mechanisms.csv:7", "data/mechanisms.csv:8"')},
    ),
    "EnglishLabelShape": Case(
        'ex:report a iscm:SourceDocument ; rdfs:label "Example report"@en .\n'
        'ex:survey a iscm:SourceDocument ; skos:prefLabel "Example survey"@en .\n',
        {"Violation": ('skos:prefLabel "Example survey"@en', 'skos:prefLabel "Example survey"@fr')},
    ),
    "ChairIsMemberShape": Case(
        """\
ex:chair a org:Membership ; rdfs:label "Ecuador, chair of the Example Process"@en ;
    org:member ex:ecu ; org:organization ex:mech ; org:role role:chair ; iscm:rank ex:full ;
    prov:wasDerivedFrom ex:report ; prov:qualifiedDerivation ex:ref .
role:chair a org:Role ; rdfs:label "chair"@en .
ex:ecu iscm:memberOf ex:mech .
"""
        + MECHANISM
        + ISCM_IS_A_DIALOGUE
        + RANK
        + SOURCE,
        {"Violation": ("ex:ecu iscm:memberOf ex:mech .\n", "")},
    ),
    "MemberCountShape": Case(
        MECHANISM.replace(" .", " ; iscm:declaredMemberCount 2 ; iscm:listedMemberCount 2 .")
        # the exception: a difference recorded as a discrepancy
        + 'ex:other a iscm:ISCM ; skos:prefLabel "Other Process"@en ; iscm:declaredMemberCount 5 ;\n'
        "    iscm:listedMemberCount 4 .\n"
        'ex:discrepancy a iscm:Discrepancy ; rdfs:label "Five or four members"@en ; iscm:about ex:other ;\n'
        "    prov:wasDerivedFrom ex:report .\n",
        {"Violation": ("iscm:listedMemberCount 2", "iscm:listedMemberCount 3")},
    ),
    "YearRangeShape": Case(
        MECHANISM.replace(" .", ' ; iscm:yearEstablished "2001"^^xsd:gYear .'),
        {"Violation": ('"2001"^^xsd:gYear', '"1901"^^xsd:gYear')},
    ),
}

# Shape parameters that are not constraints of the node shape itself (its own severity applies only otherwise).
NOT_CONSTRAINTS = {SH[n] for n in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target",
                                   "property", "severity", "message", "name", "description", "deactivated")}


@cache
def shapes_graph() -> Graph:
    return parse_turtle(turtle_files(SHAPES))


def node_shapes() -> set[str]:
    return {str(s).removeprefix(SHP) for s in shapes_graph().subjects(RDF.type, SH.NodeShape)}


def declared_severities(shape: URIRef) -> set[str]:
    """The severities a node shape can report: each property shape's and, if it has constraints of its own, its own."""
    shapes = shapes_graph()

    def severity(node: URIRef | BNode) -> str:
        return str(shapes.value(node, SH.severity) or SH.Violation).removeprefix(str(SH))

    found = {severity(p) for p in shapes.objects(shape, SH.property)}
    if any(p.startswith(str(SH)) and p not in NOT_CONSTRAINTS for p in shapes.predicates(shape, None)):
        found.add(severity(shape))
    return found


def results(fixture: str) -> tuple[list[tuple[str, str]], str]:
    """(node shape, severity) of each result, a property shape's result counted for the node shape holding it; and
    pySHACL's report text, to show on failure."""
    data = Graph().parse(data=PREFIXES + fixture, format="turtle")
    # The build's options (iscm_kg/validate.py), on a plain graph.
    _conforms, report, text = validate(data, shacl_graph=shapes_graph(), ont_graph=None, inference="none",
                                        advanced=True, allow_warnings=True, allow_infos=True)
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        source = report.value(result, SH.sourceShape)
        owner = shapes_graph().value(None, SH.property, source) or source
        found.append((str(owner).removeprefix(SHP), str(report.value(result, SH.resultSeverity)).removeprefix(str(SH))))
    return sorted(found), text


def test_every_shape_has_fixtures() -> None:
    assert set(CASES) == node_shapes(), (
        f"shapes without fixtures: {sorted(node_shapes() - set(CASES))}; "
        f"fixtures of no shape: {sorted(set(CASES) - node_shapes())}"
    )
    for name, case in CASES.items():
        assert set(case.defects) == declared_severities(URIRef(SHP + name)), f"{name}: one defect per severity"


@pytest.mark.parametrize("shape", sorted(CASES))
def test_valid_fixture_conforms(shape: str) -> None:
    found, text = results(CASES[shape].valid)
    assert found == [], text


@pytest.mark.parametrize("shape, severity", [(s, v) for s in sorted(CASES) for v in sorted(CASES[s].defects)])
def test_invalid_fixture_is_caught_by_its_shape(shape: str, severity: str) -> None:
    found, text = results(CASES[shape].invalid(severity))
    assert found == [(shape, severity)], text
