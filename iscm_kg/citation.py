"""How to cite a release: its CITATION.cff, its DataCite record and its schema.org Dataset, all made from the
project's CITATION.cff (the one place for titles, authors, licence, keywords and the works it derives from) and
what the release itself is (version, date, files with their checksums, the years and places it covers).

- CITATION.cff (Citation File Format 1.2.0): the project's, with the release's version and date;
- datacite.json: the DataCite Metadata Schema 4.5 record, as DataCite's REST API takes it (``data.attributes``),
  ready for a DOI to be minted;
- dataset.jsonld: the schema.org ``Dataset`` (what search engines read) that the home and dataset pages embed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from . import attribution, iris
from .errors import DataError
from .paths import CITATION, QUERIES

# SPDX licence identifiers (CITATION.cff's `license`) -> the licence's name and page.
LICENCES = {"ODbL-1.0": ("Open Database License (ODbL) 1.0", attribution.LICENSE)}
DATACITE_SCHEMA = "http://datacite.org/schema/kernel-4"
# what a reference's CFF `type` is as a DataCite resource type and as a schema.org type
WORK_TYPES = {"report": ("Report", "Report"), "data": ("Dataset", "Dataset")}


@dataclass(frozen=True)
class ReleaseFile:
    name: str
    media_type: str
    size: int
    sha256: str

    @classmethod
    def of(cls, folder: Path, name: str, media_type: str) -> ReleaseFile:
        data = (folder / name).read_bytes()
        return cls(name, media_type, len(data), hashlib.sha256(data).hexdigest())


@dataclass(frozen=True)
class Coverage:
    """The years the sources describe (earliest and latest iscm:asOf) and how many States and territories."""

    first_year: str
    last_year: str
    states: int
    territories: int

    @property
    def interval(self) -> str:
        return f"{self.first_year}/{self.last_year}"

    @property
    def place(self) -> str:
        return f"World: {self.states} States and {self.territories} territories"


def read_citation(path: Path = CITATION) -> dict[str, Any]:
    """CITATION.cff as a dict. Raises DataError naming the file (and line) if it is not YAML or lacks a field
    the records need."""
    try:
        cff = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise DataError(path, line, f"not valid YAML: {exc.problem}") from None
    if not isinstance(cff, dict):
        raise DataError(path, None, "a Citation File Format file is a YAML mapping")
    for key in ("title", "abstract", "authors", "license", "keywords"):
        if not cff.get(key):
            raise DataError(path, None, f"missing `{key}`, which the DataCite and schema.org records need")
    if cff["license"] not in LICENCES:
        raise DataError(path, None, f"licence {cff['license']!r} is not one of {', '.join(LICENCES)}")
    return cff


def coverage(store: ox.Store, base: str) -> Coverage:
    """The release's coverage, read from its store (queries/dataset/coverage.rq)."""
    text = iris.rebase((QUERIES / "dataset" / "coverage.rq").read_text(encoding="utf-8"), base)
    row = next(iter(store.query(text)))
    return Coverage(row["first"].value, row["last"].value, int(row["states"].value), int(row["territories"].value))


def dataset_iri(base: str) -> str:
    return iris.Ids(base).dataset()


def archive_name(version: str) -> str:
    """The release archive's name on /download/: ``iscm-kg-{version}.zip``."""
    return f"iscm-kg-{version}.zip"


def release_cff(cff: dict[str, Any], version: str, date: str, base: str) -> str:
    """The release's CITATION.cff: the project's, with this release's version, date and IRIs."""
    release = {**cff, "version": version, "date-released": date,
               "identifiers": [{"type": "url", "value": dataset_iri(base),
                                "description": "The dataset record (DCAT) of the ISCM knowledge graph"},
                               {"type": "url", "value": f"{base}download/{archive_name(version)}",
                                "description": "This release: dumps, tables, codebook and checksums in one zip"}]}
    header = "# How to cite this release of the ISCM knowledge graph (Citation File Format 1.2.0).\n"
    return header + yaml.safe_dump(release, sort_keys=False, allow_unicode=True, width=100)


def _name(person: dict[str, Any]) -> str:
    return person.get("name") or " ".join(p for p in (person.get("given-names"), person.get("family-names")) if p)


def _creators(people: list[dict[str, Any]]) -> list[dict[str, str]]:
    out = []
    for person in people:
        if "name" in person:
            out.append({"name": person["name"], "nameType": "Organizational"})
        else:
            out.append({"name": f"{person['family-names']}, {person['given-names']}", "nameType": "Personal",
                        "givenName": person["given-names"], "familyName": person["family-names"]})
    return out


def _related(reference: dict[str, Any]) -> dict[str, str]:
    kind = WORK_TYPES.get(reference.get("type", ""), ("Other", "CreativeWork"))[0]
    if reference.get("isbn"):
        found = {"relatedIdentifier": reference["isbn"], "relatedIdentifierType": "ISBN"}
    else:
        found = {"relatedIdentifier": reference["url"], "relatedIdentifierType": "URL"}
    # the assessment is what the data set is made from; the other works are identifiers it uses
    relation = "IsDerivedFrom" if kind == "Report" else "References"
    return {**found, "relationType": relation, "resourceTypeGeneral": kind}


def datacite_record(cff: dict[str, Any], version: str, date: str, base: str, files: list[ReleaseFile],
                    covered: Coverage) -> dict[str, Any]:
    """The DataCite 4.5 record of the release (the attributes of a DataCite REST API request; no DOI yet)."""
    licence, licence_url = LICENCES[cff["license"]]
    creators = _creators(cff["authors"])
    return {
        "types": {"resourceTypeGeneral": "Dataset", "resourceType": "Knowledge graph with tables and networks"},
        "creators": creators,
        "titles": [{"title": cff["title"], "lang": "en"}],
        "publisher": {"name": creators[0]["name"]},
        "publicationYear": date[:4],
        "subjects": [{"subject": keyword, "lang": "en"} for keyword in cff["keywords"]],
        "dates": [{"date": date, "dateType": "Issued"},
                  # kernel 4.5 has no "Coverage" date type: the period the sources describe is "Other"
                  {"date": covered.interval, "dateType": "Other",
                   "dateInformation": "Coverage: the years the sources describe"}],
        "language": "en",
        "alternateIdentifiers": [{"alternateIdentifier": dataset_iri(base), "alternateIdentifierType": "URL"}],
        "relatedIdentifiers": [_related(reference) for reference in cff.get("references", [])],
        "sizes": [f"{f.size} bytes ({f.name})" for f in files],
        "formats": sorted({f.media_type for f in files}),
        "version": version,
        "rightsList": [{"rights": licence, "rightsUri": licence_url, "rightsIdentifier": cff["license"].lower(),
                        "rightsIdentifierScheme": "SPDX", "schemeUri": "https://spdx.org/licenses/", "lang": "en"}],
        "descriptions": [{"description": " ".join(cff["abstract"].split()), "descriptionType": "Abstract",
                          "lang": "en"}],
        "geoLocations": [{"geoLocationPlace": covered.place}],
        "url": dataset_iri(base),
        "schemaVersion": DATACITE_SCHEMA,
    }


def _agent(person: dict[str, Any]) -> dict[str, str]:
    kind = "Organization" if "name" in person else "Person"
    return {"@type": kind, "name": _name(person)}


def _work(reference: dict[str, Any]) -> dict[str, Any]:
    work = {"@type": WORK_TYPES.get(reference.get("type", ""), ("Other", "CreativeWork"))[1],
            "name": reference["title"], "author": [_agent(a) for a in reference.get("authors", [])],
            "datePublished": str(reference["year"]), "url": reference["url"]}
    if reference.get("publisher"):
        work["publisher"] = _agent(reference["publisher"])
    if reference.get("isbn"):
        work["identifier"] = f"ISBN {reference['isbn']}"
    return work


def schema_org_dataset(cff: dict[str, Any], version: str, date: str, base: str, files: list[ReleaseFile],
                       covered: Coverage) -> dict[str, Any]:
    """The schema.org Dataset of the release: what it is, who made it, its licence, coverage and downloads."""
    creators = [_agent(a) for a in cff["authors"]]
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": dataset_iri(base),
        "url": dataset_iri(base),
        "identifier": dataset_iri(base),
        "name": cff["title"],
        "description": " ".join(cff["abstract"].split()),
        "version": version,
        "datePublished": date,
        "license": LICENCES[cff["license"]][1],
        "creator": creators,
        "publisher": creators[0],
        "keywords": cff["keywords"],
        "inLanguage": "en",
        "isAccessibleForFree": True,
        "temporalCoverage": covered.interval,
        # a place name search engines can resolve, and what the data covers of it
        "spatialCoverage": {"@type": "Place", "name": "World", "description": covered.place},
        "isBasedOn": [_work(r) for r in cff.get("references", []) if r.get("type") == "report"],
        "citation": [_work(r) for r in cff.get("references", []) if r.get("type") != "report"],
        "distribution": [{"@type": "DataDownload", "name": f.name, "contentUrl": f"{base}download/{f.name}",
                          "encodingFormat": f.media_type, "contentSize": f"{f.size} B", "sha256": f.sha256}
                         for f in files],
    }
