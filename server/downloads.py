"""Downloads of the release: dated dumps with checksums, VoID (/.well-known/void), the DCAT record and
the SHACL validation report.

- ``/download/`` lists the files of the served release with sizes and SHA-256 checksums.
- ``/download/{file}`` (e.g. ``iscm-kg.nq``, as the VoID's ``void:dataDump`` names them) and its dated
  alias ``/download/iscm-kg-{YYYY-MM-DD}.nq`` (the build date) serve the same bytes; the download is saved
  under the dated name.
- ``/.well-known/void`` is the VoID + DCAT description (Turtle, or another RDF syntax by ``Accept``); the
  DCAT record of the dataset is also its IRI ``/id/dataset/iscm-kg``.
- ``/validation`` shows the SHACL report; ``/download/validation-report.ttl`` / ``.md`` are the files.
- ``/download/tables/{file}``: the research tables (CSV), their CSVW metadata and the codebook (dist/tables/), each
  with the checksum SHA256SUMS lists for ``tables/{file}`` (docs/data-products.md).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, abort, render_template, request, send_file

from iscm_kg.paths import QUERIES
from iscm_kg.querying import load_query
from iscm_kg.research_tables import FOLDER as TABLES
from iscm_kg.research_tables import METADATA

from .dataset import archive_name, build_info, not_found_response, rdf_response, void_triples
from .negotiation import choose_representation
from .release_info import parsed, release_dir

bp = Blueprint("downloads", __name__)

DUMPS = ("iscm-kg.nq", "iscm-kg.trig", "iscm-kg.ttl", "iscm-kg.jsonld")
FILES: dict[str, tuple[str, str]] = {
    "iscm-kg.nq": ("application/n-quads", "all quads, with their named graphs (the canonical dump)"),
    "iscm-kg.trig": ("application/trig", "all quads, with their named graphs, in TriG"),
    "iscm-kg.ttl": ("text/turtle", "all triples merged, without graph names"),
    "iscm-kg.jsonld": ("application/ld+json", "all quads in JSON-LD"),
    "void.ttl": ("text/turtle", "VoID statistics and the DCAT record, with checksums"),
    "validation-report.ttl": ("text/turtle", "the SHACL validation report"),
    "validation-report.md": ("text/markdown", "the SHACL validation report, readable"),
    "SHA256SUMS": ("text/plain", "SHA-256 checksums (sha256sum -c SHA256SUMS)"),
    "build-info.json": ("application/json", "dataset version, build time, counts, validation status"),
    "CITATION.cff": ("application/x-yaml", "how to cite this release (Citation File Format 1.2.0)"),
    "datacite.json": ("application/vnd.datacite.datacite+json",
                      "the DataCite 4.5 record of this release, ready for a DOI to be minted"),
    "dataset.jsonld": ("application/ld+json", "the schema.org Dataset record (what the home page embeds)"),
}
ARCHIVE = ("application/zip", "this release in one zip: dumps, tables, codebook, networks, citation records, "
                              "attribution notices, and SHA256SUMS of its contents")
TABLE_MEDIA = {".csv": "text/csv", ".json": "application/csvm+json", ".md": "text/markdown", ".html": "text/html"}
TABLE_FILES = {METADATA: "CSV on the Web metadata: the tables, their columns, keys and sources",
               "codebook.html": "the codebook: every table and column explained",
               "codebook.md": "the codebook, in Markdown"}
DATED = re.compile(r"^(?P<stem>[\w-]+?)-(?P<date>\d{4}-\d{2}-\d{2})(?P<ext>\.[\w.]+)$")
SH = "http://www.w3.org/ns/shacl#"


def build_date() -> str | None:
    built = build_info().get("built_at")
    return str(built)[:10] if built else None


def dated_name(name: str) -> str:
    """``iscm-kg.nq`` -> ``iscm-kg-2026-11-23.nq`` (the build date)."""
    date = build_date()
    if not date:
        return name
    stem, dot, ext = name.partition(".")
    return f"{stem}-{date}{dot}{ext}"


def checksums() -> dict[str, str]:
    """SHA-256 of each file, as SHA256SUMS lists them (computed if the file is missing)."""

    def load(path: Path | None) -> dict[str, str]:
        sums: dict[str, str] = {}
        if path is not None:
            for line in path.read_text(encoding="utf-8").splitlines():
                digest, _, name = line.partition("  ")
                if name:
                    sums[name.strip()] = digest.strip()
        return sums

    sums = parsed("sums", release_dir() / "SHA256SUMS", load)
    for name in DUMPS:
        path = release_dir() / name
        if name not in sums and path.exists():
            sums[name] = parsed(f"sha-{name}", path, lambda p: hashlib.sha256(p.read_bytes()).hexdigest())
    return sums


def served_files() -> dict[str, tuple[str, str]]:
    """Every file /download/ serves: name -> (media type, what it holds), the release archive first."""
    zipped = archive_name()
    return {**({zipped: ARCHIVE} if zipped else {}), **FILES}


def listing() -> list[dict[str, Any]]:
    """The downloadable files of the release, with sizes, checksums and dated names."""
    folder = release_dir()
    sums = checksums()
    files = []
    for name, (media, description) in served_files().items():
        path = folder / name
        if not path.exists():
            continue
        files.append(
            {
                "name": name,
                "dated": dated_name(name) if name in DUMPS else name,
                "media_type": media.split(";")[0],
                "description": description,
                "size": path.stat().st_size,
                "sha256": sums.get(name),
            }
        )
    return files


def table_listing() -> list[dict[str, Any]]:
    """The research tables of the release (``tables/`` in SHA256SUMS), titled as their CSVW metadata titles them, with
    sizes and checksums; empty for a release without them."""
    folder = release_dir() / TABLES

    def titles(path: Path | None) -> dict[str, str]:
        if path is None:
            return {}
        meta = json.loads(path.read_text(encoding="utf-8"))
        return {t["url"]: f"{t['dc:title']}: {t['dc:description']}" for t in meta.get("tables", [])}

    described = {**parsed("table-titles", folder / METADATA, titles), **TABLE_FILES}
    files = []
    for relative, digest in sorted(checksums().items()):
        name = relative.removeprefix(f"{TABLES}/")
        path = folder / name
        if name == relative or not path.exists():
            continue
        files.append({"name": name, "description": described.get(name, ""), "size": path.stat().st_size,
                      "media_type": TABLE_MEDIA.get(path.suffix, ""), "sha256": digest})
    return files


def validation_results() -> list[dict[str, str]]:
    """The results of the SHACL report (severity, focus node, path, message), most severe first."""

    def load(path: Path | None) -> list[dict[str, str]]:
        if path is None:
            return []
        store = ox.Store()
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
        rows = store.query(load_query(QUERIES / "site" / "validation-results.rq").text)
        order = {"Violation": 0, "Warning": 1, "Info": 2}
        out = [
            {
                "severity": row["severity"].value.rsplit("#", 1)[-1],
                "focus": row["focus"].value,
                "path": row["path"].value if row["path"] is not None else "",
                "message": row["message"].value if row["message"] is not None else "",
            }
            for row in rows
        ]
        return sorted(out, key=lambda r: (order.get(r["severity"], 3), r["focus"], r["message"]))

    return parsed("validation", release_dir() / "validation-report.ttl", load)


# --- routes --------------------------------------------------------------------------------------------


@bp.route("/download/")
@bp.route("/download")
def index() -> Response | str:
    return render_template("downloads.html", files=listing(), tables=table_listing(), info=build_info(),
                           date=build_date())


@bp.route("/download/<name>")
def download(name: str) -> Response:
    real = name
    served = served_files()
    match = DATED.match(name)
    if name not in served and match:
        if match["date"] != build_date():
            return not_found_response(
                message=f"no release of {match['date']} is served here; this server serves the build of {build_date()}"
            )
        real = match["stem"] + match["ext"]
    if real not in served:
        return not_found_response(message=f"/download/{name} is not a file of this release")
    path = release_dir() / real
    if not path.exists():
        return not_found_response(message=f"{real} is missing from this release")
    media, _ = served[real]
    response = send_file(
        path,
        mimetype=media,
        conditional=True,
        etag=checksums().get(real, True),
        download_name=dated_name(real) if real in DUMPS else real,
        as_attachment=real in DUMPS or served[real] is ARCHIVE,
        max_age=300,
    )
    return _with_checksum(response, checksums().get(real))


@bp.route("/download/tables/<name>")
def table_file(name: str) -> Response:
    """A file of the research tables: only those SHA256SUMS lists under tables/, with their checksum as ETag."""
    digest = checksums().get(f"{TABLES}/{name}")
    path = release_dir() / TABLES / name
    if digest is None or Path(name).suffix not in TABLE_MEDIA or not path.exists():
        return not_found_response(message=f"/download/tables/{name} is not a file of this release's tables")
    response = send_file(path, mimetype=TABLE_MEDIA[path.suffix], conditional=True, etag=digest,
                         download_name=name, max_age=300)
    if path.suffix == ".csv":  # where a CSV on the Web processor given the table's URL finds its metadata
        response.headers["Link"] = f'<{METADATA}>; rel="describedby"; type="application/csvm+json"'
    return _with_checksum(response, digest)


def _with_checksum(response: Response, digest: str | None) -> Response:
    if digest:
        response.headers["Digest"] = "sha-256=" + _b64(digest)
        response.headers["X-Checksum-SHA256"] = digest
    return response


def _b64(hex_digest: str) -> str:
    import base64

    return base64.b64encode(bytes.fromhex(hex_digest)).decode()


@bp.route("/.well-known/void")
def well_known_void() -> Response:
    choice = choose_representation(request.headers.get("Accept"))
    if choice is None:
        abort(406)
    if choice == "html":
        choice = "turtle"
    response = rdf_response(void_triples, choice, negotiated=True)
    return response


@bp.route("/validation")
def validation() -> str:
    info = build_info()
    return render_template("validation.html", results=validation_results(), info=info)
