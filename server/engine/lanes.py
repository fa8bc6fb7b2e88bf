"""The lanes of engine processes, so that one kind of work never waits for another.

- ``sparql``: queries sent to /sparql (and Graph Store reads) by anyone. Long queries there are
  scheduled by the admission policy (server/engine/admission.py).
- ``site``: the queries of the site itself (pages, the query API, canned queries, linked data), so that
  /sparql traffic never starves them.
- ``federated``: queries that call an allowed SERVICE endpoint (only when the allow-list is not empty):
  the only engines that may open network sockets.

Each lane has its own listening socket in the runtime folder and its own engines (and slots in the
engine table). With updates on the embedded store, one engine holds the store read-write (RocksDB
allows one writer), and every lane is that one engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

SPARQL, SITE, FEDERATED, STORE = "sparql", "site", "federated", "store"
TABLE_FILE = "engines.table"


@dataclass(frozen=True)
class Lane:
    name: str
    public: bool  # its long queries are scheduled (demoted, paused, capped)
    network: bool  # its engines may open network sockets
    federated: bool  # its engines may run queries that call allowed SERVICE endpoints
    idle: int  # engines kept waiting for work
    most: int  # engines at most


def lanes(config: dict[str, Any]) -> list[Lane]:
    """The lanes the configuration asks for (see the module documentation)."""
    remote = bool(config.get("BACKEND_URL"))
    allowlist = bool(config.get("SERVICE_ALLOWLIST"))
    if config.get("UPDATES_ENABLED") and not remote:
        return [Lane(STORE, True, allowlist, allowlist, 1, 1)]
    idle, most = int(config["ENGINES_IDLE"]), int(config["ENGINES"])
    # Remote: the engines forward to the remote endpoint (which runs any SERVICE call itself).
    found = [
        Lane(SPARQL, True, remote, remote, idle, most),
        Lane(SITE, False, remote, remote, max(1, idle // 2), max(2, most // 4)),
    ]
    if allowlist and not remote:
        found.append(Lane(FEDERATED, True, True, True, 1, max(2, most // 4)))
    return found


def route(config: dict[str, Any]) -> dict[str, str]:
    """Which served lane does the work of each kind (sparql, site, federated)."""
    served = {lane.name for lane in lanes(config)}
    if STORE in served:
        return {SPARQL: STORE, SITE: STORE, FEDERATED: STORE}
    return {SPARQL: SPARQL, SITE: SITE, FEDERATED: FEDERATED if FEDERATED in served else SPARQL}


def socket_path(runtime: Path, lane: str) -> Path:
    return runtime / f"{lane}.sock"


def table_slots(config: dict[str, Any]) -> int:
    return sum(lane.most for lane in lanes(config))


def slot_range(config: dict[str, Any], lane_name: str) -> range:
    """The slots of the engine table that belong to a lane."""
    first = 0
    for lane in lanes(config):
        if lane.name == lane_name:
            return range(first, first + lane.most)
        first += lane.most
    raise KeyError(lane_name)
