"""The engine table: what every engine process is doing, in shared memory.

One memory-mapped file in the runtime folder, one slot per engine process. An engine writes its own
slot (its pid, the job it runs, since when, for which client); the supervisor reads every slot on
each tick to schedule long queries and writes what it did (a demotion, an exit and why); the web
workers read the slot of an engine whose connection broke, to tell a crash from a kill, and the
header's list of clients that are over their quota. Each field is one aligned machine word, so a
reader never sees half a write; fields written by different processes are never the same field.
"""

from __future__ import annotations

import ctypes
import mmap
import os
import zlib
from pathlib import Path

# Slot states (written by the engine that owns the slot).
EMPTY, STARTING, ACCEPTING, ASSIGNED, RUNNING = 0, 1, 2, 3, 4
# Why the supervisor ended an engine (exit_reason), for the web worker that held its connection.
CRASHED, DEADLINE, OVER_CAPACITY, RETIRED = 1, 2, 3, 4
BLOCKED_MAX = 32


class Slot(ctypes.Structure):
    _fields_ = [
        # written by the engine
        ("pid", ctypes.c_int64),
        ("state", ctypes.c_int64),
        ("job", ctypes.c_uint64),
        ("client", ctypes.c_uint64),
        ("started", ctypes.c_double),  # time.monotonic() of the job's start (CLOCK_MONOTONIC: one clock per machine)
        ("deadline", ctypes.c_double),  # monotonic time by which the job must be done
        ("marked_job", ctypes.c_uint64),  # a job the web worker sent as long from the start (its shape ran long)
        # written by the supervisor
        ("demoted_job", ctypes.c_uint64),  # the job it moved to idle priority (the engine then retires)
        ("exit_pid", ctypes.c_int64),  # the last engine of this slot that ended, and how
        ("exit_signal", ctypes.c_int64),
        ("exit_code", ctypes.c_int64),
        ("exit_reason", ctypes.c_int64),
        ("exit_state", ctypes.c_int64),  # the engine's state when it ended (RUNNING: during a job)
    ]


class Header(ctypes.Structure):
    _fields_ = [
        ("slots", ctypes.c_int64),
        ("ready", ctypes.c_int64),  # the supervisor's pid once its lanes accept connections
        ("blocked_count", ctypes.c_int64),
        ("blocked", ctypes.c_uint64 * BLOCKED_MAX),  # clients over their quota of long queries
    ]


class Table:
    """The engine table mapped in this process (see the module documentation)."""

    def __init__(self, path: Path, slots: int | None = None) -> None:
        """Map the table at ``path``; with ``slots``, create (or reset) it first."""
        size = ctypes.sizeof(Header) + ctypes.sizeof(Slot) * (slots or 0)
        if slots is not None:
            with open(path, "wb") as handle:
                handle.truncate(size)
        self._fd = os.open(path, os.O_RDWR)
        self._map = mmap.mmap(self._fd, 0)
        self.header = Header.from_buffer(self._map)
        if slots is not None:
            self.header.slots = slots
        count = int(self.header.slots)
        self.slots = (Slot * count).from_buffer(self._map, ctypes.sizeof(Header))

    def __len__(self) -> int:
        return len(self.slots)

    def blocked(self, client: int) -> bool:
        """True if ``client`` holds as many long queries as it may (its next ones get 429)."""
        header = self.header
        count = header.blocked_count
        return count > 0 and client in header.blocked[: min(count, BLOCKED_MAX)]

    def set_blocked(self, clients: list[int]) -> None:
        header = self.header
        clients = clients[:BLOCKED_MAX]
        header.blocked_count = 0
        for index, client in enumerate(clients):
            header.blocked[index] = client
        header.blocked_count = len(clients)


def client_key(address: str) -> int:
    """A number for a client address, the same in every process (Python's hash() is not)."""
    return zlib.crc32(address.encode("utf-8", "replace")) + 1
