"""The tables of data/ as the build reads them (iscm_kg/table_schemas.py) and as data/README.md documents them."""

from __future__ import annotations

import csv

from iscm_kg.paths import DATA
from iscm_kg.table_schemas import TABLES, markdown


def test_the_readme_documents_the_columns_the_build_reads() -> None:
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    start, end = readme.index("<!-- tables: generated -->\n"), readme.index("<!-- end of tables -->")
    assert readme[start:end].split("\n", 1)[1] == markdown(), "run: python -m iscm_kg.table_schemas"


def test_every_table_has_a_schema_and_its_header_matches() -> None:
    assert {path.name for path in DATA.glob("*.csv")} == set(TABLES)
    for name, table in TABLES.items():
        with (DATA / name).open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        known = {c.name for c in (*table.required, *table.optional)}
        assert {c.name for c in table.required} <= set(header) <= known, name
