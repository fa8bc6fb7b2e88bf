"""How to cite a release: CITATION.cff (validated against the Citation File Format 1.2.0 schema), the DataCite
4.5 record (validated by the datacite package's schema), the schema.org Dataset, and the release archive."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import jsonschema
import pyoxigraph as ox
import pytest
import yaml
from datacite import schema45

from iscm_kg import citation
from iscm_kg.archive import write_archive
from iscm_kg.errors import DataError
from iscm_kg.paths import CITATION, DATA
from iscm_kg.release import ARCHIVED, DUMPS

CFF_SCHEMA = json.loads((Path(__file__).parents[1] / "schemas" / "citation-file-format" / "schema-1.2.0.json")
                        .read_text(encoding="utf-8"))
SCHEMA_ORG = "https://schema.org/"


def cff_errors(document: dict) -> list[str]:
    validator = jsonschema.Draft7Validator(CFF_SCHEMA, format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(document)]


def info(release: Path) -> dict:
    return json.loads((release / "build-info.json").read_text(encoding="utf-8"))


# --- CITATION.cff --------------------------------------------------------------------------------------------


def test_the_projects_citation_file_is_valid_cff() -> None:
    assert cff_errors(yaml.safe_load(CITATION.read_text(encoding="utf-8"))) == []


def test_the_schema_rejects_what_is_not_cff() -> None:
    """The validation can fail: a file without authors, or with a wrong version, is reported."""
    document = yaml.safe_load(CITATION.read_text(encoding="utf-8"))
    del document["authors"]
    document["cff-version"] = "9.9"
    errors = cff_errors(document)
    assert any("authors" in e for e in errors) and any(e.startswith("cff-version") for e in errors)


def test_the_release_citation_names_its_version_and_date(release: Path) -> None:
    cff = yaml.safe_load((release / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff_errors(cff) == []
    assert cff["version"] == info(release)["dataset_version"]
    assert str(cff["date-released"]) == info(release)["built_at"][:10]
    archive = f"https://w3id.org/iscm/download/iscm-kg-{cff['version']}.zip"
    assert archive in [identifier["value"] for identifier in cff["identifiers"]]


def test_the_cited_report_is_the_graphs_source_document(store: ox.Store) -> None:
    """CITATION.cff's reference to the IOM report says what the graph's document record says."""
    report = next(r for r in citation.read_citation()["references"] if r["type"] == "report")
    row = next(iter(store.query(
        "PREFIX dct: <http://purl.org/dc/terms/> SELECT ?title ?publisher ?issued ?id ?url WHERE { "
        "<https://w3id.org/iscm/id/document/report> dct:title ?title ; dct:publisher ?publisher ; dct:issued ?issued ; "
        "dct:identifier ?id ; <http://xmlns.com/foaf/0.1/page> ?url }")))
    assert report["title"] == row["title"].value
    assert report["publisher"]["name"] == report["authors"][0]["name"] == row["publisher"].value
    assert str(report["year"]) == row["issued"].value[:4]
    assert report["isbn"] in row["id"].value
    assert report["url"] == row["url"].value


def test_the_cited_cow_list_is_cited_as_the_cow_project_asks() -> None:
    cow = next(r for r in citation.read_citation()["references"] if r["type"] == "data")
    asked = (DATA / "cow-states.md").read_text(encoding="utf-8")
    quoted = f'{cow["authors"][0]["name"]}. {cow["year"]}. "{cow["title"]}." Online, {cow["url"]}.'
    assert quoted in " ".join(asked.split())


def test_a_bad_citation_file_is_named_with_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "CITATION.cff"
    broken.write_text("cff-version: 1.2.0\ntitle: [unclosed\nauthors:\n", encoding="utf-8")
    with pytest.raises(DataError) as raised:
        citation.read_citation(broken)
    assert str(broken) in str(raised.value) and re.search(r":[34]\b", str(raised.value))
    broken.write_text("cff-version: 1.2.0\ntitle: x\n", encoding="utf-8")
    with pytest.raises(DataError, match="missing `abstract`"):
        citation.read_citation(broken)


# --- DataCite ------------------------------------------------------------------------------------------------


def test_the_datacite_record_is_valid_datacite_4_5(release: Path) -> None:
    record = json.loads((release / "datacite.json").read_text(encoding="utf-8"))
    assert [e.message for e in schema45.validator.iter_errors(record)] == []
    xml = schema45.tostring(record)  # and it makes DataCite XML
    assert "<resourceType resourceTypeGeneral=\"Dataset\">" in xml
    assert record["version"] == info(release)["dataset_version"]
    assert record["publicationYear"] == info(release)["built_at"][:4]
    derived = [r for r in record["relatedIdentifiers"] if r["relationType"] == "IsDerivedFrom"]
    assert derived == [{"relatedIdentifier": "978-92-9068-826-6", "relatedIdentifierType": "ISBN",
                        "relationType": "IsDerivedFrom", "resourceTypeGeneral": "Report"}]
    for name in DUMPS:
        assert f"{(release / name).stat().st_size} bytes ({name})" in record["sizes"]


def test_an_invalid_record_is_refused_by_the_datacite_schema(release: Path) -> None:
    record = json.loads((release / "datacite.json").read_text(encoding="utf-8"))
    record["types"] = {"resourceTypeGeneral": "Knowledge graph"}
    del record["titles"]
    assert len(list(schema45.validator.iter_errors(record))) == 2


def test_the_coverage_is_the_years_and_places_of_the_sources(release: Path) -> None:
    """Recomputed from the N-Quads dump: the earliest and latest iscm:asOf, the States and territories."""
    years, states, territories = set(), set(), set()
    for quad in ox.parse(path=str(release / "iscm-kg.nq"), format=ox.RdfFormat.N_QUADS):
        predicate, obj = quad.predicate.value, quad.object.value
        if predicate == "https://w3id.org/iscm/ontology#asOf":
            years.add(obj)
        elif predicate == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type":
            if obj == "https://w3id.org/iscm/ontology#State":
                states.add(quad.subject.value)
            elif obj == "https://w3id.org/iscm/ontology#Territory":
                territories.add(quad.subject.value)
    dataset = json.loads((release / "dataset.jsonld").read_text(encoding="utf-8"))
    assert dataset["temporalCoverage"] == f"{min(years)}/{max(years)}"
    assert dataset["spatialCoverage"] == {"@type": "Place", "name": "World", "description":
                                          f"World: {len(states)} States and {len(territories)} territories"}
    record = json.loads((release / "datacite.json").read_text(encoding="utf-8"))
    assert {"date": f"{min(years)}/{max(years)}", "dateType": "Other",
            "dateInformation": "Coverage: the years the sources describe"} in record["dates"]


# --- schema.org ----------------------------------------------------------------------------------------------


def test_the_schema_org_dataset_has_what_dataset_search_reads(release: Path) -> None:
    dataset = json.loads((release / "dataset.jsonld").read_text(encoding="utf-8"))
    dataset["@context"] = {"@vocab": SCHEMA_ORG}  # no network here: schema.org's terms, inline
    quads = list(ox.parse(json.dumps(dataset).encode(), ox.RdfFormat.JSON_LD))
    subject = ox.NamedNode("https://w3id.org/iscm/id/dataset/iscm-kg")
    assert ox.Quad(subject, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                   ox.NamedNode(SCHEMA_ORG + "Dataset")) in quads
    properties = {q.predicate.value.removeprefix(SCHEMA_ORG) for q in quads if q.subject == subject}
    assert {"name", "description", "version", "license", "creator", "distribution", "temporalCoverage",
            "spatialCoverage", "isBasedOn", "keywords"} <= properties
    assert dataset["version"] == info(release)["dataset_version"]
    assert dataset["isBasedOn"][0]["name"].startswith("Advancing a common understanding of migration governance")
    sums = info(release)["checksums"]
    names = [d["name"] for d in dataset["distribution"]]
    assert names[0] == f"iscm-kg-{dataset['version']}.zip" and set(DUMPS) <= set(names)
    for download in dataset["distribution"]:
        data = (release / download["name"]).read_bytes()
        assert download["sha256"] == hashlib.sha256(data).hexdigest() == sums[download["name"]]
        assert download["contentSize"] == f"{len(data)} B"
        assert download["contentUrl"] == f"https://w3id.org/iscm/download/{download['name']}"


# --- the release archive -------------------------------------------------------------------------------------


def test_the_archive_holds_the_release_with_checksums(release: Path) -> None:
    version = info(release)["dataset_version"]
    path = release / f"iscm-kg-{version}.zip"
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert all(name.startswith(f"iscm-kg-{version}/") for name in names)
        inside = {name.split("/", 1)[1]: archive.read(name) for name in names}
    expected = {*DUMPS, "void.ttl", "CITATION.cff", "datacite.json", "networks/state_iscm.graphml",
                "networks/co_membership.net", "attribution/country-identifiers.md", "attribution/cow-states.md"}
    assert expected <= set(inside)
    assert all(any(name == n or name.startswith(n + "/") for n in [*DUMPS, *ARCHIVED, "attribution"])
               for name in inside if name != "SHA256SUMS")
    listed = dict(reversed(line.split("  ")) for line in inside["SHA256SUMS"].decode().splitlines())
    assert set(listed) == set(inside) - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256(inside[name]).hexdigest() == digest
    assert inside["iscm-kg.nq"] == (release / "iscm-kg.nq").read_bytes()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == info(release)["checksums"][path.name]


def test_the_archive_is_reproducible(release: Path, tmp_path: Path) -> None:
    """The same files give the same bytes: no timestamps, members in order."""
    made = []
    for attempt in ("a", "b"):
        target = tmp_path / f"{attempt}.zip"
        write_archive(release, ["iscm-kg.ttl", "networks"], {"attribution/cow-states.md": DATA / "cow-states.md"},
                      target, "top")
        made.append(target.read_bytes())
    assert made[0] == made[1]
    with zipfile.ZipFile(io.BytesIO(made[0])) as archive:
        assert archive.namelist()[0] == "top/attribution/cow-states.md"
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_archiving_a_missing_file_fails_and_writes_nothing(release: Path, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no-such-file"):
        write_archive(release, ["iscm-kg.ttl", "no-such-file"], {}, tmp_path / "x.zip", "top")
    assert list(tmp_path.iterdir()) == []
