"""The dataset as a web worker's blocking code (Flask's views) sees it: every operation is a job for the
engine processes (server/engine/client.py), under the query deadline.

Views never hold a store: they call :class:`EngineStore` (``app.extensions["iscm_store"]``), which
sends the job to the lane it belongs to (the site's own queries to the ``site`` lane, Graph Store
reads and writes to the ``sparql`` lane) and turns the reply into bytes or a spool.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..backends import Dataset
from ..release_info import DatasetVersion, Versions
from ..results import Spool
from . import lanes, wire
from .client import Engines


@dataclass
class Result:
    kind: str  # "results" or "rdf"
    format: str  # the serialization's key (negotiation.py)
    spool: Spool
    truncated: bool


def spool_of(frame: wire.Frame) -> Spool:
    """The result a reply carries: its payload, or the file the engine passed."""
    if frame.fd is not None:
        fd, frame.fd = frame.fd, None
        return Spool.from_file(fd, int(frame.header.get("size") or 0))
    spool = Spool()
    spool.write(frame.payload)
    return spool


class EngineStore:
    """The served dataset, reached through the engines (see the module documentation)."""

    def __init__(self, engines: Engines, versions: Versions, config: dict[str, Any]) -> None:
        self.engines = engines
        self.timeout = float(config["QUERY_TIMEOUT"])
        self.remote = bool(config.get("BACKEND_URL"))
        self.writable = bool(config.get("UPDATES_ENABLED"))
        self.name = "remote" if self.remote else "oxigraph-embedded"
        self.dist = Path(config["DIST"]).resolve() if config.get("DIST") else None
        self.versions = versions

    @property
    def version(self) -> DatasetVersion:
        return self.versions.current

    @property
    def info(self) -> dict[str, Any]:
        return self.versions.info

    def _call(
        self, lane: str, header: dict[str, Any], payload: bytes = b"", parameter: str | None = None
    ) -> wire.Frame:
        return self.engines.call(lane, header, payload, self.timeout, parameter)

    def query(
        self, text: str, accept: str, max_rows: int = 0, dataset: Dataset | None = None, lane: str = lanes.SITE
    ) -> Result:
        """Run a query, its result in the serialization ``accept`` names. IRIs and strings from a request
        go into the text only as terms serialized by pyoxigraph (sparql_text.iri_term, QueryFile.bind)."""
        header: dict[str, Any] = {"op": "query", "accept": accept, "max_rows": max_rows}
        if dataset is not None and dataset.specified:
            header["dataset"] = [list(dataset.default_graphs), list(dataset.named_graphs)]
        frame = self._call(lane, header, text.encode("utf-8"), "query")
        head = frame.header
        return Result(str(head["kind"]), str(head["format"]), spool_of(frame), bool(head.get("truncated")))

    def update(self, text: str, using: list[str], using_named: list[str], base: str | None) -> None:
        header = {"op": "update", "using": using, "using_named": using_named, "base": base}
        try:
            self._call(lanes.SPARQL, header, text.encode("utf-8"), "update")
        finally:
            self.versions.written()

    def ping(self) -> tuple[bool, str]:
        frame = self._call(lanes.SITE, {"op": "ping"})
        return bool(frame.header.get("value")), str(frame.header.get("source") or "")

    def named_graphs(self, limit: int = 1000) -> list[str]:
        return list(self._call(lanes.SITE, {"op": "named_graphs", "limit": limit}).header["value"])

    def dump_graph(self, graph: str | None, fmt_key: str) -> Spool | None:
        """The graph (None: the default graph) in a serialization; None if there is no such graph."""
        frame = self._call(lanes.SPARQL, {"op": "dump_graph", "graph": graph, "format": fmt_key}, b"", "graph")
        return spool_of(frame) if frame.header.get("found") else None

    def write_graph(self, graph: str | None, triples: list[ox.Triple], replace: bool) -> bool:
        payload = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        try:
            frame = self._call(lanes.SPARQL, {"op": "write_graph", "graph": graph, "replace": replace}, payload, "body")
        finally:
            self.versions.written()
        return bool(frame.header["value"])

    def delete_graph(self, graph: str | None) -> bool:
        try:
            frame = self._call(lanes.SPARQL, {"op": "delete_graph", "graph": graph}, b"", "graph")
        finally:
            self.versions.written()
        return bool(frame.header["value"])
