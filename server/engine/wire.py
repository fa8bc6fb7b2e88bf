"""Messages between a web worker and an engine process, over a Unix stream socket.

A message is a frame: two 4-byte lengths, a JSON header, then a payload of bytes (a query text, a
result). A big result is not copied through the socket: the engine passes the open file that holds
it (an anonymous temporary file: it has no name, so nothing is left behind whoever dies) in one more
byte right after the frame (SCM_RIGHTS), which the header announces (``"fd": true``). Frames are read
by exact lengths, so that a read never swallows that byte (its file would be lost with it).
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
# The largest frame we accept (a header is small; an inline payload is at most the spool's memory part).
MAX_FRAME = 64 * 1024 * 1024


class WireError(ConnectionError):
    """The peer closed the connection, or sent something that is not a frame."""


class Gone(Exception):
    """The HTTP client went away while its answer was awaited."""


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
    """Send one frame (blocking), and ``fd`` after it."""
    if fd is not None:
        header = {**header, "fd": True}
    sock.sendall(encode(header, payload))
    if fd is not None:
        sock.sendmsg([b"F"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [fd]))])


def _lengths(prefix: bytes | bytearray) -> tuple[int, int]:
    head_size, payload_size = _LENGTHS.unpack(prefix)
    if head_size + payload_size > MAX_FRAME:
        raise WireError("frame too large")
    return head_size, payload_size


def _frame(body: bytes | bytearray, head_size: int) -> Frame:
    try:
        header = json.loads(body[:head_size])
    except ValueError:
        raise WireError("not a frame") from None
    return Frame(header, bytes(body[head_size:]))


def _take_fd(ancillary: list[tuple[int, int, bytes]]) -> int:
    fds = array.array("i")
    for level, kind, raw in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(raw[: len(raw) - len(raw) % fds.itemsize])
    if not fds:
        raise WireError("the announced file did not come")
    for extra in fds[1:]:
        os.close(extra)
    return fds[0]


# --- blocking --------------------------------------------------------------------------------------------


def _recv_exactly(sock: socket.socket, size: int) -> bytearray:
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        count = sock.recv_into(view[got:])
        if not count:
            raise WireError("the connection was closed")
        got += count
    return buffer


def receive(sock: socket.socket) -> Frame:
    """Receive one frame (blocking, within the socket's timeout)."""
    head_size, payload_size = _lengths(_recv_exactly(sock, _LENGTHS.size))
    frame = _frame(_recv_exactly(sock, head_size + payload_size), head_size)
    if frame.header.get("fd"):
        data, ancillary, _flags, _address = sock.recvmsg(1, _FD_SPACE)
        if not data:
            raise WireError("the connection was closed")
        frame.fd = _take_fd(ancillary)
    return frame


# --- asynchronous -----------------------------------------------------------------------------------------


async def _recv_exactly_async(loop: asyncio.AbstractEventLoop, sock: socket.socket, size: int) -> bytearray:
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        try:  # what has arrived already is taken without a round through the loop
            count = sock.recv_into(view[got:])
        except (BlockingIOError, InterruptedError):
            count = await loop.sock_recv_into(sock, view[got:])
        if not count:
            raise WireError("the connection was closed")
        got += count
    return buffer


async def receive_async(sock: socket.socket) -> Frame:
    """Receive one frame on a non-blocking socket without blocking the event loop (the loop's own
    receive calls: no timer, no future of ours; whoever must stop the wait closes the other end)."""
    loop = asyncio.get_running_loop()
    head_size, payload_size = _lengths(await _recv_exactly_async(loop, sock, _LENGTHS.size))
    frame = _frame(await _recv_exactly_async(loop, sock, head_size + payload_size), head_size)
    if frame.header.get("fd"):
        while True:
            try:
                data, ancillary, _flags, _address = sock.recvmsg(1, _FD_SPACE)
                break
            except (BlockingIOError, InterruptedError):
                await _readable(loop, sock)
        if not data:
            raise WireError("the connection was closed")
        frame.fd = _take_fd(ancillary)
    return frame


async def _readable(loop: asyncio.AbstractEventLoop, sock: socket.socket) -> None:
    ready: asyncio.Future[None] = loop.create_future()
    fd = sock.fileno()
    loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
    try:
        await ready
    finally:
        loop.remove_reader(fd)
