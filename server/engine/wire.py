"""Messages between a web worker and an engine process, over a Unix stream socket.

A message is a frame: two 4-byte lengths, a JSON header, then a payload of bytes (a query text, a
result). A big result is not copied through the socket: the engine passes the open file that holds
it (an anonymous temporary file: it has no name, so nothing is left behind whoever dies) along with
the header (SCM_RIGHTS), and the receiver streams it from there.
"""

from __future__ import annotations

import array
import asyncio
import json
import os
import socket
import struct
from dataclasses import dataclass
from typing import Any

_LENGTHS = struct.Struct("!II")
_FD_SPACE = socket.CMSG_SPACE(array.array("i").itemsize)
_CHUNK = 262_144
# The largest frame we accept (a header is small; an inline payload is at most the spool's memory part).
MAX_FRAME = 64 * 1024 * 1024


class WireError(ConnectionError):
    """The peer closed the connection, or sent something that is not a frame."""


@dataclass
class Frame:
    header: dict[str, Any]
    payload: bytes = b""
    fd: int | None = None

    def close(self) -> None:
        """Close the passed file, if any (the receiver owns it)."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def encode(header: dict[str, Any], payload: bytes = b"") -> bytes:
    head = json.dumps(header, separators=(",", ":")).encode()
    return _LENGTHS.pack(len(head), len(payload)) + head + payload


def send(sock: socket.socket, header: dict[str, Any], payload: bytes = b"", fd: int | None = None) -> None:
    """Send one frame (blocking); ``fd`` travels with its first byte."""
    data = encode(header, payload)
    if fd is None:
        sock.sendall(data)
        return
    sent = sock.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [fd]))])
    if sent < len(data):
        sock.sendall(data[sent:])


class _Buffer:
    """Bytes and passed files received so far, cut into frames."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.fds: list[int] = []

    def add(self, data: bytes, ancillary: list[tuple[int, int, bytes]]) -> None:
        self.data += data
        for level, kind, raw in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds = array.array("i")
                fds.frombytes(raw[: len(raw) - len(raw) % fds.itemsize])
                self.fds.extend(fds)

    def frame(self) -> Frame | None:
        if len(self.data) < _LENGTHS.size:
            return None
        head_size, payload_size = _LENGTHS.unpack_from(self.data)
        total = _LENGTHS.size + head_size + payload_size
        if head_size + payload_size > MAX_FRAME:
            raise WireError("frame too large")
        if len(self.data) < total:
            return None
        try:
            header = json.loads(bytes(self.data[_LENGTHS.size : _LENGTHS.size + head_size]))
        except ValueError:
            raise WireError("not a frame") from None
        payload = bytes(self.data[_LENGTHS.size + head_size : total])
        del self.data[:total]
        fd = self.fds.pop(0) if header.get("fd") and self.fds else None
        return Frame(header, payload, fd)

    def close(self) -> None:
        for fd in self.fds:
            os.close(fd)
        self.fds = []


def receive(sock: socket.socket) -> Frame:
    """Receive one frame (blocking, within the socket's timeout)."""
    buffer = _Buffer()
    try:
        while (frame := buffer.frame()) is None:
            data, ancillary, _flags, _address = sock.recvmsg(_CHUNK, _FD_SPACE)
            if not data:
                raise WireError("the connection was closed")
            buffer.add(data, ancillary)
        return frame
    finally:
        buffer.close()


class Gone(Exception):
    """The HTTP client went away while its reply was awaited."""


async def receive_async(
    sock: socket.socket, until: float | None = None, gone: asyncio.Future[Any] | None = None
) -> Frame:
    """Receive one frame on a non-blocking socket without blocking the event loop; raise TimeoutError
    at ``until`` (the event loop's clock) and Gone when ``gone`` completes first."""
    loop = asyncio.get_running_loop()
    buffer = _Buffer()
    try:
        while (frame := buffer.frame()) is None:
            try:
                data, ancillary, _flags, _address = sock.recvmsg(_CHUNK, _FD_SPACE)
            except (BlockingIOError, InterruptedError):
                await _readable(loop, sock, until, gone)
                continue
            if not data:
                raise WireError("the connection was closed")
            buffer.add(data, ancillary)
        return frame
    finally:
        buffer.close()


_READABLE, _TIMEOUT, _GONE = "readable", "timeout", "gone"


def _settle(future: asyncio.Future[str], value: str) -> None:
    if not future.done():
        future.set_result(value)


async def _readable(
    loop: asyncio.AbstractEventLoop, sock: socket.socket, until: float | None, gone: asyncio.Future[Any] | None
) -> None:
    """Wait until ``sock`` is readable, with as few objects as possible (this is on every query's path)."""
    ready: asyncio.Future[str] = loop.create_future()
    fd = sock.fileno()
    loop.add_reader(fd, _settle, ready, _READABLE)
    timer = loop.call_at(until, _settle, ready, _TIMEOUT) if until is not None else None
    if gone is not None:
        gone.add_done_callback(lambda _future: _settle(ready, _GONE))
    try:
        outcome = await ready
    finally:
        loop.remove_reader(fd)
        if timer is not None:
            timer.cancel()
    if outcome == _TIMEOUT:
        raise TimeoutError
    if outcome == _GONE:
        raise Gone
