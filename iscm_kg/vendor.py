"""The front-end files a release bundles (YASGUI, Cytoscape.js, topojson-client, world-atlas), copied from
node_modules (`npm ci`, package.json pins them) into {release}/vendor/ with their licences, so a server serves
them from the release: no CDN at run time and no node_modules beside an installed package."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .paths import NODE_MODULES

# the name a page asks for under /vendor/... -> (npm package, file inside it)
FILES: dict[str, tuple[str, str]] = {
    "yasgui.min.js": ("@zazuko/yasgui", "build/yasgui.min.js"),
    "yasgui.min.css": ("@zazuko/yasgui", "build/yasgui.min.css"),
    "cytoscape.min.js": ("cytoscape", "dist/cytoscape.min.js"),
    "topojson-client.min.js": ("topojson-client", "dist/topojson-client.min.js"),
    "countries-110m.json": ("world-atlas", "countries-110m.json"),
}
FOLDER = "vendor"


def bundle(release: Path, node_modules: Path = NODE_MODULES) -> list[str]:
    """Copy the files into release/vendor/ with a LICENSES.md; returns the packages that are not installed."""
    missing = sorted({package for package, path in FILES.values() if not (node_modules / package / path).is_file()})
    if missing:
        return missing
    folder = release / FOLDER
    folder.mkdir()
    notices = ["# Front-end packages bundled with this release", "",
               "| file | npm package | version | licence |", "|---|---|---|---|"]
    for name, (package, path) in FILES.items():
        shutil.copyfile(node_modules / package / path, folder / name)
        meta = json.loads((node_modules / package / "package.json").read_text(encoding="utf-8"))
        notices.append(f"| {name} | {package} | {meta.get('version', '?')} | {meta.get('license', '?')} |")
    for package in sorted({package for package, _ in FILES.values()}):
        for licence in sorted((node_modules / package).glob("LICEN[CS]E*")):
            shutil.copyfile(licence, folder / f"{package.replace('/', '-').lstrip('@')}-{licence.name}")
    (folder / "LICENSES.md").write_text("\n".join(notices) + "\n", encoding="utf-8")
    return []


def path(release: Path, name: str) -> Path | None:
    """The bundled file a page asks for, or None (not a bundled name, or a release built without node_modules)."""
    if name not in FILES:
        return None
    file = release / FOLDER / name
    return file if file.is_file() else None
