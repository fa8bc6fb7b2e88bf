"""What an engine process does with one request: the jobs, run against its backend.

A request is a frame (server/engine/wire.py) whose header names the operation (``op``) and whose
payload is the SPARQL text (or the triples to write). The reply's header says ``ok`` with what the
web worker needs to answer (kind and format of a result, its size, whether the row cap cut it), or
an ``error`` code the web worker maps to an HTTP status (server/engine/client.py); the result itself
is the payload, or an open file passed along (big results).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from .. import negotiation, service_policy, sparql_text
from ..backends import (
    Backend,
    BackendError,
    BackendUnavailable,
    BadData,
    Dataset,
    EvaluationError,
    NotAcceptable,
    QuerySyntaxError,
    parse_rdf,
)
from ..negotiation import BY_KEY, RDF
from ..results import Spool, apply_row_cap


@dataclass
class Reply:
    header: dict[str, Any]
    payload: bytes = b""
    spool: Spool | None = field(default=None, repr=False)  # a big result, passed as its open file

    @property
    def fd(self) -> int | None:
        return None if self.spool is None else self.spool.fileno()

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()


def error(code: str, message: str, **extra: Any) -> Reply:
    return Reply({"ok": False, "error": code, "message": message, **extra})


def result_reply(spool: Spool, **header: Any) -> Reply:
    """A successful reply carrying a serialized result, inline if it is in memory."""
    header.update(ok=True, size=spool.size)
    if spool.in_memory:
        payload = spool.getvalue()
        spool.close()
        return Reply(header, payload)
    header["fd"] = True
    return Reply(header, spool=spool)


class Jobs:
    """The operations of one engine process on its backend."""

    def __init__(self, backend: Backend, allowlist: list[str], federated: bool) -> None:
        self.backend = backend
        self.allowlist = allowlist
        self.federated = federated  # this engine may call allowed SERVICE endpoints

    def open(self) -> None:
        """Open the data in this process (an on-disk or writable store cannot be shared across a fork)."""
        try:
            self.backend.open()
        except BackendUnavailable:
            pass  # each job answers why, and /ready says so

    def run(self, header: dict[str, Any], payload: bytes) -> Reply:
        operation = getattr(self, "_" + str(header.get("op")), None)
        if operation is None:
            return error("bad_request", f"unknown operation {header.get('op')!r}")
        try:
            return operation(header, payload)
        except QuerySyntaxError as exc:
            return error("syntax", f"syntax error: {exc}")
        except NotAcceptable as exc:
            return error("not_acceptable", str(exc), kind=exc.kind)
        except service_policy.ServiceNotAllowed as exc:
            return error("service", str(exc))
        except sparql_text.DatasetConflict as exc:
            return error("conflict", str(exc))
        except BadData as exc:
            return error("bad_data", str(exc))
        except EvaluationError as exc:
            return error("evaluation", str(exc))
        except BackendUnavailable as exc:
            return error("unavailable", str(exc))
        except BackendError as exc:
            return error("backend", str(exc))
        except (ValueError, UnicodeDecodeError) as exc:
            return error("bad_request", str(exc))

    def _check_services(self, text: str, base: str | None, update: bool = False) -> Reply | None:
        if service_policy.check(text, self.allowlist, base, update) == service_policy.FEDERATED and not self.federated:
            return error("federate", "the query calls an allowed SERVICE endpoint")
        return None

    def _query(self, header: dict[str, Any], payload: bytes) -> Reply:
        text = payload.decode("utf-8")
        base = header.get("base")
        refused = self._check_services(text, base)
        if refused is not None:
            return refused
        defaults, named = header.get("dataset") or ([], [])
        dataset = Dataset(tuple(defaults), tuple(named), bool(header.get("dataset")))
        accept, format_param = header.get("accept"), header.get("format")
        outcome = self.backend.query(text, dataset, base, lambda kind: negotiation.choose(kind, accept, format_param))
        spool, truncated = apply_row_cap(outcome.spool, outcome.fmt, int(header.get("max_rows") or 0))
        return result_reply(spool, kind=outcome.kind, format=outcome.fmt.key, truncated=truncated)

    def _update(self, header: dict[str, Any], payload: bytes) -> Reply:
        text = payload.decode("utf-8")
        using, using_named = list(header.get("using") or []), list(header.get("using_named") or [])
        sparql_text.add_using_clauses(text, using, using_named)  # DatasetConflict before anything runs
        refused = self._check_services(text, header.get("base"), update=True)
        if refused is not None:
            return refused
        self.backend.update(text, using, using_named, header.get("base"))
        return Reply({"ok": True})

    def _ping(self, header: dict[str, Any], payload: bytes) -> Reply:
        return Reply({"ok": True, "value": self.backend.ping(), "source": self.backend.source})

    def _named_graphs(self, header: dict[str, Any], payload: bytes) -> Reply:
        return Reply({"ok": True, "value": self.backend.named_graphs(int(header.get("limit", 1000)))})

    def _graph_exists(self, header: dict[str, Any], payload: bytes) -> Reply:
        return Reply({"ok": True, "value": self.backend.graph_exists(header.get("graph"))})

    def _dump_graph(self, header: dict[str, Any], payload: bytes) -> Reply:
        graph = header.get("graph")
        if not self.backend.graph_exists(graph):
            return Reply({"ok": True, "found": False})
        spool = Spool()
        fmt = BY_KEY[(RDF, header["format"])]
        self.backend.dump_graph(graph, fmt, spool)
        return result_reply(spool, found=True, kind=RDF, format=fmt.key)

    def _write_graph(self, header: dict[str, Any], payload: bytes) -> Reply:
        graph = header.get("graph")
        triples = parse_rdf(payload, ox.RdfFormat.N_TRIPLES, None)
        created = self.backend.write_graph(graph, triples, replace=bool(header.get("replace")))
        return Reply({"ok": True, "value": created})

    def _delete_graph(self, header: dict[str, Any], payload: bytes) -> Reply:
        return Reply({"ok": True, "value": self.backend.delete_graph(header.get("graph"))})
