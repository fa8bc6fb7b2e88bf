"""Reading the curated CSV tables with the file and line of every row, so errors can point at them."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import DataError

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9+._-]*$")


@dataclass(frozen=True)
class Row:
    """One record of a table: its cells by column name, and where it is."""

    path: Path
    line: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "").strip()

    def get(self, column: str) -> str:
        return self[column]

    def error(self, message: str) -> DataError:
        return DataError(self.path, self.line, message)

    @property
    def where(self) -> str:
        return f"{self.path.name}:{self.line}"


def read_table(
    path: Path,
    required: Iterable[str],
    optional: Iterable[str] = (),
    key: str | None = None,
) -> list[Row]:
    """Read a CSV table. Refuses unknown or missing columns, ragged rows, and empty or duplicate keys."""
    required = list(required)
    allowed = set(required) | set(optional)
    if not path.exists():
        raise DataError(path, None, "file not found")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            raise DataError(path, 1, "empty file: a header line is required") from None
        except csv.Error as exc:
            raise DataError(path, 1, f"malformed CSV: {exc}") from None
        header = [h.strip() for h in header]
        missing = [c for c in required if c not in header]
        if missing:
            raise DataError(path, 1, f"header lacks column(s) {', '.join(missing)}")
        unknown = [c for c in header if c not in allowed]
        if unknown:
            raise DataError(path, 1, f"unknown column(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")
        if len(set(header)) != len(header):
            raise DataError(path, 1, "a column name is repeated in the header")
        rows: list[Row] = []
        seen: dict[str, int] = {}
        line = reader.line_num
        for cells in _records(reader, path):
            start = line + 1
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise DataError(path, start, f"row has {len(cells)} cells, the header has {len(header)}")
            row = Row(path, start, dict(zip(header, cells, strict=True)))
            if key:
                value = row[key]
                if not value:
                    raise row.error(f"empty {key}")
                if not KEY_PATTERN.match(value):
                    raise row.error(f"{key} {value!r} is not a valid key (lowercase letters, digits, - + . _)")
                if value in seen:
                    raise row.error(f"duplicate {key} {value!r} (first on line {seen[value]})")
                seen[value] = start
            rows.append(row)
    return rows


def _records(reader: Iterator[list[str]], path: Path) -> Iterator[list[str]]:
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DataError(path, getattr(reader, "line_num", None), f"malformed CSV: {exc}") from None


def split_list(value: str) -> list[str]:
    """Space-separated references in one cell."""
    return [v for v in value.split() if v]
