"""The text copy of a source document, one numbered line each, so that a cited line can be read."""

from __future__ import annotations

import re

from flask import Response, abort, request

from ..dataset import base_iri, not_found_response
from ..release_info import release_dir
from .common import q, val
from .templating import render


def source_text(key: str) -> Response:
    if not re.fullmatch(r"[a-z0-9-]+", key):
        abort(404)
    iri = f"{base_iri()}id/document/{key}"
    rows = q("source-file", iri=iri)
    if not rows:
        return not_found_response(iri, f"no text copy of {key} is served")
    file = val(rows[0], "file") or ""
    # The release's sources/ folder holds the text copies: the dataset names the file, the server decides where
    # it reads (a plain file name, in that folder only).
    name = file.rsplit("/", 1)[-1]
    path = release_dir() / "sources" / name
    if not re.fullmatch(r"[\w.-]+\.txt", name) or not path.is_file():
        return not_found_response(iri, f"the text copy of {key} is not on this server")
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    number = request.args.get("line", "")
    cited = cited_line(lines, int(number)) if number.isdigit() and 1 <= int(number) <= len(lines) else None
    return render("source.html", iri=iri, key=key, title=val(rows[0], "title") or key, lines=lines, file=file,
                  cited=cited)


CONTEXT = 3  # lines shown before and after a cited line
MARKUP = re.compile(r"<[^>]+>")


def readable(text: str) -> str:
    """A line of the text copy as a person reads it: the HTML lists of table cells as "a; b", no markup."""
    items = re.findall(r"<li>(.*?)</li>", text)
    if items and not MARKUP.sub("", re.sub(r"<ul[^>]*>.*?</ul>", "", text)).strip():
        return "; ".join(MARKUP.sub("", item).strip() for item in items)
    return re.sub(r"\s+", " ", MARKUP.sub(" ", re.sub(r"</li>\s*<li>", "; ", text))).strip()


def cited_line(lines: list[str], number: int) -> dict[str, object]:
    """A cited line with what makes it readable: its section heading, its table's column headers beside its
    cells (a tab-separated row takes the header row above it), and the lines around it."""
    text = lines[number - 1]
    section = next((line.lstrip("#").strip() for line in reversed(lines[: number - 1]) if line.startswith("#")), None)
    cells: list[tuple[str, str]] = []
    if "\t" in text:
        row = text.split("\t")
        header = next((line.split("\t") for line in reversed(lines[: number - 1])
                       if "\t" in line and len(line.split("\t")) == len(row) and not re.match(r"^\d+\.?\t", line)),
                      None)
        if header is not None:
            cells = [(readable(name) or "(no.)", readable(value)) for name, value in zip(header, row, strict=True)]
    around = range(max(1, number - CONTEXT), min(len(lines), number + CONTEXT) + 1)
    return {"number": number, "text": readable(text), "section": section, "cells": cells,
            "context": [(n, readable(lines[n - 1])) for n in around]}
