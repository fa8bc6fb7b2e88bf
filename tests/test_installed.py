"""The package works installed, not only as an editable checkout: `pip install .` into a fresh virtual environment
outside the repository, then that environment's `iscm-kg serve --dist PATH` serves a release with every page and
asset (templates and static files in the package, source texts and front-end packages in the release)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from .conftest import ROOT
from .server.conftest import Server, free_port, wait_until_up

LINK = re.compile(r"""(href|src)="([^"#]+)""")
MAX_PAGES = 250  # a bounded crawl: every kind of page and every asset, not every node


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the project installed from the checkout (not editable)."""
    venv = tmp_path_factory.mktemp("installed") / "venv"
    # uv, not pip: the same install (a wheel built by the project's build backend, every dependency from the
    # index) in 3 s rather than 25.
    uv = Path(sys.executable).parent / "uv"
    subprocess.run([str(uv), "venv", "-q", "--python", sys.executable, str(venv)], check=True, cwd=venv.parent)
    subprocess.run([str(uv), "pip", "install", "-q", "--python", str(venv / "bin" / "python"), str(ROOT)],
                   check=True, cwd=venv.parent)
    return venv


@pytest.fixture(scope="module")
def served(installed: Path, release: Path) -> Iterator[Server]:
    port = free_port()
    log = installed.parent / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(installed / "bin" / "iscm-kg"), "serve", "--dist", str(release), "--port", str(port),
             "--workers", "1"],
            cwd=installed.parent, stdout=out, stderr=subprocess.STDOUT, env={"PATH": "/usr/bin:/bin"})
    server = Server("installed", f"http://127.0.0.1:{port}", process, log)
    try:
        wait_until_up(server.url + "/", process, log, timeout=60)
        yield server
    finally:
        server.stop()


def test_the_code_runs_from_the_environment_not_the_checkout(installed: Path) -> None:
    where = subprocess.run(
        [str(installed / "bin" / "python"), "-c",
         "import iscm_kg, server; from iscm_kg import paths; "
         "print(iscm_kg.__file__, server.__file__, paths.QUERIES, paths.CITATION)"],
        check=True, capture_output=True, text=True, cwd=installed.parent).stdout.split()
    assert all(Path(p).is_relative_to(installed) for p in where), where
    assert (Path(where[2]) / "iscm-members.rq").is_file()  # the queries travel in the package
    assert Path(where[3]).is_file()  # and CITATION.cff, which a build makes the release's citation records from
    assert (Path(where[2]) / "tables" / "memberships.rq").is_file() and (Path(where[2]) / "dataset").is_dir()


def test_every_page_and_asset_answers(served: Server) -> None:
    """Crawl from the home page: every same-site link (bounded) and every asset those pages load answers 200."""
    seen: set[str] = set()
    assets: set[str] = set()
    queue = ["/"]
    problems: list[str] = []
    with requests.Session() as session:
        def get(path: str) -> requests.Response | None:
            response = session.get(served.url + path, timeout=60)
            if response.status_code != 200 or not response.content:
                problems.append(f"{path}: {response.status_code}")
                return None
            return response

        while queue and len(seen) < MAX_PAGES:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            response = get(path)
            if response is None or not response.headers.get("Content-Type", "").startswith("text/html"):
                continue
            for attribute, link in LINK.findall(response.text):
                target = urlsplit(urljoin(served.url + path, link))
                if target.netloc != urlsplit(served.url).netloc or target.path.startswith("/download/"):
                    continue  # other sites; the dumps are checked below, not crawled (they are large)
                local = target.path + (f"?{target.query}" if target.query else "")
                (assets.add if attribute == "src" or target.path.startswith(("/static/", "/vendor/")) else
                 queue.append)(local)
        kinds = {path: response.headers.get("Content-Type", "").split(";")[0]
                 for path in sorted(assets) if (response := get(path)) is not None}
    assert not problems, problems[:20]
    assert len(seen) >= 100, len(seen)
    assert {"text/css", "text/javascript"} <= set(kinds.values()), kinds
    assert {"/vendor/yasgui/yasgui.min.js", "/vendor/networks/cytoscape.min.js"} <= set(kinds), sorted(kinds)


@pytest.mark.parametrize("path, needle", [
    ("/vendor/yasgui/yasgui.min.js", b"Yasgui"),
    ("/vendor/networks/cytoscape.min.js", b"cytoscape"),
    ("/vendor/networks/topojson-client.min.js", b"topojson"),
    ("/vendor/networks/countries-110m.json", b'"Topology"'),
    ("/source/report", b'id="L1538"'),
    ("/networks", b"/vendor/networks/cytoscape.min.js"),
    ("/ontology.html", b"ISCM"),
    ("/download/SHA256SUMS", b"iscm-kg.nq"),
])
def test_the_assets_a_page_needs_come_from_the_package_or_the_release(served: Server, path: str,
                                                                       needle: bytes) -> None:
    response = requests.get(served.url + path, timeout=60)
    assert response.status_code == 200 and needle in response.content, (path, response.status_code)


def test_a_build_from_the_installed_package_is_the_same_release(installed: Path, release: Path) -> None:
    """`iscm-kg build` run from the environment (its data, ontology, shapes, queries and CITATION.cff inside the
    package), at the checkout's build time (SOURCE_DATE_EPOCH), makes the release the checkout makes, byte for
    byte: the same version, dumps, networks, tables, citation records and archive."""
    ours = json.loads((release / "build-info.json").read_text(encoding="utf-8"))
    epoch = int(datetime.strptime(ours["built_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())
    dist = installed.parent / "built" / "dist"
    subprocess.run([str(installed / "bin" / "iscm-kg"), "build", "--dist", str(dist)], check=True,
                   capture_output=True, text=True, cwd=installed.parent, timeout=300,
                   env={**os.environ, "SOURCE_DATE_EPOCH": str(epoch)})
    theirs = json.loads((dist / "build-info.json").read_text(encoding="utf-8"))
    assert theirs["dataset_version"] == ours["dataset_version"] and theirs["built_at"] == ours["built_at"]
    assert theirs["checksums"] == ours["checksums"]
