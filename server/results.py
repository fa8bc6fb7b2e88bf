"""Serialized results: a spool that holds them while the query runs, and the row cap.

The engine serializes natively into a :class:`Spool` (memory first, a temporary file past a few MiB),
so a response is only sent once the query has finished within its time: never a 200 with a cut body.
The response then streams from the spool. :func:`apply_row_cap` counts rows only when the output is big
enough to hold more than the cap, and cuts at a row boundary when it does.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterator
from itertools import islice
from typing import Any

import pyoxigraph as ox

from .negotiation import RDF, Format

CHUNK = 65_536


class Spool:
    """A binary sink that keeps small outputs in memory and spills big ones to an anonymous temporary
    file (``O_TMPFILE``: it has no name, so the kernel frees it when the last process holding it ends,
    whichever way it ends). ``directory`` is where the file system space is taken (None: the default)."""

    directory: str | None = None

    def __init__(self, max_memory: int = 4 * 1024 * 1024) -> None:
        self._parts: list[bytes] = []
        self._size = 0
        self._max_memory = max_memory
        self._file: Any = None

    @classmethod
    def from_file(cls, fd: int, size: int) -> Spool:
        """A spool over an open file holding ``size`` bytes (passed by an engine process); takes ``fd``."""
        spool = cls()
        spool._file = os.fdopen(fd, "r+b")
        spool._size = size
        return spool

    def write(self, data: bytes) -> int:
        data = bytes(data)
        self._size += len(data)
        if self._file is not None:
            self._file.write(data)
        else:
            self._parts.append(data)
            if self._size > self._max_memory:
                self._file = tempfile.TemporaryFile(prefix="iscm-kg-result-", dir=self.directory)
                for part in self._parts:
                    self._file.write(part)
                self._parts = []
        return len(data)

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    @property
    def size(self) -> int:
        return self._size

    @property
    def in_memory(self) -> bool:
        return self._file is None

    def fileno(self) -> int:
        """The file's descriptor (only for a spool that spilled to a file)."""
        self._file.flush()
        return self._file.fileno()

    def getvalue(self) -> bytes:
        """All the bytes (only sensible for small outputs)."""
        if self._file is None:
            if len(self._parts) > 1:
                self._parts = [b"".join(self._parts)]
            return self._parts[0] if self._parts else b""
        with self.reader() as handle:
            return handle.read()

    def reader(self) -> io.BufferedIOBase:
        """A file-like object reading the spool from its start (with its own position)."""
        if self._file is None:
            return io.BytesIO(self.getvalue())
        self._file.flush()
        return open(f"/proc/self/fd/{self._file.fileno()}", "rb")  # noqa: SIM115 - closed by the caller

    def chunks(self) -> Iterator[bytes]:
        """The content in chunks, for a streamed response body; closes the spool at the end."""
        try:
            if self._file is None:
                yield from self._parts
                return
            with self.reader() as handle:
                while chunk := handle.read(CHUNK):
                    yield chunk
        finally:
            self.close()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._parts = []


# Fewest bytes one row can take in each serialization: outputs smaller than cap * this need no count.
_MIN_ROW_BYTES = {"json": 2, "xml": 17, "csv": 2, "tsv": 1}


def apply_row_cap(spool: Spool, fmt: Format, max_rows: int) -> tuple[Spool, bool]:
    """Cut the serialized results in ``spool`` to ``max_rows`` rows; True when something was cut."""
    if max_rows <= 0:
        return spool, False
    minimum = _MIN_ROW_BYTES.get(fmt.key, 2)
    if spool.size < minimum * (max_rows + 1):
        return spool, False
    if fmt.kind == RDF:
        return _cap_rdf(spool, fmt, max_rows)
    return _cap_results(spool, fmt, max_rows)


def _cap_rdf(spool: Spool, fmt: Format, max_rows: int) -> tuple[Spool, bool]:
    rdf_format = fmt.ox_format
    assert isinstance(rdf_format, ox.RdfFormat)
    if fmt.key in ("ntriples", "nquads"):
        with spool.reader() as handle:
            count = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(CHUNK), b""))
    else:
        with spool.reader() as handle:
            count = sum(1 for _ in ox.parse(handle, format=rdf_format))
    if count <= max_rows:
        return spool, False
    capped = Spool()
    with spool.reader() as handle:
        items = islice(ox.parse(handle, format=rdf_format), max_rows)
        if fmt.key in ("nquads", "trig"):
            ox.serialize(items, capped, format=rdf_format)
        else:
            ox.serialize((quad.triple for quad in items), capped, format=rdf_format)
    spool.close()
    return capped, True


def _cap_results(spool: Spool, fmt: Format, max_rows: int) -> tuple[Spool, bool]:
    if fmt.key == "tsv":
        return _cap_lines(spool, max_rows + 1)
    if fmt.key == "csv":
        return _cap_csv(spool, max_rows)
    if fmt.key == "xml":
        return _cap_xml(spool, max_rows)
    results_format = fmt.ox_format
    assert isinstance(results_format, ox.QueryResultsFormat)
    with spool.reader() as handle:
        parsed = ox.parse_query_results(handle, format=results_format)
        if not isinstance(parsed, ox.QuerySolutions):
            return spool, False
        count = sum(1 for _ in parsed)
    if count <= max_rows:
        return spool, False
    capped = Spool()
    with spool.reader() as handle:
        parsed = ox.parse_query_results(handle, format=results_format)
        assert isinstance(parsed, ox.QuerySolutions)
        write_json_results(parsed, capped, max_rows)
    spool.close()
    return capped, True


def _cap_lines(spool: Spool, keep: int) -> tuple[Spool, bool]:
    with spool.reader() as handle:
        count = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(CHUNK), b""))
    if count <= keep:
        return spool, False
    capped = Spool()
    with spool.reader() as handle:
        for line in islice(handle, keep):
            capped.write(line)
    spool.close()
    return capped, True


def _cap_csv(spool: Spool, max_rows: int) -> tuple[Spool, bool]:
    def rows(handle: io.BufferedIOBase) -> Iterator[list[str]]:
        return csv.reader(io.TextIOWrapper(handle, encoding="utf-8", newline=""))

    with spool.reader() as handle:
        count = sum(1 for _ in rows(handle)) - 1
    if count <= max_rows:
        return spool, False
    capped = Spool()
    with spool.reader() as handle:
        for row in islice(rows(handle), max_rows + 1):
            line = io.StringIO()
            csv.writer(line, lineterminator="\r\n").writerow(row)
            capped.write(line.getvalue().encode("utf-8"))
    spool.close()
    return capped, True


def _count_marker(spool: Spool, marker: bytes) -> int:
    count = 0
    carry = b""
    with spool.reader() as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            data = carry + chunk
            count += data.count(marker)
            # keep a tail shorter than the marker, so a marker split between chunks is counted once
            carry = data[-(len(marker) - 1) :]
            count -= carry.count(marker)
    return count


def _cap_xml(spool: Spool, max_rows: int) -> tuple[Spool, bool]:
    marker = b"</result>"
    if _count_marker(spool, marker) <= max_rows:
        return spool, False
    capped = Spool()
    seen = 0
    carry = b""
    with spool.reader() as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            data = carry + chunk
            position = 0
            while (found := data.find(marker, position)) >= 0:
                seen += 1
                position = found + len(marker)
                if seen == max_rows:
                    capped.write(data[:position] + b"</results></sparql>")
                    spool.close()
                    return capped, True
            keep = max(position, len(data) - len(marker) + 1)
            capped.write(data[:keep])
            carry = data[keep:]
    capped.close()
    return spool, False


def term_json(term: object) -> dict[str, object]:
    """One RDF term in the SPARQL 1.1 Query Results JSON format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        value: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            value["xml:lang"] = term.language
            direction = getattr(term, "direction", None)
            if direction is not None:
                value["its:dir"] = str(direction.value if hasattr(direction, "value") else direction).lower()
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            value["datatype"] = term.datatype.value
        return value
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": term_json(term.subject),
                "predicate": term_json(term.predicate),
                "object": term_json(term.object),
            },
        }
    raise TypeError(f"not an RDF term: {term!r}")


def write_json_results(solutions: ox.QuerySolutions, out: Spool, limit: int | None = None) -> None:
    """SPARQL JSON results, written row by row (used when the row cap cuts a result)."""
    names = [variable.value for variable in solutions.variables]
    out.write(b'{"head":{"vars":' + json.dumps(names).encode() + b'},"results":{"bindings":[')
    first = True
    for solution in islice(solutions, limit):
        row = {name: term_json(solution[name]) for name in names if solution[name] is not None}
        out.write((b"" if first else b",") + json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode())
        first = False
    out.write(b"]}}")
