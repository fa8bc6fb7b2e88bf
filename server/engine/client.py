"""The web worker's side of the engines: connections per lane, a job with its deadline, and what to
answer when an engine did not.

A web worker keeps the connections it used (each is one engine, idle between jobs) and takes a new
one from the lane's socket when it has none free. A job is sent, and its reply awaited until the
deadline; then, or when the HTTP client goes away, the engine is killed (through a pidfd: the very
process, never a recycled pid) and the supervisor forks a fresh one. When a connection breaks, the
engine table says why (server/engine/table.py): the job crashed the engine (the query is to blame:
400), the admission policy refused one long query too many (429), or the engine was gone before the
job started (the job is sent again, to another engine).

Errors become :class:`~server.errors.ProtocolError`, with the HTTP status the client should see.
"""

from __future__ import annotations

import asyncio
import logging
import os
import select
import signal
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import negotiation
from ..errors import ProtocolError
from ..metrics import ENGINE_FAILURES
from . import lanes, wire
from .table import CRASHED, DEADLINE, OVER_CAPACITY, RUNNING, Table, client_key

log = logging.getLogger(__name__)
TIMEOUT_ADVICE = "simplify it, add a LIMIT, or run it on a copy of the data (dumps are published with each release)"
RETRY_AFTER = {"Retry-After": "5"}
# A reply not there after this long makes the web worker watch for the HTTP client going away.
WATCH_AFTER = 0.05
# How long a request waits for a supervisor that is being started again (it takes about a second).
RESTART_WAIT = 5.0
ATTEMPTS = 3
# Jobs that change nothing: sent again to another engine when one breaks off without a recorded reason.
READ_ONLY = frozenset({"query", "ping", "named_graphs", "graph_exists", "dump_graph"})


class Connection:
    """One engine, reached through a connection that only this web worker uses."""

    __slots__ = ("sock", "pid", "slot", "pidfd")

    def __init__(self, sock: socket.socket, pid: int, slot: int) -> None:
        self.sock = sock
        self.pid = pid
        self.slot = slot
        self.pidfd = os.pidfd_open(pid)

    def alive(self) -> bool:
        """True while the engine process has not ended (its pidfd turns readable when it does)."""
        return not select.select([self.pidfd], [], [], 0)[0]

    def kill(self) -> None:
        if self.pidfd < 0:  # closed: its engine was dealt with already
            return
        try:
            signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def close(self) -> None:
        """Close the socket and the pidfd (once: a pidfd number closed twice may be another file's by then)."""
        self.sock.close()
        if self.pidfd >= 0:
            os.close(self.pidfd)
            self.pidfd = -1


class EngineCrash(ProtocolError):
    """Evaluating the request made its engine fail: the request is to blame (400)."""

    def __init__(self, message: str, parameter: str | None) -> None:
        super().__init__(400, message, parameter)


class QueryTimedOut(ProtocolError):
    """The job did not finish by its deadline; its engine was killed (503)."""

    def __init__(self, message: str, parameter: str | None) -> None:
        super().__init__(503, message, parameter, RETRY_AFTER)


class _Retry(Exception):
    """The engine was gone before the job started: send it to another one."""


_TIMEOUT, _GONE = "timeout", "gone"
SWEEP = 0.02  # s between two looks at the jobs in flight on the event loop


@dataclass(eq=False)
class _Flight:
    """A job in flight on the event loop: its engine is killed at the deadline, or when the HTTP client
    goes away (watched once the job has run for WATCH_AFTER), which ends the wait for its answer."""

    connection: Connection
    until: float
    watch_at: float
    gone: Callable[[], Awaitable[Any]] | None
    watch: asyncio.Future[Any] | None = None
    outcome: str | None = None

    def end(self, outcome: str) -> None:
        if self.outcome is None:
            self.outcome = outcome
            self.connection.kill()


class _Sweeper:
    """Looks at the jobs in flight every SWEEP seconds (one timer for all, none while none is in flight):
    cheaper than a timer and a disconnect watch for every job."""

    def __init__(self) -> None:
        self.flights: set[_Flight] = set()
        self._timer: asyncio.TimerHandle | None = None

    def add(self, loop: asyncio.AbstractEventLoop, flight: _Flight) -> None:
        self.flights.add(flight)
        if self._timer is None:
            self._timer = loop.call_later(SWEEP, self._sweep, loop)

    def done(self, flight: _Flight) -> None:
        self.flights.discard(flight)
        if flight.watch is not None and not flight.watch.done():
            flight.watch.cancel()

    def _sweep(self, loop: asyncio.AbstractEventLoop) -> None:
        now = loop.time()
        for flight in self.flights:
            if flight.outcome is not None:
                continue
            if now >= flight.until:
                flight.end(_TIMEOUT)
            elif flight.watch is None and flight.gone is not None and now >= flight.watch_at:
                flight.watch = asyncio.ensure_future(flight.gone())
                flight.watch.add_done_callback(lambda watch, f=flight: watch.cancelled() or f.end(_GONE))
        self._timer = loop.call_later(SWEEP, self._sweep, loop) if self.flights else None


class Lane:
    """The connections of this web worker to one lane's engines."""

    def __init__(self, runtime: Path, name: str, table: Table, keep: int = 8) -> None:
        self.path = str(lanes.socket_path(runtime, name))
        self.table = table
        self.keep = keep
        self._idle: list[Connection] = []
        self._lock = threading.Lock()
        self._sweeper = _Sweeper()

    def _take(self) -> Connection | None:
        with self._lock:
            return self._idle.pop() if self._idle else None

    def _give_back(self, connection: Connection, frame: wire.Frame) -> None:
        if not frame.header.get("closing"):
            with self._lock:
                if len(self._idle) < self.keep:
                    self._idle.append(connection)
                    return
        connection.close()

    # --- blocking (Flask's threads) --------------------------------------------------------------------

    def call(self, header: dict[str, Any], payload: bytes, timeout: float, parameter: str | None) -> wire.Frame:
        """Run a job and return the engine's reply frame (raise ProtocolError when there is none)."""
        deadline = time.monotonic() + timeout
        for _attempt in range(ATTEMPTS):
            try:
                return self._attempt(header, payload, deadline, parameter)
            except _Retry:
                continue
        raise _unavailable("the query engine is restarting")

    def _attempt(self, header: dict[str, Any], payload: bytes, deadline: float, parameter: str | None) -> wire.Frame:
        connection = self._take() or self._connect(deadline)
        try:
            header["timeout"] = max(0.001, deadline - time.monotonic())
            wire.send(connection.sock, header, payload)
            connection.sock.settimeout(max(0.001, deadline - time.monotonic()))
            frame = wire.receive(connection.sock)
        except TimeoutError:
            connection.kill()
            connection.close()
            raise _timed_out(float(header["timeout"]), parameter) from None
        except OSError:
            why = self._why_ended(connection, parameter, time.sleep, header["op"] in READ_ONLY)
            connection.close()  # after asking its pidfd whether the engine is alive
            raise why from None
        self._give_back(connection, frame)
        return frame

    def _connect(self, deadline: float) -> Connection:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        wait_until = min(deadline, time.monotonic() + RESTART_WAIT)
        while True:
            try:
                sock.connect(self.path)
                break
            except OSError:
                if time.monotonic() >= wait_until:
                    sock.close()
                    raise _unavailable("the query engine is not running (it is being restarted)") from None
                time.sleep(0.05)  # the supervisor is being started again: it binds its sockets soon
        try:
            sock.settimeout(max(0.001, deadline - time.monotonic()))
            hello = wire.receive(sock)
            return Connection(sock, int(hello.header["pid"]), int(hello.header["slot"]))
        except TimeoutError:
            sock.close()
            raise _timed_out(0, None, "no query engine became free in time") from None
        except OSError:  # the engine ended as it took the connection
            sock.close()
            raise _Retry() from None

    # --- asynchronous (the gateway's event loop) ----------------------------------------------------------

    async def call_async(
        self,
        loop: asyncio.AbstractEventLoop,
        header: dict[str, Any],
        payload: bytes,
        until: float,
        parameter: str | None,
        gone: Callable[[], Awaitable[Any]] | None = None,
    ) -> wire.Frame:
        """Like :meth:`call`, on the event loop; ``until`` is the deadline on the loop's clock, ``gone``
        resolves when the HTTP client disconnects (the engine is then killed: wire.Gone is raised)."""
        data = b""
        for _attempt in range(ATTEMPTS):
            try:
                connection = self._take() or await self._connect_async(loop, until)
            except _Retry:
                continue
            flight = _Flight(connection, until, loop.time() + WATCH_AFTER, gone)
            self._sweeper.add(loop, flight)
            try:
                if not data:
                    header["timeout"] = max(0.001, until - loop.time())
                    data = wire.encode(header, payload)
                try:  # a job fits the socket's buffer almost always: no need to ask the loop
                    sent = connection.sock.send(data)
                except BlockingIOError:
                    sent = 0
                if sent < len(data):
                    await loop.sock_sendall(connection.sock, data[sent:])
                frame = await wire.receive_async(loop, connection.sock)
            except OSError:
                if flight.outcome is not None:
                    connection.close()
                if flight.outcome == _TIMEOUT:
                    raise _timed_out(float(header["timeout"]), parameter) from None
                if flight.outcome == _GONE:
                    raise wire.Gone from None
                why = await self._why_ended_async(connection, parameter, header["op"] in READ_ONLY)
                connection.close()  # after asking its pidfd whether the engine is alive
                if isinstance(why, _Retry):
                    continue
                raise why from None
            finally:
                self._sweeper.done(flight)
            if flight.outcome is not None:  # the answer came as its engine was being killed
                connection.close()
            else:
                self._give_back(connection, frame)
            return frame
        raise _unavailable("the query engine is restarting")

    async def _connect_async(self, loop: asyncio.AbstractEventLoop, until: float) -> Connection:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.setblocking(False)
        wait_until = min(until, loop.time() + RESTART_WAIT)
        while True:
            try:
                await loop.sock_connect(sock, self.path)
                break
            except OSError:
                if loop.time() >= wait_until:
                    sock.close()
                    raise _unavailable("the query engine is not running (it is being restarted)") from None
                await asyncio.sleep(0.05)
        try:
            hello = await asyncio.wait_for(wire.receive_async(loop, sock), max(0.001, until - loop.time()))
            return Connection(sock, int(hello.header["pid"]), int(hello.header["slot"]))
        except TimeoutError:
            sock.close()
            raise _timed_out(0, None, "no query engine became free in time") from None
        except OSError:  # the engine ended as it took the connection
            sock.close()
            raise _Retry() from None

    # --- why an engine did not answer --------------------------------------------------------------------

    def _ended(self, connection: Connection) -> tuple[int, int, int] | None:
        slot = self.table.slots[connection.slot]
        if slot.exit_pid != connection.pid:
            return None
        return slot.exit_reason, slot.exit_state, slot.exit_signal

    def _why_ended(
        self, connection: Connection, parameter: str | None, sleep: Callable[[float], None], retry: bool
    ) -> Exception:
        for attempt in range(100):  # the supervisor records an end within a tick or two
            ended = self._ended(connection)
            if ended is not None:
                return _explain(*ended, parameter)
            if attempt == 5 and connection.alive():
                break
            sleep(0.01)
        return self._unexplained(connection, retry)

    async def _why_ended_async(self, connection: Connection, parameter: str | None, retry: bool) -> Exception:
        for attempt in range(100):
            ended = self._ended(connection)
            if ended is not None:
                return _explain(*ended, parameter)
            if attempt == 5 and connection.alive():
                break
            await asyncio.sleep(0.01)
        return self._unexplained(connection, retry)

    @staticmethod
    def _unexplained(connection: Connection, retry: bool) -> Exception:
        """The connection broke and the engine did not end (or its end was not recorded): a job that
        changes nothing is sent again, to another engine."""
        ENGINE_FAILURES.labels("unexplained").inc()
        log.warning("the connection to engine %d broke without its end being recorded", connection.pid)
        return _Retry() if retry else _unavailable("the query engine stopped answering")


def _explain(reason: int, state: int, signum: int, parameter: str | None) -> Exception:
    if state != RUNNING:
        return _Retry()
    ENGINE_FAILURES.labels(_REASONS.get(reason, "restart")).inc()
    if reason == OVER_CAPACITY:
        return ProtocolError(
            429,
            "too many long-running queries are in progress (yours or in all); try again later",
            parameter,
            RETRY_AFTER,
        )
    if reason == DEADLINE:
        return _timed_out(0, parameter)
    if reason == CRASHED:
        name = signal.Signals(signum).name if signum else "a fatal error"
        return EngineCrash(
            f"evaluating this request made the query engine fail ({name}): it is probably nested too deeply "
            "or needs more memory than this server allows; simplify it",
            parameter,
        )
    return _unavailable("the query engine was restarted while it answered; try again")


_REASONS = {CRASHED: "crash", OVER_CAPACITY: "over_capacity", DEADLINE: "deadline"}


def _timed_out(seconds: float, parameter: str | None, message: str | None = None) -> ProtocolError:
    if message:
        return ProtocolError(503, message, parameter, RETRY_AFTER)
    return QueryTimedOut(
        f"the query did not finish within its time ({seconds:.3g} s) and was stopped; {TIMEOUT_ADVICE}", parameter
    )


def _unavailable(message: str) -> ProtocolError:
    return ProtocolError(503, message, None, RETRY_AFTER)


# --- replies ---------------------------------------------------------------------------------------------

_STATUSES = {
    "syntax": 400,
    "service": 400,
    "conflict": 400,
    "bad_data": 400,
    "bad_request": 400,
    "evaluation": 400,
    "unavailable": 503,
    "backend": 502,
    "internal": 500,
}


def check(frame: wire.Frame, parameter: str | None) -> wire.Frame:
    """The frame if the job succeeded; else the ProtocolError its error code stands for."""
    header = frame.header
    if header.get("ok"):
        return frame
    frame.close()
    code = header.get("error")
    message = str(header.get("message") or code)
    if code == "not_acceptable":
        offered = ", ".join(negotiation.offered_media_types(str(header.get("kind"))))
        raise ProtocolError(406, f"no acceptable format for this result; this endpoint offers: {offered}", "Accept")
    if code == "conflict":
        parameter = "using-graph-uri"
    elif code == "bad_data":
        parameter = "body"
    status = _STATUSES.get(str(code), 500)
    raise ProtocolError(status, message, parameter if status < 500 else None, RETRY_AFTER if status == 503 else None)


class Engines:
    """This web worker's lanes (server/engine/lanes.py), by the kind of work."""

    def __init__(self, config: dict[str, Any], runtime: Path) -> None:
        self.table = Table(runtime / lanes.TABLE_FILE)
        served = {name: Lane(runtime, name, self.table) for name in {lane.name for lane in lanes.lanes(config)}}
        self.lanes = {kind: served[name] for kind, name in lanes.route(config).items()}
        self.slots = {lane.name: lanes.slot_range(config, lane.name) for lane in lanes.lanes(config)}

    def jobs_in_engines(self) -> dict[str, int]:
        """The jobs in an engine now (running, or paused by the admission policy), by lane: read from the
        engine table, which every engine of every web worker's lanes writes."""
        table = self.table.slots
        return {name: sum(1 for i in slots if table[i].state == RUNNING) for name, slots in self.slots.items()}

    def blocked(self, client: str) -> bool:
        """True if this client address holds its quota of long queries (its new requests get 429)."""
        return self.table.blocked(client_key(client))

    def call(
        self, kind: str, header: dict[str, Any], payload: bytes, timeout: float, parameter: str | None
    ) -> wire.Frame:
        """A job on the lane for ``kind`` (blocking); a query that calls an allowed SERVICE endpoint goes on
        to the federated lane."""
        frame = self.lanes[kind].call(header, payload, timeout, parameter)
        if frame.header.get("error") == "federate":
            frame = self.lanes[lanes.FEDERATED].call(header, payload, timeout, parameter)
        return check(frame, parameter)

    async def call_async(
        self,
        kind: str,
        header: dict[str, Any],
        payload: bytes,
        until: float,
        parameter: str | None,
        gone: Callable[[], Awaitable[Any]] | None = None,
    ) -> wire.Frame:
        loop = asyncio.get_running_loop()
        frame = await self.lanes[kind].call_async(loop, header, payload, until, parameter, gone)
        if frame.header.get("error") == "federate":
            frame = await self.lanes[lanes.FEDERATED].call_async(loop, header, payload, until, parameter, gone)
        return check(frame, parameter)
