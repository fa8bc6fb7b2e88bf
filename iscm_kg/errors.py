"""Errors that point a curator at the file and line to fix."""

from __future__ import annotations

from pathlib import Path


class DataError(Exception):
    """A bad input: names the file and line, and what is wrong."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{display_path(self.path)}:{line}" if line else display_path(self.path)
        super().__init__(f"{where}: {message}")


class DataErrors(Exception):
    """Several bad inputs found in one pass, reported together."""

    def __init__(self, errors: list[DataError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def display_path(path: Path) -> str:
    from .paths import ROOT

    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
