"""Fixtures of the site tests. The site itself is in tests/conftest.py: `client` (Flask's test client, in
process) for what the site answers, `site` (Granian on loopback) for real HTTP clients and the browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

BASE = "https://w3id.org/iscm/"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


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
