"""Fixtures of the site tests. The site itself is in tests/conftest.py: `client` (Flask's test client, in
process) for what the site answers, `site` (Granian on loopback) for real HTTP clients and the browser."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.server.conftest import Server

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


# --- the browser: Debian's Chromium driven by Playwright (never `playwright install`) -----------------------

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium package (`make browser`, or "
            "`apt-get install -y chromium` as root). Never `playwright install`."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser, site: Server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=site.url)
    errors: list[str] = []
    tab = context.new_page()
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.set_default_timeout(30_000)
    yield tab
    context.close()
    assert not errors, f"JavaScript errors: {errors}"
