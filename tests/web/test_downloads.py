"""Downloads: dated dumps with checksums, VoID at /.well-known/void, the DCAT record, the SHACL report."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import rdflib
from flask.testing import FlaskClient
from rdflib.namespace import DCAT, RDF, VOID

from tests.server.conftest import Server

from .conftest import BASE


def test_listing_names_every_dump_with_checksum(client: FlaskClient, release: Path) -> None:
    page = client.get("/download/")
    assert page.status_code == 200
    sums = dict(reversed(line.split("  ")) for line in (release / "SHA256SUMS").read_text().splitlines())
    for name in ("iscm-kg.nq", "iscm-kg.trig", "iscm-kg.ttl", "iscm-kg.jsonld"):
        assert sums[name] in page.text


def test_dated_dump_has_the_published_checksum(client: FlaskClient, release: Path) -> None:
    info = json.loads((release / "build-info.json").read_text())
    date = info["built_at"][:10]
    response = client.get(f"/download/iscm-kg-{date}.nq")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/n-quads")
    assert f"iscm-kg-{date}.nq" in response.headers["Content-Disposition"]
    digest = hashlib.sha256(response.data).hexdigest()
    assert digest == info["checksums"]["iscm-kg.nq"] == response.headers["X-Checksum-SHA256"]
    plain = client.get("/download/iscm-kg.nq")
    assert plain.data == response.data
    assert client.get("/download/iscm-kg-1999-01-01.nq").status_code == 404
    assert client.get("/download/secret.txt").status_code == 404
    assert client.get("/download/..%2Fbuild-info.json").status_code == 404


def test_well_known_void_and_dcat(client: FlaskClient, site: Server) -> None:
    response = client.get("/.well-known/void")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    dataset = rdflib.URIRef(BASE + "id/dataset/iscm-kg")
    assert (dataset, RDF.type, VOID.Dataset) in graph
    assert (dataset, RDF.type, DCAT.Dataset) in graph
    assert len(list(graph.objects(dataset, DCAT.distribution))) == 4
    jsonld = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert jsonld.headers["Content-Type"].startswith("application/ld+json")
    record = rdflib.Graph().parse(f"{site.url}/id/dataset/iscm-kg")
    assert (dataset, DCAT.distribution, None) in record
    spdx = rdflib.URIRef("http://spdx.org/rdf/terms#checksumValue")
    assert len(list(record.objects(None, spdx))) == 4, "the DCAT record carries the checksums"


def test_validation_report(client: FlaskClient) -> None:
    page = client.get("/validation")
    assert page.status_code == 200 and "conforms" in page.text
    report = client.get("/download/validation-report.ttl")
    graph = rdflib.Graph().parse(data=report.data, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert (None, RDF.type, sh.ValidationReport) in graph


def test_the_release_archive_and_citation_records_are_served(client: FlaskClient, release: Path) -> None:
    info = json.loads((release / "build-info.json").read_text())
    archive = f"iscm-kg-{info['dataset_version']}.zip"
    page = client.get("/download/")
    for name in (archive, "CITATION.cff", "datacite.json", "dataset.jsonld"):
        assert f'href="/download/{name}"' in page.text and info["checksums"][name] in page.text
    response = client.get(f"/download/{archive}")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/zip"
    assert f"attachment; filename={archive}" in response.headers["Content-Disposition"]
    assert hashlib.sha256(response.data).hexdigest() == info["checksums"][archive]
    assert client.get("/download/iscm-kg-0000000000000000.zip").status_code == 404
    cff = client.get("/download/CITATION.cff")
    assert cff.status_code == 200 and f"version: {info['dataset_version']}" in cff.text


def test_home_and_dataset_pages_carry_the_schema_org_dataset(client: FlaskClient, release: Path) -> None:
    record = json.loads((release / "dataset.jsonld").read_text())
    for path in ("/", "/page/id/dataset/iscm-kg"):
        html = client.get(path).text
        scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        assert len(scripts) == 1, path
        assert json.loads(scripts[0]) == record
    dataset_page = client.get("/page/id/dataset/iscm-kg").text
    for name in ("CITATION.cff", "datacite.json", "dataset.jsonld", f"iscm-kg-{record['version']}.zip"):
        assert f'href="/download/{name}"' in dataset_page


def test_the_research_tables_are_listed_and_served_with_their_checksums(client: FlaskClient, release: Path) -> None:
    sums = {name: digest for digest, name in (line.split("  ") for line in (release / "SHA256SUMS").read_text()
                                              .splitlines())}
    page = client.get("/download/")
    for name in ("iscms.csv", "state-iscm-matrix.csv", "dyads.csv", "tables.csv-metadata.json", "codebook.html"):
        assert f'href="/download/tables/{name}"' in page.text and sums[f"tables/{name}"] in page.text
    assert "State x ISCM membership matrix (COW IGO style)" in page.text, "titled as the CSVW metadata titles it"
    dyads = client.get("/download/tables/dyads.csv")
    assert dyads.status_code == 200 and dyads.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert dyads.data == (release / "tables" / "dyads.csv").read_bytes()
    # a CSV on the Web processor given the table's URL finds its metadata (tabular-metadata, "Link Header")
    assert dyads.headers["Link"] == '<tables.csv-metadata.json>; rel="describedby"; type="application/csvm+json"'
    digest = hashlib.sha256(dyads.data).hexdigest()
    assert digest == sums["tables/dyads.csv"] == dyads.headers["X-Checksum-SHA256"]
    assert dyads.headers["ETag"] == f'"{digest}"'
    assert client.get("/download/tables/dyads.csv", headers={"If-None-Match": f'"{digest}"'}).status_code == 304
    meta = client.get("/download/tables/tables.csv-metadata.json")
    assert meta.headers["Content-Type"] == "application/csvm+json" and json.loads(meta.data)["@type"] == "TableGroup"
    codebook = client.get("/download/tables/codebook.html")
    assert codebook.headers["Content-Type"] == "text/html; charset=utf-8" and "<h2>dyads.csv" in codebook.text


def test_only_the_tables_of_the_release_are_served(client: FlaskClient) -> None:
    for path in ("/download/tables/secret.csv", "/download/tables/..%2FSHA256SUMS", "/download/tables/",
                 "/download/tables/iscm-kg.nq"):
        response = client.get(path)
        assert response.status_code == 404, path
    assert "tables" in client.get("/download/tables/nothing.csv").text


def test_the_home_page_links_the_codebook(client: FlaskClient) -> None:
    home = client.get("/")
    assert 'href="/download/tables/codebook.html"' in home.text and 'href="/download/#tables"' in home.text
