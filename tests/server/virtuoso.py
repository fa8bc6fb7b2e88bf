"""Virtuoso 7.2 (Debian package ``virtuoso-opensource``) on loopback, as a peer for the remote backend.

It runs in the foreground (``virtuoso-t -f``) on its own ini: the system ini with the database files under
``tmp``, free ports for isql and HTTP, the release's folder allowed for the bulk loader, and no row or time
cap of its own. :func:`load_nquads` bulk-loads the release into the graphs its N-Quads name and uses
graph-level security to hide Virtuoso's own graphs from the anonymous /sparql user. Then, with no
per-query addition (our RemoteBackend as it is):

- the default graph of a query that names no dataset is the union of our graphs as a BAG (a triple in n
  graphs comes n times: 80,047 rows for 79,270 distinct triples on the real release);
- ``GRAPH ?g`` / ``GRAPH <g>`` see exactly our graphs; FROM / FROM NAMED / default-graph-uri /
  named-graph-uri work as Virtuoso does them (see the report on branch helper-virtuoso for where that
  departs from the SPARQL 1.1 Protocol).

``union_graph=True`` also loads the distinct triples into :data:`UNION_GRAPH`: a query sent with
``default-graph-uri=UNION_GRAPH`` (``ISCM_KG_BACKEND_UNION_PARAMETER=`` :data:`UNION_PARAMETER`, which needs
the "name=value" change to RemoteBackend) then has the SET union as its default graph, but Virtuoso then
finds nothing in ``GRAPH <g>`` for any other g, and ``GRAPH ?g`` also sees UNION_GRAPH.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from .conftest import Server, free_port, wait_until_up

VIRTUOSO = "virtuoso-t"
ISQL = "isql-vt"
SYSTEM_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
DEBIAN_PACKAGE = "virtuoso-opensource"
# Our data's triples, each once (union_graph=True). It cannot be hidden from GRAPH ?g: `define input:named-graph-exclude` of it empties the default graph
# too, and a graph group of it as the default graph makes joins with property paths (rdfs:subClassOf*)
# return nothing (Virtuoso 7.2.5); so GRAPH ?g sees our named graphs and this one.
UNION_GRAPH = "urn:iscm-kg:union"
UNION_PARAMETER = f"default-graph-uri={UNION_GRAPH}"
# The graph the bulk loader would use for triples without one (an N-Quads file names each quad's graph).
NO_GRAPH = "urn:iscm-kg:no-graph"


@dataclass
class Virtuoso(Server):
    """A Virtuoso server: ``url`` is its HTTP base (``/sparql`` its endpoint), ``isql_port`` its SQL port,
    ``system_graphs`` the graphs it made for itself before we loaded anything."""

    isql_port: int = 0
    system_graphs: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def isql(self, *statements: str, timeout: float = 120) -> str:
        """Run SQL statements (each ending with ``;``) through isql-vt as dba; their output."""
        return isql(self.isql_port, " ".join(statements), timeout)

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                isql(self.isql_port, "shutdown;", timeout=30, check=False)
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        super().stop()


def isql(port: int, statements: str, timeout: float = 120, check: bool = True) -> str:
    result = subprocess.run(
        [ISQL, str(port), "dba", "dba", f"exec={statements}"],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    output = result.stdout + result.stderr
    # isql-vt exits 0 even when a statement fails; its errors start with "*** Error".
    if check and (result.returncode != 0 or "*** Error" in output):
        raise RuntimeError(f"isql-vt {port}: {statements!r} failed:\n{output}")
    return output


def write_ini(path: Path, tmp: Path, isql_port: int, http_port: int, allowed: list[Path]) -> None:
    """The system ini with our database files, ports and allowed folders, other settings kept."""
    db = tmp / "db"
    db.mkdir(parents=True, exist_ok=True)
    settings = {
        "Database": {
            "DatabaseFile": db / "virtuoso.db",
            "ErrorLogFile": db / "virtuoso.log",
            "LockFile": db / "virtuoso.lck",
            "TransactionFile": db / "virtuoso.trx",
            "xa_persistent_file": db / "virtuoso.pxa",
        },
        "TempDatabase": {"DatabaseFile": db / "virtuoso-temp.db", "TransactionFile": db / "virtuoso-temp.trx"},
        "Parameters": {
            "ServerPort": f"127.0.0.1:{isql_port}",
            "DirsAllowed": ", ".join([".", "/usr/share/virtuoso-opensource-7/vad", *map(str, allowed)]),
            "CheckpointInterval": 0,  # we checkpoint after loading; nothing else writes
            # No Conductor (the web admin UI): installing it at the first start took 3 of the 6 seconds.
            "VADInstallDir": "",
        },
        "HTTPServer": {"ServerPort": f"127.0.0.1:{http_port}"},
        # The system ini cuts results at 10,000 rows and queries at 60 s, silently (a partial answer with
        # a 200): our server applies its own limits, so the peer must not apply others.
        "SPARQL": {"ResultSetMaxRows": 1_000_000_000, "MaxQueryExecutionTime": 0, "MaxQueryCostEstimationTime": 0},
        "URIQA": {"DefaultHost": f"127.0.0.1:{http_port}"},
    }
    lines: list[str] = []
    section = ""
    pending: dict[str, object] = {}

    def flush() -> None:
        lines.extend(f"{key} = {value}" for key, value in pending.items())
        pending.clear()

    for line in SYSTEM_INI.read_text().splitlines():
        header = re.match(r"\s*\[([^\]]+)\]", line)
        if header:
            flush()
            section = header.group(1)
            pending.update(settings.get(section, {}))
            lines.append(line)
            continue
        key = re.match(r"\s*([A-Za-z_0-9]+)\s*=", line)
        if key and key.group(1) in settings.get(section, {}):
            if key.group(1) in pending:
                lines.append(f"{key.group(1)} = {pending.pop(key.group(1))}")
            continue  # a later duplicate of a key we set
        lines.append(line)
    flush()
    path.write_text("\n".join(lines) + "\n")


def graphs(server: Virtuoso) -> list[str]:
    """The graphs that hold a triple, as the anonymous user sees them. (Virtuoso answers ``GRAPH ?g { }``
    with one row, ?g unbound; its ``SELECT DISTINCT ?g`` lists graphs that graph-level security hides.)"""
    response = requests.post(
        server.sparql,
        data={"query": "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    response.raise_for_status()
    return sorted(row["g"]["value"] for row in response.json()["results"]["bindings"])


def load_nquads(server: Virtuoso, nquads: Path, union_graph: bool = False) -> None:
    """Bulk-load the release into the graphs its N-Quads name; with ``union_graph``, copy its distinct
    triples into UNION_GRAPH (a Virtuoso graph is a set: INSERT SOFT keeps one copy of a triple that is
    in several graphs). Then make every graph unreadable to the anonymous /sparql user ("nobody") but
    those loaded, so that Virtuoso's own graphs (5,611 triples: its RDF-view metadata, the DAV listing,
    its service description, the OWL and LDP vocabularies) are in no answer. (Hiding them with
    `define input:named-graph-exclude` instead made some queries with GRAPH ?g and ORDER BY, or with
    property paths, return no rows.) Graphs created later are hidden too: not for a writable store.
    """
    folder = str(nquads.resolve().parent)
    step = time.monotonic()
    server.isql(f"ld_dir('{folder}', '{nquads.name}', '{NO_GRAPH}');", "rdf_loader_run();")
    server.timings["bulk load"], step = time.monotonic() - step, time.monotonic()
    errors = server.isql("SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;")
    if "0 Rows" not in errors:
        raise RuntimeError(f"Virtuoso's bulk loader failed:\n{errors}")
    system = ", ".join(f"iri_to_id('{g}')" for g in server.system_graphs)
    if union_graph:
        # log_enable(2, 1): no transaction log, no per-row commit: 0.15 s instead of 1.5 s (the checkpoint
        # below makes it durable).
        server.isql(
            "log_enable(2, 1);",
            f"INSERT SOFT DB.DBA.RDF_QUAD (G, S, P, O) SELECT iri_to_id('{UNION_GRAPH}'), S, P, O"
            f" FROM DB.DBA.RDF_QUAD WHERE G NOT IN ({system});",
        )
        server.timings["union graph"], step = time.monotonic() - step, time.monotonic()
    # One procedure call: 3,160 separate statements would overflow isql-vt's command line.
    server.isql(
        "CREATE PROCEDURE DB.DBA.ISCM_KG_GRANT () { for (SELECT DISTINCT id_to_iri(G) AS graph"
        f" FROM DB.DBA.RDF_QUAD WHERE G NOT IN ({system})) do"
        " DB.DBA.RDF_GRAPH_USER_PERMS_SET(graph, 'nobody', 1); };",
        "DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 0);",
        "DB.DBA.ISCM_KG_GRANT();",
        timeout=300,
    )
    server.timings["graph permissions"], step = time.monotonic() - step, time.monotonic()
    server.isql("checkpoint;")
    server.timings["checkpoint"] = time.monotonic() - step


def start_virtuoso(
    name: str, tmp: Path, nquads: Path | None, writable: bool = False, union_graph: bool = False
) -> Virtuoso:
    """Virtuoso in the foreground on its own database under ``tmp/name``, loaded with ``nquads`` if given
    (see load_nquads); ``writable`` lets anyone update through /sparql (Virtuoso's anonymous SPARQL user
    may only read by default). ``stop()`` shuts it down with isql's ``shutdown``, then terminates it."""
    if shutil.which(VIRTUOSO) is None:
        raise RuntimeError(f"{VIRTUOSO} not found: install the Debian package {DEBIAN_PACKAGE} (make debs-test)")
    home = tmp / name
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    isql_port, http_port = free_port(), free_port()
    ini = home / "virtuoso.ini"
    write_ini(ini, home, isql_port, http_port, [nquads.resolve().parent] if nquads else [])
    log_path = tmp / f"{name}.log"
    started = time.monotonic()
    process = subprocess.Popen(
        [VIRTUOSO, "-f", "-c", str(ini)],
        cwd=home,
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{http_port}"
    server = Virtuoso(name, url, process, log_path, isql_port=isql_port)
    try:
        wait_until_up(url + "/sparql?query=ASK%7B%7D", process, log_path, timeout=60)
        server.timings["start"] = time.monotonic() - started
        server.system_graphs = graphs(server)
        if nquads is not None:
            loaded = time.monotonic()
            load_nquads(server, nquads, union_graph)
            server.timings["load"] = time.monotonic() - loaded
        if writable:
            server.isql('GRANT SPARQL_UPDATE TO "SPARQL";')
    except BaseException:
        server.stop()
        raise
    return server
