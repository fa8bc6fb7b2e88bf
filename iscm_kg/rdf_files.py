"""Parsing the hand-written Turtle (ontology/, shapes/) with errors that name the file and line."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph

from .errors import DataError

LINE = re.compile(r"line (\d+)", re.IGNORECASE)


def parse_turtle(paths: list[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises several kinds; all mean "this file is broken"
            line = getattr(exc, "lines", None)
            if line is None:
                match = LINE.search(str(exc))
                line = int(match.group(1)) if match else None
            message = str(getattr(exc, "_why", "") or exc).strip().splitlines()[0]
            raise DataError(path, line, f"broken Turtle: {message}") from None
    return graph


def turtle_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.ttl"))
