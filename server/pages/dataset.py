"""The page of the dataset record (``/page/id/dataset/iscm-kg``): what the release is, its version and build date,
licence and attribution, its downloads and how to cite it. The record lives in the release's VoID/DCAT file
(void.ttl), not in the store; the version and build date come from build-info.json."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pyoxigraph as ox
from flask import Response

from iscm_kg import citation
from iscm_kg.iris import VOCABULARIES

from ..dataset import archive_name, build_info, local_path, schema_org_record, void_triples
from .common import q, val
from .templating import render

DCT, DCAT = VOCABULARIES["dct"], VOCABULARIES["dcat"]
RDF_TYPE = VOCABULARIES["rdf"] + "type"
# Names of the licences a release may name (the VoID gives only the IRI).
LICENCES = {url: name for name, url in citation.LICENCES.values()}


def _properties(triples: list[ox.Triple]) -> dict[str, dict[str, list[str]]]:
    """subject -> property -> values (IRIs and literals as their string value)."""
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        found[t.subject.value][t.predicate.value].append(t.object.value)
    return found


def is_record(iri: str) -> bool:
    """True if the release's VoID describes ``iri`` as a DCAT dataset (the record, not one of its subsets)."""
    return DCAT + "Dataset" in _properties(void_triples()).get(iri, {}).get(RDF_TYPE, [])


def _first(values: dict[str, list[str]], prop: str) -> str | None:
    found = values.get(prop)
    return found[0] if found else None


def _downloads(described: dict[str, dict[str, list[str]]], record: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The record's distributions: where this server serves each, its media type and size."""
    files = []
    for distribution in record.get(DCAT + "distribution", []):
        about = described.get(distribution, {})
        url = _first(about, DCAT + "downloadURL")
        if url is None:
            continue
        size = _first(about, DCAT + "byteSize")
        files.append({"href": local_path(url) or url, "name": url.rsplit("/", 1)[-1],
                      "media_type": _first(about, DCAT + "mediaType"), "size": int(size) if size else None})
    return sorted(files, key=lambda f: f["name"])


def citation(title: str, version: str | None, built: str | None, iri: str, licence: str | None,
             creators: list[str]) -> str:
    """The plain-text reference to this release of the dataset."""
    edition = ", ".join(part for part in (f"version {version}" if version else None, built) if part)
    author = f"{'; '.join(creators)}{f' ({built[:4]})' if built else ''}. " if creators else ""
    text = f"{author}{title}{f' ({edition})' if edition else ''} [data set]. {iri}."
    return text + (f" Licence: {licence}." if licence else "")


def source_document(iri: str) -> dict[str, str | None] | None:
    """Title, publisher and year of the source document the dataset is built from, and its plain-text reference."""
    row = next(iter(q("document-citation", iri=iri)), None)
    if row is None:
        return None
    title, publisher, issued = val(row, "title") or iri, val(row, "publisher"), val(row, "issued")
    author = " ".join(part for part in (publisher, f"({issued})" if issued else None) if part)
    return {"iri": iri, "title": title, "publisher": publisher, "issued": issued,
            "citation": f"{author + '. ' if author else ''}{title}."}


def dataset_page(iri: str) -> Response:
    described = _properties(void_triples())
    record = described[iri]
    info = build_info()
    title = _first(record, DCT + "title") or iri
    licence_iri = _first(record, DCT + "license")
    licence = LICENCES.get(licence_iri or "", licence_iri)
    built = str(info["built_at"])[:10] if info.get("built_at") else None
    source = _first(record, DCT + "source")
    schema_org = schema_org_record()
    creators = [c["name"] for c in json.loads(schema_org).get("creator", [])] if schema_org else []
    return render(
        "dataset.html",
        iri=iri,
        title=title,
        description=_first(record, DCT + "description"),
        info=info,
        built=built,
        licence={"href": licence_iri, "name": licence} if licence_iri else None,
        rights=record.get(DCT + "rights", []),
        source=source_document(source) if source else None,
        downloads=_downloads(described, record),
        citation=citation(title, info.get("dataset_version"), built, iri, licence, creators),
        schema_org=schema_org,
        archive=archive_name(),
    )
