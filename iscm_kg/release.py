"""Writing a release: dumps, VoID + DCAT, the validation report and an Oxigraph store, into a new folder
that replaces the previous release only once everything is written and valid (dist/ is a symlink).

Deterministic: the same inputs give the same bytes in every dump (quads are sorted, no blank nodes, no
timestamps), and in the research tables read from the store (tables/); only build-info.json records when the build
ran."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from . import attribution, citation, iris, vendor
from .archive import write_archive
from .build import build_dataset
from .errors import DataError
from .namespaces import DEFAULT_BASE
from .querying import materialize_default_graph
from .research_tables import FOLDER as TABLES
from .research_tables import write_tables
from .settings import load_setting
from .validate import ValidationReport, validate_dataset

DUMPS = {
    "iscm-kg.nq": ("application/n-quads", ox.RdfFormat.N_QUADS),
    "iscm-kg.trig": ("application/trig", ox.RdfFormat.TRIG),
    "iscm-kg.ttl": ("text/turtle", ox.RdfFormat.TURTLE),
    "iscm-kg.jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
}


def base_iri() -> str:
    """The base IRI of the release: the setting BASE_IRI (ISCM_KG_BASE), else https://w3id.org/iscm/."""
    try:
        return load_setting("BASE_IRI") or DEFAULT_BASE
    except ValueError as exc:
        raise DataError(Path("ISCM_KG_BASE"), None, str(exc)) from None


def canonical_nquads(text: str) -> bytes:
    """All quads, one per line, sorted and once each: the canonical form every other file is made from."""
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_release(data_dir: Path, ontology_dir: Path, shapes_dir: Path, dist: Path,
                  echo: Callable[[str], None] = print) -> dict:
    """Build, validate and write a release. Raises DataError(s) and writes nothing on bad input or on
    SHACL violations."""
    base = base_iri()
    echo("building the dataset from data/ ...")
    result = build_dataset(data_dir, ontology_dir)
    echo("validating with shapes/ ...")
    report = validate_dataset(result.dataset, result.ontology, shapes_dir)
    if report.violations:
        raise DataError(shapes_dir, None, f"{len(report.violations)} SHACL violations; nothing written.\n"
                        + report.text())
    nquads = canonical_nquads(result.dataset.serialize(format="nquads"))
    dist = dist.absolute()
    releases = dist.parent / ".releases"
    releases.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="staging.", dir=releases))
    try:
        echo("writing the release and its network analysis ...")
        summary = _write_files(staging, nquads, report, base, _build_time(), data_dir)
        _bundle_site_files(staging, data_dir, echo)
        # named after the dumps and the files made from them (_version): the version build-info and the site show
        version = summary["dataset_version"]
        final = releases / f"{version}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}"
        staging.rename(final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _switch(dist, final)
    _prune(releases, keep={final.name})
    summary["path"] = str(dist)
    return summary


def _build_time() -> datetime:
    """When this build ran: the setting SOURCE_DATE_EPOCH, else now. Read once, so that built_at, the citation
    records and the archive name one date even across midnight."""
    try:
        return load_setting("SOURCE_DATE_EPOCH") or datetime.now(UTC)
    except ValueError as exc:
        raise DataError(Path("SOURCE_DATE_EPOCH"), None, str(exc)) from None


def _write_files(folder: Path, nquads: bytes, report: ValidationReport, base: str, built: datetime,
                 data_dir: Path) -> dict:
    # the network analysis (iscm_kg.analysis) reads the graph at the default base, writes networks/ and adds the
    # graph .../graph/analysis to the dumps; then everything is moved under the release's base, in one place
    from .analysis import add_to_release
    from .analysis.outputs import rebase_outputs

    nquads = add_to_release(nquads, folder / "networks")
    if base != DEFAULT_BASE:
        nquads = canonical_nquads(iris.rebase(nquads.decode("utf-8"), base))
        rebase_outputs(folder / "networks", base)
    store = ox.Store(str(folder / "store"))
    store.bulk_load(nquads, ox.RdfFormat.N_QUADS)
    materialize_default_graph(store)
    store.optimize()
    tables = [f"{TABLES}/{name}" for name in write_tables(store, folder / TABLES, base)]
    covered = citation.coverage(store, base)
    del store
    version = _version(nquads, folder, ["networks", TABLES])
    quads = list(ox.parse(nquads, ox.RdfFormat.N_QUADS))
    prefixes = iris.prefixes(base)
    (folder / "iscm-kg.nq").write_bytes(nquads)
    ox.serialize(quads, str(folder / "iscm-kg.trig"), ox.RdfFormat.TRIG, prefixes=prefixes)
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
    ox.serialize(triples, str(folder / "iscm-kg.ttl"), ox.RdfFormat.TURTLE, prefixes=prefixes)
    ox.serialize(quads, str(folder / "iscm-kg.jsonld"), ox.RdfFormat.JSON_LD)
    ox.serialize(report.triples(base), str(folder / "validation-report.ttl"), ox.RdfFormat.TURTLE,
                 prefixes={"sh": "http://www.w3.org/ns/shacl#"})
    (folder / "validation-report.md").write_text(report.markdown(), encoding="utf-8")
    stats = _statistics(quads, base)
    void = _void(folder, stats, base, version)
    ox.serialize(void, str(folder / "void.ttl"), ox.RdfFormat.TURTLE, prefixes=prefixes)
    cited = _write_citation_and_archive(folder, base, version, covered, built.strftime("%Y-%m-%d"), data_dir)
    checksums = {name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
                 for name in sorted([*DUMPS, "void.ttl", "validation-report.ttl", "validation-report.md", *tables,
                                     *cited])}
    (folder / "SHA256SUMS").write_text("".join(f"{h}  {n}\n" for n, h in checksums.items()), encoding="utf-8")
    info = {
        "dataset_version": version,
        "built_at": built.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "base_iri": base,
        "triples": stats["triples"],
        "quads": len(quads),
        "graphs": stats["graphs"],
        "triples_per_source_table": stats["tables"],
        "violations": len(report.violations),
        "warnings": len(report.warnings),
        "infos": len(report.infos),
        "conforms": not report.violations,
        "checksums": checksums,
    }
    (folder / "build-info.json").write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return info


# What the release archive holds besides the dumps: the files a researcher keeps, and the notices the data's
# licences ask to keep with it.
ARCHIVED = ["void.ttl", "validation-report.ttl", "validation-report.md", TABLES, "networks", "CITATION.cff",
            "datacite.json"]
NOTICES = {"attribution/country-identifiers.md": "country-identifiers.md", "attribution/cow-states.md": "cow-states.md"}


def _write_citation_and_archive(folder: Path, base: str, version: str, covered: citation.Coverage, date: str,
                                data_dir: Path) -> list[str]:
    """CITATION.cff and the DataCite record of the release, the release archive, then the schema.org Dataset
    that lists the archive with its checksum. Returns the names written."""
    cff = citation.read_citation()
    dumps = [citation.ReleaseFile.of(folder, name, media) for name, (media, _fmt) in DUMPS.items()]
    (folder / "CITATION.cff").write_text(citation.release_cff(cff, version, date, base), encoding="utf-8")
    record = citation.datacite_record(cff, version, date, base, dumps, covered)
    (folder / "datacite.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    zipped = citation.archive_name(version)
    write_archive(folder, [*DUMPS, *ARCHIVED], {k: data_dir / v for k, v in NOTICES.items()}, folder / zipped,
                  zipped.removesuffix(".zip"))
    files = [citation.ReleaseFile.of(folder, zipped, "application/zip"), *dumps]
    dataset = citation.schema_org_dataset(cff, version, date, base, files, covered)
    (folder / "dataset.jsonld").write_text(json.dumps(dataset, indent=2, ensure_ascii=False) + "\n",
                                           encoding="utf-8")
    return ["CITATION.cff", "datacite.json", zipped, "dataset.jsonld"]


def _version(nquads: bytes, folder: Path, derived: list[str]) -> str:
    """The release's version: a hash of the dumps as written and of every file made from them (networks, tables).
    A change in how a network or table is made is a new version too, so that caches keyed on it, and the archive
    and citations named after it, never hold two contents under one name."""
    digest = hashlib.sha256(nquads)
    for name in derived:
        for path in sorted((folder / name).rglob("*")):
            if path.is_file():
                digest.update(f"\n{path.relative_to(folder).as_posix()}\n".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def _bundle_site_files(folder: Path, data_dir: Path, echo: Callable[[str], None]) -> None:
    """What the site serves besides the graph travels with the release: the source texts its citations open
    (sources/) and the front-end packages (vendor/)."""
    shutil.copytree(data_dir / "sources", folder / "sources")
    missing = vendor.bundle(folder)
    if missing:
        echo(f"warning: front-end packages not installed ({', '.join(missing)}; `npm ci`): the query editor, the "
             "network pages and the map of this release will not load them")


def _statistics(quads: list[ox.Quad], base: str) -> dict:
    graph_prefix = base + "graph/"
    tables: Counter[str] = Counter()
    graphs: set[str] = set()
    classes: Counter[str] = Counter()
    properties: Counter[str] = Counter()
    subjects: set[str] = set()
    triples: set[tuple] = set()
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    for q in quads:
        name = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        graphs.add(name)
        table = name[len(graph_prefix):].split("/", 1)[0] if name.startswith(graph_prefix) else "default"
        tables[table] += 1
        triple = (q.subject, q.predicate, q.object)
        if triple in triples:
            continue
        triples.add(triple)
        subjects.add(str(q.subject))
        properties[q.predicate.value] += 1
        if q.predicate.value == rdf_type and isinstance(q.object, ox.NamedNode):
            classes[q.object.value] += 1
    return {"triples": len(triples), "graphs": len(graphs), "tables": dict(sorted(tables.items())),
            "classes": classes, "properties": properties, "subjects": len(subjects)}


def _void(folder: Path, stats: dict, base: str, version: str) -> list[ox.Triple]:
    """VoID (statistics, partitions, dumps, endpoint) and DCAT (distributions with checksums)."""
    N, L = ox.NamedNode, ox.Literal
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    void, dcat, dct = "http://rdfs.org/ns/void#", "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/"
    spdx = "http://spdx.org/rdf/terms#"
    xsd_int = N("http://www.w3.org/2001/XMLSchema#integer")
    record = iris.Ids(base).dataset()
    ds = N(record)
    out: list[ox.Triple] = []

    def add(s, p, o):
        out.append(ox.Triple(s, N(p), o))

    add(ds, rdf + "type", N(void + "Dataset"))
    add(ds, rdf + "type", N(dcat + "Dataset"))
    add(ds, dct + "title", L("ISCM knowledge graph", language="en"))
    add(ds, "http://www.w3.org/2000/01/rdf-schema#label", L("ISCM knowledge graph", language="en"))
    add(ds, dct + "description", L(
        "Inter-State consultation mechanisms on migration (ISCMs), their members, observers, partners, chairs and "
        "secretariats, thematic foci, cooperation and overlaps, from IOM's 2019 assessment of ISCMs and its "
        "per-ISCM summaries, with public membership sources. Every fact carries its source.", language="en"))
    add(ds, dct + "license", N(attribution.LICENSE))
    add(ds, dct + "rights", L(attribution.RIGHTS, language="en"))
    add(ds, dct + "hasVersion", L(version))
    add(ds, dct + "source", N(base + "id/document/report"))
    add(ds, void + "uriSpace", L(base + "id/"))
    add(ds, void + "sparqlEndpoint", N(base + "sparql"))
    add(ds, void + "vocabulary", N(base + "ontology#"))
    add(ds, void + "triples", L(str(stats["triples"]), datatype=xsd_int))
    add(ds, void + "distinctSubjects", L(str(stats["subjects"]), datatype=xsd_int))
    add(ds, void + "properties", L(str(len(stats["properties"])), datatype=xsd_int))
    add(ds, void + "classes", L(str(len(stats["classes"])), datatype=xsd_int))
    for name, (media, _fmt) in sorted(DUMPS.items()):
        dist = N(f"{record}/{name}")
        add(ds, void + "dataDump", N(f"{base}download/{name}"))
        add(ds, dcat + "distribution", dist)
        add(dist, rdf + "type", N(dcat + "Distribution"))
        add(dist, dcat + "downloadURL", N(f"{base}download/{name}"))
        add(dist, dcat + "mediaType", L(media))
        add(dist, dcat + "byteSize", L(str((folder / name).stat().st_size), datatype=xsd_int))
        checksum = N(f"{record}/{name}#sha256")
        add(dist, spdx + "checksum", checksum)
        add(checksum, spdx + "algorithm", N(spdx + "checksumAlgorithm_sha256"))
        add(checksum, spdx + "checksumValue", L(hashlib.sha256((folder / name).read_bytes()).hexdigest()))
    for table, count in sorted(stats["tables"].items()):
        subset = N(f"{record}/{table}")
        add(ds, void + "subset", subset)
        add(subset, rdf + "type", N(void + "Dataset"))
        add(subset, dct + "title", L(f"Named graphs from {table}", language="en"))
        add(subset, void + "triples", L(str(count), datatype=xsd_int))
    for cls, count in sorted(stats["classes"].items()):
        part = N(f"{record}/class/{hashlib.sha1(cls.encode()).hexdigest()[:10]}")
        add(ds, void + "classPartition", part)
        add(part, void + "class", N(cls))
        add(part, void + "entities", L(str(count), datatype=xsd_int))
    for prop, count in sorted(stats["properties"].items()):
        part = N(f"{record}/property/{hashlib.sha1(prop.encode()).hexdigest()[:10]}")
        add(ds, void + "propertyPartition", part)
        add(part, void + "property", N(prop))
        add(part, void + "triples", L(str(count), datatype=xsd_int))
    return out


def _switch(dist: Path, target: Path) -> None:
    """Point dist at the new release in one atomic rename."""
    if dist.exists() and not dist.is_symlink():
        backup = dist.parent / ".releases" / f"replaced-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}"
        dist.rename(backup)
    link = dist.parent / f".{dist.name}.new-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(os.path.relpath(target, dist.parent))
    os.replace(link, dist)


def _prune(releases: Path, keep: set[str], keep_last: int = 2) -> None:
    """Keep the current release and the one before it (a server may still be reading it)."""
    entries = sorted((p for p in releases.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[keep_last:]:
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
