"""The life of one engine process: accept a web worker's connection, answer its jobs one at a time.

An engine is forked from the supervisor, which holds the store (server/engine/supervisor.py), so it
shares the in-memory copy. It takes one connection at a time from its lane's listening socket and
serves it until the web worker closes it (the web worker keeps it while it has work for it). Every
job is marked in the engine table (server/engine/table.py) while it runs. An engine whose job was
moved to idle priority says so in its reply (the web worker then knows the query's shape runs long),
and goes back to normal priority for the next job; where it may not (an unprivileged process cannot
raise its priority again), it retires, and says so, so that the web worker does not send it another.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from typing import NoReturn

from . import wire
from .jobs import Jobs, error
from .table import ACCEPTING, ASSIGNED, RUNNING, STARTING, Slot

log = logging.getLogger(__name__)


def serve_forever(listener: socket.socket, slot: Slot, index: int, jobs: Jobs, wake: int) -> NoReturn:
    """``wake``: a pipe to the supervisor, written when a long job ends (a paused one may then run)."""
    """Take connections from ``listener`` and answer their jobs until this process is ended."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.environ["RUST_BACKTRACE"] = "0"  # an engine a query made abort logs one line, not a backtrace
    pid = os.getpid()
    slot.state = STARTING
    slot.pid = pid
    jobs.open()
    while True:
        slot.state = ACCEPTING
        connection, _ = listener.accept()
        slot.state = ASSIGNED
        try:
            wire.send(connection, {"pid": pid, "slot": index})
            _serve(connection, slot, jobs, wake)
        except wire.WireError:
            pass  # the web worker closed the connection: the usual end
        except OSError as exc:
            log.warning("engine %d dropped a connection: %s", pid, exc)
        finally:
            connection.close()


def _serve(connection: socket.socket, slot: Slot, jobs: Jobs, wake: int) -> None:
    while True:
        frame = wire.receive(connection)  # the web worker closing its connection ends this (WireError)
        header = frame.header
        frame.close()
        if not _normal_priority():  # demoted as its last job ended: the web worker sends this job elsewhere
            os._exit(0)
        job = slot.job + 1
        slot.client = int(header.get("client") or 0)
        started = time.monotonic()
        slot.started = started
        slot.deadline = started + float(header.get("timeout") or 0)
        if header.get("long"):  # a shape that ran long before: idle priority from the start
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
            slot.marked_job = job
        slot.job = job
        slot.state = RUNNING
        try:
            reply = jobs.run(header, frame.payload)
        except Exception:  # noqa: BLE001 - a bug of ours: logged here, answered as such
            log.exception("engine %d failed on a %s job", os.getpid(), header.get("op"))
            reply = error("internal", "the engine failed on this request; the error was logged")
        slot.state = ASSIGNED
        retire = False
        if slot.demoted_job == job or os.sched_getscheduler(0) != os.SCHED_OTHER:
            reply.header["long"] = True
            retire = not _normal_priority()
            try:
                os.write(wake, b".")
            except BlockingIOError:
                pass  # the supervisor has a wake-up pending already
        if retire:
            reply.header["closing"] = True
        try:
            wire.send(connection, reply.header, reply.payload, reply.fd)
        finally:
            reply.close()
        if retire:
            os._exit(0)


def _normal_priority() -> bool:
    """Back to the normal scheduling policy if this engine was moved to idle priority; False if it may not."""
    if os.sched_getscheduler(0) == os.SCHED_OTHER:
        return True
    try:
        os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))
    except PermissionError:
        return False
    return True
