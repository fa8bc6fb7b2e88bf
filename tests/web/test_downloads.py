"""Downloads: dated dumps with checksums, VoID at /.well-known/void, the DCAT record, the SHACL report."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import rdflib
import requests
from rdflib.namespace import DCAT, RDF, VOID

from tests.server.conftest import Server

from .conftest import BASE


def test_listing_names_every_dump_with_checksum(site: Server, release: Path) -> None:
    page = requests.get(f"{site.url}/download/", timeout=30)
    assert page.status_code == 200
    sums = dict(reversed(line.split("  ")) for line in (release / "SHA256SUMS").read_text().splitlines())
    for name in ("iscm-kg.nq", "iscm-kg.trig", "iscm-kg.ttl", "iscm-kg.jsonld"):
        assert sums[name] in page.text


def test_dated_dump_has_the_published_checksum(site: Server, release: Path) -> None:
    info = json.loads((release / "build-info.json").read_text())
    date = info["built_at"][:10]
    response = requests.get(f"{site.url}/download/iscm-kg-{date}.nq", timeout=60)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/n-quads")
    assert f"iscm-kg-{date}.nq" in response.headers["Content-Disposition"]
    digest = hashlib.sha256(response.content).hexdigest()
    assert digest == info["checksums"]["iscm-kg.nq"] == response.headers["X-Checksum-SHA256"]
    plain = requests.get(f"{site.url}/download/iscm-kg.nq", timeout=60)
    assert plain.content == response.content
    assert requests.get(f"{site.url}/download/iscm-kg-1999-01-01.nq", timeout=30).status_code == 404
    assert requests.get(f"{site.url}/download/secret.txt", timeout=30).status_code == 404
    assert requests.get(f"{site.url}/download/..%2Fbuild-info.json", timeout=30).status_code == 404


def test_well_known_void_and_dcat(site: Server) -> None:
    response = requests.get(f"{site.url}/.well-known/void", timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    dataset = rdflib.URIRef(BASE + "id/dataset/iscm-kg")
    assert (dataset, RDF.type, VOID.Dataset) in graph
    assert (dataset, RDF.type, DCAT.Dataset) in graph
    assert len(list(graph.objects(dataset, DCAT.distribution))) == 4
    jsonld = requests.get(f"{site.url}/.well-known/void", headers={"Accept": "application/ld+json"}, timeout=30)
    assert jsonld.headers["Content-Type"].startswith("application/ld+json")
    record = rdflib.Graph().parse(f"{site.url}/id/dataset/iscm-kg")
    assert (dataset, DCAT.distribution, None) in record
    spdx = rdflib.URIRef("http://spdx.org/rdf/terms#checksumValue")
    assert len(list(record.objects(None, spdx))) == 4, "the DCAT record carries the checksums"


def test_validation_report(site: Server) -> None:
    page = requests.get(f"{site.url}/validation", timeout=30)
    assert page.status_code == 200 and "conforms" in page.text
    report = requests.get(f"{site.url}/download/validation-report.ttl", timeout=30)
    graph = rdflib.Graph().parse(data=report.content, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert (None, RDF.type, sh.ValidationReport) in graph
