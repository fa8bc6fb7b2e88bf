"""Where the project's inputs and outputs live, in a checkout (`pip install -e .`) and installed (`pip install .`).

The inputs (data/, ontology/, shapes/, queries/, CITATION.cff) are at the top of the repository; a wheel carries
them inside the package, under iscm_kg/resources/ (pyproject.toml: force-include). Everything else reads these
names.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
_REPOSITORY = PACKAGE.parent
# None when installed: then the release and the front-end packages are looked for in the working directory
CHECKOUT: Path | None = _REPOSITORY if (_REPOSITORY / "pyproject.toml").is_file() else None
INPUTS = CHECKOUT if CHECKOUT is not None else PACKAGE / "resources"
ROOT = CHECKOUT if CHECKOUT is not None else Path.cwd()
DATA = INPUTS / "data"
SOURCES = DATA / "sources"
ONTOLOGY = INPUTS / "ontology"
SHAPES = INPUTS / "shapes"
QUERIES = INPUTS / "queries"
CITATION = INPUTS / "CITATION.cff"  # how to cite the data set: the release's citation records start from it
NODE_MODULES = ROOT / "node_modules"  # `npm ci` (make setup): the front-end packages a release bundles


def default_dist() -> Path:
    """The release directory: the setting DIST (ISCM_KG_DIST), else dist/ in the repository (installed: in the
    working directory)."""
    from .settings import load_setting

    return Path(load_setting("DIST"))
