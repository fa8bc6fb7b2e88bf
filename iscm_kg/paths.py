"""Where the project's inputs and outputs live (the repository is the installation: `pip install -e .`)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SOURCES = DATA / "sources"
ONTOLOGY = ROOT / "ontology"
SHAPES = ROOT / "shapes"
QUERIES = ROOT / "queries"


def default_dist() -> Path:
    """The release directory: ISCM_KG_DIST, else dist/ in the repository."""
    return Path(os.environ.get("ISCM_KG_DIST", ROOT / "dist"))
