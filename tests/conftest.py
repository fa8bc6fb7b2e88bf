"""Shared fixtures: the real dataset built once per test session from data/ into a temporary release (once for
all the session's workers when pytest-xdist runs it on several cores: `make test`), and the site on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from filelock import FileLock

ROOT = Path(__file__).resolve().parents[1]


def once_per_session(tmp_path_factory: pytest.TempPathFactory, worker_id: str, name: str,
                     make: Callable[[Path], None]) -> Path:
    """The folder ``make`` fills, made once for the whole session: the first worker to ask makes it, the others
    wait for it (a file lock in the session's shared temporary folder) and use it."""
    if worker_id == "master":  # not distributed
        folder = tmp_path_factory.mktemp(name)
        make(folder)
        return folder
    shared = tmp_path_factory.getbasetemp().parent / name
    with FileLock(str(shared) + ".lock"):
        if not (shared / ".done").exists():
            shared.mkdir(exist_ok=True)
            make(shared)
            (shared / ".done").touch()
    return shared


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A release built from the real data/ (dist/ of a fresh `iscm-kg build`), shared by the session."""
    from iscm_kg.paths import DATA, ONTOLOGY, SHAPES
    from iscm_kg.release import write_release

    def build(folder: Path) -> None:
        write_release(DATA, ONTOLOGY, SHAPES, folder / "dist", echo=lambda _msg: None)

    return once_per_session(tmp_path_factory, worker_id, "release", build) / "dist"


OTHER_BASE = "http://example.org/kg/"


@pytest.fixture(scope="session")
def other_base_build(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> tuple[Path, str]:
    """The same data built again, as a user runs it (`iscm-kg build --dist`), for another base IRI
    (ISCM_KG_BASE): the release and what the command printed. The second build of the session: the
    determinism, base-IRI and failed-build tests share it."""
    from click.testing import CliRunner

    from iscm_kg.cli import main

    def build(folder: Path) -> None:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("ISCM_KG_BASE", OTHER_BASE)
            result = CliRunner().invoke(main, ["build", "--dist", str(folder / "dist")])
        assert result.exit_code == 0, result.output
        (folder / "output.txt").write_text(result.output, encoding="utf-8")

    folder = once_per_session(tmp_path_factory, worker_id, "other-base", build)
    return folder / "dist", (folder / "output.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def other_base_release(other_base_build: tuple[Path, str]) -> Path:
    return other_base_build[0]


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


@pytest.fixture(scope="session")
def app(release: Path) -> Iterator:
    """The site's Flask app in this process, for Flask's test client, over real engines: an engine supervisor
    on the release, started as `iscm-kg serve` starts it. For the tests of what the site answers; the tests of
    the HTTP server itself (limits, isolation, wire, real clients) start Granian."""
    from iscm_kg.settings import load_config
    from server.gateway import Gateway
    from server.serve import Engines

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ISCM_KG_DIST", str(release))
        patch.delenv("ISCM_KG_RUNTIME", raising=False)  # set by Engines.start, taken back afterwards
        config = load_config()
        engines = Engines(config)
        engines.start()
        try:
            yield Gateway(config, engines.runtime).app
        finally:
            engines.stop()


@pytest.fixture(scope="session")
def client(app):
    """Flask's test client of the site (see ``app``)."""
    return app.test_client()


@pytest.fixture(scope="session")
def site(release: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """The whole site on the real release, on loopback under Granian through `iscm-kg serve` (2 workers, as in
    production): for real HTTP clients and the browser."""
    from tests.server.conftest import start_ours

    server = start_ours("web", tmp_path_factory.mktemp("web"), release, workers=2)
    try:
        yield server
    finally:
        server.stop()
