"""Where queries are evaluated, inside an engine process (server/engine/): the embedded Oxigraph store
(default) or a remote SPARQL 1.1 endpoint.

Both answer the same small interface, which the engine's jobs (server/engine/jobs.py) call:

- ``query(text, dataset, base_iri, chooser)`` evaluates a query and serializes the results into a
  :class:`~server.results.Spool`, in the format ``chooser(kind)`` picks once the kind of result
  (``"results"`` or ``"rdf"``) is known;
- ``update(text, using, using_named, base_iri)``;
- graph operations for the Graph Store Protocol, ``named_graphs()`` and ``ping()``.

The web workers never hold a backend: they send jobs to the engine processes.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import requests

from iscm_kg.querying import materialize_default_graph, statement
from iscm_kg.settings import SETTINGS

from . import sparql_text
from .negotiation import BY_KEY, RDF, RESULTS, Format
from .results import Spool

log = logging.getLogger(__name__)

Chooser = Callable[[str], "Format | None"]


# --- errors the protocol layer turns into HTTP statuses ---------------------------------------------


class QuerySyntaxError(ValueError):
    """The query or update text is not valid SPARQL (400)."""


class NotAcceptable(Exception):
    """No serialization of this kind of result fits the client's Accept header (406)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class BadData(ValueError):
    """An RDF payload could not be parsed (400)."""


class BackendError(RuntimeError):
    """The remote endpoint failed (502)."""


class EvaluationError(BackendError):
    """The engine could not evaluate a valid query (a failed SERVICE call, a resource limit): 400."""


class BackendUnavailable(BackendError):
    """There is no dataset to serve, or the remote endpoint cannot be reached (503)."""


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset named by the protocol parameters; ``specified`` is False when none were given."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    specified: bool = False


@dataclass
class QueryOutcome:
    kind: str
    fmt: Format
    spool: Spool
    truncated: bool = False


def _short(message: str, limit: int = 300) -> str:
    """An engine message cut to a readable length (Oxigraph lists every token it expected)."""
    return message if len(message) <= limit else message[:limit].rstrip() + " ..."


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _graph(graph: str | None) -> ox.NamedNode | ox.DefaultGraph:
    return ox.DefaultGraph() if graph is None else ox.NamedNode(graph)


def parse_rdf(data: bytes, rdf_format: ox.RdfFormat, base_iri: str | None) -> list[ox.Triple]:
    """The triples of an RDF payload (quads in named graphs are refused: this is for one graph)."""
    try:
        return [
            quad.triple
            for quad in ox.parse(
                data, format=rdf_format, base_iri=base_iri, without_named_graphs=True, rename_blank_nodes=True
            )
        ]
    except (SyntaxError, ValueError) as exc:
        raise BadData(f"the request body is not valid {rdf_format.name}: {exc}") from None


class Backend:
    """The interface; see the module documentation."""

    name = "backend"
    writable = False

    def query(
        self,
        text: str,
        dataset: Dataset,
        base_iri: str | None,
        chooser: Chooser,
    ) -> QueryOutcome:
        raise NotImplementedError

    def update(self, text: str, using: list[str], using_named: list[str], base_iri: str | None) -> None:
        raise NotImplementedError

    def load(self) -> bool:
        """Load the data now, before the engine processes are forked, for them to share; True if done."""
        return False

    def open(self) -> None:
        """Make the data ready in this (engine) process."""

    @property
    def source(self) -> str:
        return self.name

    def ping(self) -> bool:
        raise NotImplementedError

    def named_graphs(self, limit: int = 1000) -> list[str]:
        raise NotImplementedError

    def graph_exists(self, graph: str | None) -> bool:
        raise NotImplementedError

    def dump_graph(self, graph: str | None, fmt: Format, sink: Spool) -> None:
        raise NotImplementedError

    def write_graph(self, graph: str | None, triples: list[ox.Triple], replace: bool) -> bool:
        """Replace or add to a graph; True if the graph was created."""
        raise NotImplementedError

    def delete_graph(self, graph: str | None) -> bool:
        """Drop a graph (clear the default graph); False if it did not exist."""
        raise NotImplementedError

    def close(self) -> None:
        """Release what the backend holds."""


# --- the embedded store -----------------------------------------------------------------------------


class EmbeddedBackend(Backend):
    """pyoxigraph in this process: the release in memory or read-only on disk, or the store read-write
    when updates are on.

    The default graph holds every triple of the named graphs once (a set, as SPARQL's RDF dataset
    says): :meth:`load` writes the union into the default graph of the in-memory copy, and the build
    writes it into the release's on-disk store. (Oxigraph's own union default graph is a bag: a triple
    in n named graphs would come back n times.) A writable store keeps Oxigraph's union, if asked for.
    """

    name = "oxigraph-embedded"

    def __init__(
        self,
        dist: Path | None,
        store_path: Path | None = None,
        writable: bool = False,
        union_default_graph: bool = True,
        in_memory: str = SETTINGS["IN_MEMORY"][1],
        in_memory_max_quads: int = SETTINGS["IN_MEMORY_MAX_QUADS"][1],
    ) -> None:
        self.dist = Path(dist).resolve() if dist is not None else None
        self.store_path = Path(store_path) if store_path else (self.dist / "store" if self.dist else None)
        self.writable = writable
        self.union_default_graph = union_default_graph
        self.in_memory = str(in_memory).lower()
        self.in_memory_max_quads = in_memory_max_quads
        self._store: ox.Store | None = None
        self._union = False  # ask Oxigraph for its (bag) union of the graphs
        self._source = "none"

    # opening
    def load(self) -> bool:
        """Load the release into memory now (before the engine processes are forked from this one, so
        that they share the copy), if it is to be served from memory; True if it did.

        The copy is read from the release's N-Quads dump; the union of its named graphs is then written
        into the default graph (0.2 s for the 93,691 quads of the release).
        """
        dump = self.dist / "iscm-kg.nq" if self.dist else None
        if self.writable or self.in_memory in ("off", "0", "false", "no") or dump is None or not dump.exists():
            return False
        if self.in_memory == "auto":
            with dump.open("rb") as lines:
                if sum(1 for _ in lines) > self.in_memory_max_quads:  # one quad per line
                    return False
        memory = ox.Store()
        memory.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
        if self.union_default_graph:
            materialize_default_graph(memory)
        self._store = memory
        self._source = f"{dump} (in memory, shared by the engine processes)"
        return True

    @property
    def store(self) -> ox.Store:
        if self._store is None:
            self._store = self._open()
        return self._store

    def open(self) -> None:
        self.store  # noqa: B018 - opens it

    def _open(self) -> ox.Store:
        path = self.store_path
        if self.writable:
            if path is None:
                raise BackendUnavailable("updates are on but no store path is configured (ISCM_KG_STORE)")
            self._source = f"store {path} (read-write)"
            self._union = self.union_default_graph
            return ox.Store(str(path))
        if path is None or not (path / "CURRENT").exists():
            raise BackendUnavailable(f"no dataset to serve: no store at {path}; run `iscm-kg build`")
        store = ox.Store.read_only(str(path))
        self._source = f"store {path} (read-only)"
        if self.union_default_graph and not _has_default_graph(store):
            log.warning("the store %s has no default graph (a release older than the build that writes it): "
                        "serving Oxigraph's union of the named graphs, where a triple in n graphs counts n times; "
                        "rebuild the release", path)
            self._union = True
        return store

    @property
    def source(self) -> str:
        return self._source

    # queries
    def query(
        self,
        text: str,
        dataset: Dataset,
        base_iri: str | None,
        chooser: Chooser,
    ) -> QueryOutcome:
        kwargs: dict[str, Any] = {}
        if dataset.specified:
            kwargs["default_graph"] = [_iri(g) for g in dataset.default_graphs]
            kwargs["named_graphs"] = [_iri(g) for g in dataset.named_graphs]
        elif self._union and not _has_dataset_clause(text):
            kwargs["use_default_graph_as_union"] = True
        store = self.store
        safe = _total_order_by(text)
        try:
            result = store.query(safe, base_iri=base_iri, **kwargs)
        except SyntaxError as exc:
            if safe == text:
                raise QuerySyntaxError(_short(str(exc))) from None
            try:  # the message, with its line and column, of the text as it was sent
                store.query(text, base_iri=base_iri, **kwargs)
            except SyntaxError as original:
                raise QuerySyntaxError(_short(str(original))) from None
            raise QuerySyntaxError(_short(str(exc))) from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise EvaluationError(f"query evaluation failed: {_short(str(exc))}") from None
        kind = RDF if isinstance(result, ox.QueryTriples) else RESULTS
        fmt = chooser(kind)
        if fmt is None:
            raise NotAcceptable(kind)
        spool = Spool()
        try:
            result.serialize(spool, format=fmt.ox_format)
        except (OSError, RuntimeError, ValueError) as exc:
            spool.close()
            raise EvaluationError(f"query evaluation failed: {_short(str(exc))}") from None
        return QueryOutcome(kind, fmt, spool)

    def update(self, text: str, using: list[str], using_named: list[str], base_iri: str | None) -> None:
        text = sparql_text.add_using_clauses(text, using, using_named)
        try:
            self.store.update(text, base_iri=base_iri)
        except SyntaxError as exc:
            raise QuerySyntaxError(_short(str(exc))) from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise EvaluationError(f"update failed: {_short(str(exc))}") from None

    def ping(self) -> bool:
        return bool(self.store.query(statement("protocol/ping.rq")))

    def named_graphs(self, limit: int = 1000) -> list[str]:
        names = []
        for graph in self.store.named_graphs():
            if isinstance(graph, ox.NamedNode):
                names.append(graph.value)
            if len(names) >= limit:
                break
        return sorted(names)

    # graphs
    def graph_exists(self, graph: str | None) -> bool:
        return graph is None or self.store.contains_named_graph(_iri(graph))

    def dump_graph(self, graph: str | None, fmt: Format, sink: Spool) -> None:
        rdf_format = fmt.ox_format
        assert isinstance(rdf_format, ox.RdfFormat)
        if rdf_format.supports_datasets:
            ox.serialize(self.store.quads_for_pattern(None, None, None, _graph(graph)), sink, format=rdf_format)
        else:
            self.store.dump(sink, format=rdf_format, from_graph=_graph(graph))

    def write_graph(self, graph: str | None, triples: list[ox.Triple], replace: bool) -> bool:
        target = _graph(graph)
        created = not self.graph_exists(graph)
        if replace and not created:
            self.store.clear_graph(target)
        if graph is not None:
            self.store.add_graph(target)
        self.store.extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in triples)
        return created

    def delete_graph(self, graph: str | None) -> bool:
        if graph is None:
            self.store.clear_graph(ox.DefaultGraph())
            return True
        if not self.store.contains_named_graph(_iri(graph)):
            return False
        self.store.remove_graph(_iri(graph))
        return True

    def close(self) -> None:
        if self._store is not None and self.writable:
            try:
                self._store.flush()
            except OSError:
                pass
        self._store = None


def _has_default_graph(store: ox.Store) -> bool:
    return next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None


@functools.lru_cache(maxsize=1024)
def _total_order_by(text: str) -> str:
    """The query with an ORDER BY the embedded Oxigraph can sort without aborting (see
    :func:`sparql_text.total_order_by`); remembered, as the same texts come again and again."""
    return sparql_text.total_order_by(text)


def _has_dataset_clause(text: str) -> bool:
    """True if the query names its own dataset (FROM / FROM NAMED), which then wins over the union."""
    if "from" not in text.lower():
        return False
    return any(
        t.kind == "word" and t.depth == 0 and t.upper == "FROM" for t in sparql_text.tokens(sparql_text.unescape(text))
    )


# --- a remote SPARQL 1.1 endpoint ---------------------------------------------------------------------


class RemoteBackend(Backend):
    """Any SPARQL 1.1 endpoint (Oxigraph server, Fuseki, Virtuoso, QLever) reached over HTTP.

    Results are asked for in one format per kind (SPARQL JSON; N-Triples for graphs) and written again
    by pyoxigraph in the format negotiated with our client, so that every backend answers in the same
    forms (Virtuoso's TSV headers, its ``typed-literal``, its CSV booleans differ otherwise). Graph
    operations are done with SPARQL queries and updates, and the protocol's USING parameters are
    written into the update, so any SPARQL 1.1 server works. The remote end decides what its default
    graph is (docs/endpoint.md says how to load ours).
    """

    name = "remote"

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        timeout: float = 30.0,
        writable: bool = False,
        union_parameter: str | None = None,
    ) -> None:
        self.query_url = query_url
        self.union_parameter = union_parameter
        self.update_url = update_url or query_url
        self.timeout = timeout
        self.writable = writable
        self._local = threading.local()

    @property
    def source(self) -> str:
        return f"remote endpoint {self.query_url}"

    @property
    def session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers["User-Agent"] = "iscm-kg-sparql-endpoint"
            self._local.session = session
        return session

    def _post(
        self,
        url: str,
        data: dict[str, Any],
        accept: str | None,
        timeout: float | None = None,
        stream: bool = False,
    ) -> requests.Response:
        headers = {"Accept": accept} if accept else {}
        try:
            return self.session.post(
                url, data=data, headers=headers, timeout=(5, timeout or self.timeout), stream=stream
            )
        except requests.RequestException as exc:
            raise BackendUnavailable(f"the SPARQL endpoint {url} cannot be reached: {exc}") from None

    @staticmethod
    def _with_base(text: str, base_iri: str | None) -> str:
        """The text with our base IRI declared, unless it declares its own (Virtuoso refuses two)."""
        if not base_iri or sparql_text.declares_base(text):
            return text
        return f"BASE {sparql_text.iri_term(base_iri)}\n{text}"

    def query(
        self,
        text: str,
        dataset: Dataset,
        base_iri: str | None,
        chooser: Chooser,
    ) -> QueryOutcome:
        form = sparql_text.query_form(text)
        kind = RDF if form in ("CONSTRUCT", "DESCRIBE") else RESULTS
        fmt = chooser(kind)
        if fmt is None:
            raise NotAcceptable(kind)
        data: dict[str, Any] = {"query": self._with_base(text, base_iri)}
        if dataset.specified:
            data["default-graph-uri"] = list(dataset.default_graphs)
            data["named-graph-uri"] = list(dataset.named_graphs)
        elif self.union_parameter and not _has_dataset_clause(text):
            data[self.union_parameter] = ""
        wire = _WIRE[kind]
        response = self._post(self.query_url, data, wire.media_type, stream=True)
        with response:
            if response.status_code == 400:
                raise QuerySyntaxError(_short(response.text))
            if response.status_code == 406:
                raise NotAcceptable(kind)
            if 400 < response.status_code < 500:
                raise EvaluationError(f"the SPARQL endpoint answered {response.status_code}: {_short(response.text)}")
            if response.status_code >= 300:
                raise BackendError(f"the SPARQL endpoint answered {response.status_code}: {_short(response.text)}")
            received = Spool()
            for chunk in response.iter_content(65_536):
                received.write(chunk)
        try:
            return QueryOutcome(kind, fmt, _rewrite(received, kind, fmt))
        except (SyntaxError, ValueError) as exc:
            raise BackendError(f"the SPARQL endpoint's answer is not valid {wire.key}: {_short(str(exc))}") from None
        finally:
            received.close()

    def update(self, text: str, using: list[str], using_named: list[str], base_iri: str | None) -> None:
        # As USING clauses in the text: Virtuoso applies the protocol parameters to the whole request.
        text = sparql_text.add_using_clauses(text, using, using_named)
        response = self._post(self.update_url, {"update": self._with_base(text, base_iri)}, None)
        with response:
            if response.status_code == 400:
                raise QuerySyntaxError(_short(response.text))
            if response.status_code >= 300:
                raise BackendError(f"the SPARQL endpoint answered {response.status_code}: {response.text[:500]}")

    def _ask(self, text: str, timeout: float | None = None) -> bool:
        response = self._post(self.query_url, {"query": text}, "application/sparql-results+json", timeout)
        with response:
            if response.status_code >= 300:
                raise BackendError(f"the SPARQL endpoint answered {response.status_code}")
            return bool(response.json().get("boolean"))

    def ping(self) -> bool:
        return self._ask(statement("protocol/ping.rq"), timeout=5)

    def named_graphs(self, limit: int = 1000) -> list[str]:
        names: list[str] = []
        # Virtuoso answers the empty pattern with one row, ?g unbound: then ask for the graphs that hold a
        # triple, with GROUP BY (its SELECT DISTINCT ?g lists the graphs its graph-level security hides).
        for query in (statement("protocol/named-graphs.rq"), statement("protocol/named-graphs-with-triples.rq")):
            response = self._post(self.query_url, {"query": query}, "application/sparql-results+json")
            with response:
                if response.status_code >= 300:
                    raise BackendError(f"the SPARQL endpoint answered {response.status_code}")
                rows = response.json()["results"]["bindings"]
            names = sorted(row["g"]["value"] for row in rows if row.get("g", {}).get("type") == "uri")
            if names:
                break
        return names[:limit]  # the query files ask for at most 1000

    def graph_exists(self, graph: str | None) -> bool:
        if graph is None:
            return True
        name = sparql_text.iri_term(graph)
        return self._ask(statement("protocol/graph-has-triples.rq", graph=name)) or self._ask(
            statement("protocol/graph-is-named.rq", graph=name)
        )

    def dump_graph(self, graph: str | None, fmt: Format, sink: Spool) -> None:
        text = (statement("protocol/dump-default.rq") if graph is None
                else statement("protocol/dump-graph.rq", graph=sparql_text.iri_term(graph)))
        outcome = self.query(text, Dataset(), None, lambda kind: fmt)
        for chunk in outcome.spool.chunks():
            sink.write(chunk)

    def write_graph(self, graph: str | None, triples: list[ox.Triple], replace: bool) -> bool:
        created = not self.graph_exists(graph)
        body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
        if graph is None:
            statements = [statement("protocol/clear-default.ru")] if replace else []
            if body:
                statements.append(statement("protocol/insert-into-default.ru", triples=body))
        else:
            name = sparql_text.iri_term(graph)
            statements = [statement("protocol/clear-graph.ru", graph=name)] if replace else []
            statements.append(statement("protocol/create-graph.ru", graph=name))
            if body:
                statements.append(statement("protocol/insert-into-graph.ru", graph=name, triples=body))
        self.update(" ;\n".join(statements), [], [], None)
        return created

    def delete_graph(self, graph: str | None) -> bool:
        if graph is not None and not self.graph_exists(graph):
            return False
        text = (statement("protocol/drop-default.ru") if graph is None
                else statement("protocol/drop-graph.ru", graph=sparql_text.iri_term(graph)))
        self.update(text, [], [], None)
        return True


# What a remote endpoint is asked for, per kind of result; then written again in the negotiated format.
_WIRE = {RESULTS: BY_KEY[(RESULTS, "json")], RDF: BY_KEY[(RDF, "ntriples")]}


def _rewrite(received: Spool, kind: str, fmt: Format) -> Spool:
    """A remote answer (in its _WIRE format) written by pyoxigraph in ``fmt``."""
    spool = Spool()
    with received.reader() as handle:
        if kind == RDF:
            rdf_format = fmt.ox_format
            assert isinstance(rdf_format, ox.RdfFormat)
            ox.serialize(ox.parse(handle, format=ox.RdfFormat.N_TRIPLES), spool, format=rdf_format)
        else:
            results_format = fmt.ox_format
            assert isinstance(results_format, ox.QueryResultsFormat)
            ox.parse_query_results(handle, format=ox.QueryResultsFormat.JSON).serialize(spool, format=results_format)
    return spool


def create_backend(config: dict[str, Any]) -> Backend:
    """The backend the configuration asks for (the embedded store unless BACKEND_URL is set)."""
    if config.get("BACKEND_URL"):
        return RemoteBackend(
            config["BACKEND_URL"],
            config.get("BACKEND_UPDATE_URL"),
            timeout=float(config["QUERY_TIMEOUT"]) + 5,
            writable=bool(config.get("UPDATES_ENABLED")),
            union_parameter=config.get("BACKEND_UNION_PARAMETER"),
        )
    store = config.get("STORE_PATH")
    return EmbeddedBackend(
        config.get("DIST"),
        Path(store) if store else None,
        writable=bool(config.get("UPDATES_ENABLED")),
        union_default_graph=bool(config["UNION_DEFAULT_GRAPH"]),
        in_memory=str(config["IN_MEMORY"]),
        in_memory_max_quads=int(config["IN_MEMORY_MAX_QUADS"]),
    )
