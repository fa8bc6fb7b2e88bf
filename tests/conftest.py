"""Shared fixtures: the real dataset built once per test session from data/ into a temporary release."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release built from the real data/ (dist/ of a fresh `iscm-kg build`), shared by the session."""
    from iscm_kg.paths import DATA, ONTOLOGY, SHAPES
    from iscm_kg.release import write_release

    dist = tmp_path_factory.mktemp("release") / "dist"
    write_release(DATA, ONTOLOGY, SHAPES, dist, echo=lambda _msg: None)
    return dist


@pytest.fixture(scope="session")
def second_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The same data built again, as a user runs it (`iscm-kg build --dist`): the release and what it printed."""
    from click.testing import CliRunner

    from iscm_kg.cli import main

    dist = tmp_path_factory.mktemp("second-build") / "dist"
    result = CliRunner().invoke(main, ["build", "--dist", str(dist)])
    assert result.exit_code == 0, result.output
    return dist, result.output


OTHER_BASE = "http://example.org/kg/"


@pytest.fixture(scope="session")
def other_base_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release built for another base IRI (ISCM_KG_BASE), shared by the session."""
    from iscm_kg.paths import DATA, ONTOLOGY, SHAPES
    from iscm_kg.release import write_release

    dist = tmp_path_factory.mktemp("other-base") / "dist"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ISCM_KG_BASE", OTHER_BASE)
        write_release(DATA, ONTOLOGY, SHAPES, dist, echo=lambda _msg: None)
    return dist


@pytest.fixture(scope="session")
def store(release: Path):
    """The built Oxigraph store, read-only."""
    import pyoxigraph as ox

    return ox.Store.read_only(str(release / "store"))


@pytest.fixture(scope="session")
def sparql(store):
    """Run a SPARQL SELECT on the built store (its default graph: the union of the named graphs); rows as
    dicts of plain strings."""

    def run(query: str) -> list[dict[str, str]]:
        from iscm_kg.iris import sparql_prologue

        prefixes = sparql_prologue()
        solutions = store.query(prefixes + query)
        names = [v.value for v in solutions.variables]
        return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in solutions]

    return run
