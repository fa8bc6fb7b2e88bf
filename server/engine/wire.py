"""Messages between a web worker and an engine process, over a Unix stream socket.

A message is a frame: two 4-byte lengths, a JSON header, then a payload of bytes (a query text, a
result). A big result is not copied through the socket: the engine passes the open file that holds
it (an anonymous temporary file: it has no name, so nothing is left behind whoever dies) in one more
byte (SCM_RIGHTS), which the header announces (``"fd": true``) and which the engine sends only once
the receiver has acknowledged the frame. So nothing ever follows a frame unasked, and a frame is read
with one large read, which could not swallow that byte (its file would be lost with it).
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


_ACK = b"A"
_READ = 8_192  # most frames fit; a bigger one grows the buffer to its size


def send(sock: socket.socket, header: dict[str, Any], payload: bytes = b"", fd: int | None = None) -> None:
    """Send one frame (blocking), and ``fd`` once the receiver asks for it."""
    if fd is not None:
        header = {**header, "fd": True}
    sock.sendall(encode(header, payload))
    if fd is not None:
        if sock.recv(1) != _ACK:
            raise WireError("the receiver did not ask for the file")
        sock.sendmsg([b"F"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [fd]))])


def _lengths(prefix: bytes | bytearray) -> tuple[int, int]:
    head_size, payload_size = _LENGTHS.unpack(prefix)
    if head_size + payload_size > MAX_FRAME:
        raise WireError("frame too large")
    return head_size, payload_size


def _frame(body: bytes | bytearray | memoryview, head_size: int) -> Frame:
    try:
        header = json.loads(bytes(body[:head_size]))
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


def _grown(buffer: bytearray, size: int) -> bytearray:
    """A buffer of ``size`` bytes starting with ``buffer`` (a new one: views of the old one may be alive)."""
    grown = bytearray(size)
    grown[: len(buffer)] = buffer
    return grown


def _complete(buffer: bytearray, count: int) -> tuple[int, int] | None:
    """(header size, frame size) once the lengths are in, else None."""
    if count < _LENGTHS.size:
        return None
    head_size, payload_size = _lengths(buffer[: _LENGTHS.size])
    return head_size, _LENGTHS.size + head_size + payload_size


def receive(sock: socket.socket) -> Frame:
    """Receive one frame (blocking, within the socket's timeout)."""
    buffer = bytearray(_READ)
    count = 0
    sizes = None
    while sizes is None or count < sizes[1]:
        if sizes is not None and len(buffer) < sizes[1]:
            buffer = _grown(buffer, sizes[1])
        got = sock.recv_into(memoryview(buffer)[count : sizes[1] if sizes else None])
        if not got:
            raise WireError("the connection was closed")
        count += got
        sizes = sizes or _complete(buffer, count)
    frame = _frame(memoryview(buffer)[_LENGTHS.size : sizes[1]], sizes[0])
    if frame.header.get("fd"):
        sock.sendall(_ACK)
        data, ancillary, _flags, _address = sock.recvmsg(1, _FD_SPACE)
        if not data:
            raise WireError("the connection was closed")
        frame.fd = _take_fd(ancillary)
    return frame


# --- asynchronous -----------------------------------------------------------------------------------------


async def receive_async(loop: asyncio.AbstractEventLoop, sock: socket.socket) -> Frame:
    """Receive one frame on a non-blocking socket without blocking the event loop (the loop's own
    receive calls: no timer, no future of ours; whoever must stop the wait closes the other end)."""
    buffer = bytearray(_READ)
    count = 0
    sizes = None
    while sizes is None or count < sizes[1]:
        if sizes is not None and len(buffer) < sizes[1]:
            buffer = _grown(buffer, sizes[1])
        view = memoryview(buffer)[count : sizes[1] if sizes else None]
        try:  # what has arrived already is taken without a round through the loop
            got = sock.recv_into(view)
        except (BlockingIOError, InterruptedError):
            got = await loop.sock_recv_into(sock, view)
        if not got:
            raise WireError("the connection was closed")
        count += got
        sizes = sizes or _complete(buffer, count)
    frame = _frame(memoryview(buffer)[_LENGTHS.size : sizes[1]], sizes[0])
    if frame.header.get("fd"):
        await loop.sock_sendall(sock, _ACK)
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
