"""The release: every dump parses to the same quads, VoID/DCAT describe it, builds are deterministic, the base IRI
is configurable."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef

from iscm_kg.iris import DEFAULT_BASE, rebase
from iscm_kg.release import DUMPS, canonical_nquads
from tests.conftest import OTHER_BASE


def quads(path: Path, fmt: ox.RdfFormat) -> set:
    return {str(q) for q in ox.parse(path=str(path), format=fmt)}


def test_files_present(release: Path):
    for name in [*DUMPS, "void.ttl", "validation-report.ttl", "validation-report.md", "build-info.json",
                 "SHA256SUMS"]:
        assert (release / name).stat().st_size > 0, name
    assert (release / "store").is_dir()


def test_dumps_agree(release: Path):
    nq = quads(release / "iscm-kg.nq", ox.RdfFormat.N_QUADS)
    assert quads(release / "iscm-kg.trig", ox.RdfFormat.TRIG) == nq
    assert quads(release / "iscm-kg.jsonld", ox.RdfFormat.JSON_LD) == nq
    triples = {str(t.triple) for t in ox.parse(path=str(release / "iscm-kg.nq"), format=ox.RdfFormat.N_QUADS)}
    turtle = {str(t.triple) for t in ox.parse(path=str(release / "iscm-kg.ttl"), format=ox.RdfFormat.TURTLE)}
    assert turtle == triples
    store = ox.Store.read_only(str(release / "store"))
    named = [q for q in store if not isinstance(q.graph_name, ox.DefaultGraph)]
    assert len(named) == len(nq)
    # The store's default graph: every triple of the named graphs, once (what plain queries count).
    default = [str(q.triple) for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    assert sorted(default) == sorted({str(q.triple) for q in named})
    assert len(default) == len(triples)
    assert not any(ox.BlankNode.__name__ in type(q.subject).__name__ for q in store)


def test_rdflib_reads_the_trig(release: Path):
    dataset = Dataset()
    dataset.parse(release / "iscm-kg.trig", format="trig")
    graphs = {g.identifier for g in dataset.graphs()}
    assert URIRef("https://w3id.org/iscm/graph/provenance") in graphs
    assert URIRef("https://w3id.org/iscm/graph/mechanisms/budapest") in graphs


def test_void_and_dcat(release: Path):
    info = json.loads((release / "build-info.json").read_text())
    void = Graph().parse(release / "void.ttl")
    ds = URIRef("https://w3id.org/iscm/id/dataset/iscm-kg")
    VOID = "http://rdfs.org/ns/void#"
    assert int(void.value(ds, URIRef(VOID + "triples"))) == info["triples"]
    assert (ds, URIRef(VOID + "sparqlEndpoint"), None) in void
    dists = list(void.objects(ds, URIRef("http://www.w3.org/ns/dcat#distribution")))
    assert len(dists) == len(DUMPS)
    spdx = "http://spdx.org/rdf/terms#"
    for dist in dists:
        name = str(dist).rsplit("/", 1)[-1]
        checksum = void.value(void.value(dist, URIRef(spdx + "checksum")), URIRef(spdx + "checksumValue"))
        assert str(checksum) == hashlib.sha256((release / name).read_bytes()).hexdigest()
    assert info["conforms"] is True and info["violations"] == 0
    digest = hashlib.sha256((release / "iscm-kg.nq").read_bytes())
    for path in sorted([*(release / "networks").rglob("*"), *(release / "tables").rglob("*")]):
        digest.update(f"\n{path.relative_to(release).as_posix()}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    assert info["dataset_version"] == digest.hexdigest()[:16], "the dumps and the networks and tables made from them"


def test_a_table_or_network_made_differently_is_a_new_version(release: Path, tmp_path: Path):
    """Same dumps, one derived file changed: another version, so that caches and the archive named after it
    never hold two contents under one name."""
    from iscm_kg.release import _version

    nquads = (release / "iscm-kg.nq").read_bytes()
    copy = tmp_path / "release"
    for name in ("networks", "tables"):
        shutil.copytree(release / name, copy / name)
    before = _version(nquads, copy, ["networks", "tables"])
    assert before == json.loads((release / "build-info.json").read_text())["dataset_version"]
    with (copy / "tables" / "dyads.csv").open("a", encoding="utf-8") as table:
        table.write("\n")
    assert _version(nquads, copy, ["networks", "tables"]) != before


def test_one_version_everywhere(release: Path):
    """The release folder, build-info.json, VoID and what `build` prints name the same version: that of the dumps
    as written (the analysis graph included) and of the networks and tables made from them."""
    info = json.loads((release / "build-info.json").read_text())
    version = info["dataset_version"]
    assert release.resolve().name.startswith(version + "-")
    void = Graph().parse(release / "void.ttl")
    has_version = void.value(URIRef("https://w3id.org/iscm/id/dataset/iscm-kg"),
                             URIRef("http://purl.org/dc/terms/hasVersion"))
    assert str(has_version) == version


def test_deterministic(release: Path, other_base_build: tuple[Path, str]):
    """`iscm-kg build` again (for another base IRI) gives the same quads: its canonical N-Quads (sorted, the
    form every other file is written from), moved back to our base, are the same bytes; the same validation
    reports; and it prints the version the release is named after."""
    again, output = other_base_build
    back = rebase((again / "iscm-kg.nq").read_text(encoding="utf-8"), DEFAULT_BASE, OTHER_BASE)
    assert canonical_nquads(back) == (release / "iscm-kg.nq").read_bytes()
    for name in ["validation-report.ttl", "validation-report.md"]:
        text = rebase((again / name).read_text(encoding="utf-8"), DEFAULT_BASE, OTHER_BASE)
        assert text == (release / name).read_text(encoding="utf-8"), name
    version = json.loads((again / "build-info.json").read_text())["dataset_version"]
    assert f"release {version}:" in output
    assert again.resolve().name.startswith(version + "-")


def test_base_iri_is_configurable(other_base_release: Path):
    dist = other_base_release
    text = (dist / "iscm-kg.nq").read_text(encoding="utf-8")
    assert "<http://example.org/kg/id/mechanism/budapest>" in text
    assert "<https://w3id.org/iscm/" not in text
    assert json.loads((dist / "build-info.json").read_text())["base_iri"] == "http://example.org/kg/"


def test_the_build_time_is_source_date_epoch_when_set(monkeypatch: pytest.MonkeyPatch):
    from iscm_kg.errors import DataError
    from iscm_kg.release import _build_time

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764892800")
    assert _build_time().strftime("%Y-%m-%dT%H:%M:%SZ") == "2025-12-05T00:00:00Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(DataError, match="SOURCE_DATE_EPOCH"):
        _build_time()
