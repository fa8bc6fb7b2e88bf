"""Fixtures of the network tests: Debian's Chromium driven by Playwright (the site is tests/conftest.py's
`client` in process, or `site` on loopback for the browser)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium (never `playwright install`). Fails, never skips, when it is missing.
    Module-scoped: Playwright's sync API allows one running instance per process, and other test folders
    start their own."""
    if not CHROMIUM.is_file():
        pytest.fail("Debian's chromium is not installed at /usr/bin/chromium: run `make browser` "
                    "(apt-get install -y chromium, as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def node_modules_installed() -> None:
    root = Path(__file__).resolve().parents[2]
    if not (root / "node_modules" / "cytoscape" / "dist" / "cytoscape.min.js").is_file():
        hint = "npm ci" if shutil.which("npm") else "install Node.js and run npm ci"
        pytest.fail(f"the front-end packages are not installed in node_modules: {hint} (make setup)")
