"""Fixtures: our server under Granian (the real `serve` entry point) on the real dataset, on loopback.

The release is the session's real build (tests/conftest.py `release`); the server helpers are shared with
the SPARQL endpoint tests (tests/server/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.server.conftest import Server, start_ours

BASE = "https://w3id.org/iscm/"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="session")
def site(release: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The whole site on the real release (2 workers, as in production)."""
    server = start_ours("web", tmp_path_factory.mktemp("web"), release, workers=2)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def http() -> Iterator[requests.Session]:
    """A plain HTTP client that does not follow redirects unless asked."""
    with requests.Session() as session:
        yield session


@pytest.fixture(scope="session")
def artifacts() -> Path:
    folder = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
