"""Downloads: dated dumps with checksums, VoID at /.well-known/void, the DCAT record, the SHACL report."""

from __future__ import annotations

import hashlib
import json
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
