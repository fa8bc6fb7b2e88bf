"""Frames between web workers and engines (server/engine/wire.py): any size, and a file passed along."""

from __future__ import annotations

import asyncio
import os
import socket
import tempfile
import threading

import pytest

from server.engine import wire


@pytest.mark.parametrize("size", [0, 10, 8_192, 100_000, 5_000_000])
def test_frames_of_any_size_arrive_whole(size: int) -> None:
    payload = os.urandom(size)
    left, right = socket.socketpair(socket.AF_UNIX)
    with left, right:
        sender = threading.Thread(target=wire.send, args=(left, {"n": size}, payload))
        sender.start()
        frame = wire.receive(right)
        sender.join()
    assert frame.header == {"n": size} and frame.payload == payload


def test_a_file_is_passed_after_the_frame_once_asked_for() -> None:
    with tempfile.TemporaryFile() as spool:
        spool.write(b"a big result")
        spool.flush()
        left, right = socket.socketpair(socket.AF_UNIX)
        with left, right:
            sender = threading.Thread(target=wire.send, args=(left, {"size": 12}, b"", spool.fileno()))
            sender.start()
            frame = wire.receive(right)
            sender.join()
    assert frame is not None and frame.header["fd"] is True and frame.fd is not None
    with open(frame.fd, "rb", closefd=True) as passed:
        passed.seek(0)
        assert passed.read() == b"a big result"


def test_frames_arrive_whole_on_the_event_loop() -> None:
    payload = os.urandom(300_000)

    async def exchange() -> wire.Frame:
        loop = asyncio.get_running_loop()
        left, right = socket.socketpair(socket.AF_UNIX)
        right.setblocking(False)
        with left, right:
            sending = loop.run_in_executor(None, wire.send, left, {"k": "v"}, payload)
            frame = await wire.receive_async(loop, right)
            await sending
            return frame

    frame = asyncio.run(exchange())
    assert frame.header == {"k": "v"} and frame.payload == payload


def test_a_closed_connection_is_a_wire_error() -> None:
    left, right = socket.socketpair(socket.AF_UNIX)
    left.sendall(b"\x00\x00")
    left.close()
    with right, pytest.raises(wire.WireError):
        wire.receive(right)


def test_a_file_is_passed_on_the_event_loop_too() -> None:
    async def exchange(fd: int) -> wire.Frame:
        loop = asyncio.get_running_loop()
        left, right = socket.socketpair(socket.AF_UNIX)
        right.setblocking(False)
        with left, right:
            sending = loop.run_in_executor(None, wire.send, left, {"size": 5}, b"", fd)
            frame = await wire.receive_async(loop, right)
            await sending
            return frame

    with tempfile.TemporaryFile() as spool:
        spool.write(b"rows!")
        spool.flush()
        frame = asyncio.run(exchange(spool.fileno()))
    assert frame.fd is not None
    with open(frame.fd, "rb", closefd=True) as passed:
        passed.seek(0)
        assert passed.read() == b"rows!"
