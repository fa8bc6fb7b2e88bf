"""The research tables of a release (dist/tables/): tidy CSV files for statistics and network tools, with their CSV
on the Web metadata and a codebook made from it (docs/data-products.md).

- :mod:`.read`: the rows that state facts, read from the built store through queries/tables/*.rq;
- :mod:`.derive`: the tables computed from the memberships (COW-style matrix, dyads, ISCM overlaps);
- :mod:`.schema`: what each table and column is, and the CSVW metadata; :mod:`.codebook`: Markdown and HTML.

The build calls :func:`write_tables` on the release's store; the same store gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..analysis.export import csv_text, dumps
from . import derive, read
from .codebook import codebook_html, codebook_markdown
from .schema import metadata, tables

FOLDER = "tables"  # the tables' folder in a release, listed in its SHA256SUMS as tables/{file}
METADATA = "tables.csv-metadata.json"


def write_tables(store: ox.Store, folder: Path, base: str) -> list[str]:
    """Write the tables, their metadata and the codebook into ``folder`` (created); the file names, sorted."""
    iscms, states, memberships = read.iscms(store, base), read.states(store, base), read.memberships(store, base)
    codes = derive.status_codes(memberships)
    keys = [i["key"] for i in iscms]
    rows = {
        "iscms": iscms,
        "states": states,
        "memberships": memberships,
        "state-iscm-matrix": derive.matrix(codes, states, keys),
        "dyads": derive.dyads(codes, {s["key"]: s["cow_code"] for s in states}),
        "iscm-overlaps": derive.overlaps(codes, keys),
        "themes": read.themes(store, base),
    }
    all_tables = tables(iscms)
    meta = metadata(all_tables, read.roles(store, base), base)
    files = {f"{t.name}.csv": csv_text(rows[t.name], [c.name for c in t.columns]) for t in all_tables}
    files[METADATA] = dumps(meta)
    files["codebook.md"] = codebook_markdown(meta)
    files["codebook.html"] = codebook_html(meta)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return sorted(files)
