"""The text copy of a source document, one numbered line each, so that a cited line can be read."""

from __future__ import annotations

import re

from flask import Response, abort

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
    return render("source.html", iri=iri, key=key, title=val(rows[0], "title") or key, lines=lines, file=file)
