"""Running the Flask app (WSGI) behind the gateway (RSGI): a pool of threads, a complete request in.

The gateway reads the whole request body first (with its time and size limits), so a slow client
never holds one of these threads. A response body that is a file on disk (``send_file``) is sent by
Granian natively; any other body is read from the app in pieces of up to 256 KiB per thread hop.
"""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
BATCH = 262_144


class FileBody:
    """``wsgi.file_wrapper``: a file the gateway can hand to Granian by its path."""

    def __init__(self, handle: Any, block_size: int = 65_536) -> None:
        self.handle = handle
        self.block_size = block_size
        name = getattr(handle, "name", None)
        self.path: str | None = name if isinstance(name, str) else None

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self.handle.read(self.block_size):
            yield chunk

    def close(self) -> None:
        self.handle.close()


def environ_for(scope: Any, body: bytes) -> dict[str, Any]:
    """The WSGI environ (PEP 3333) of an RSGI request whose body has been read."""
    host = ""
    environ: dict[str, Any] = {}
    for name, value in scope.headers.items():
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE" or key == "CONTENT_LENGTH":
            environ[key] = value
            continue
        key = "HTTP_" + key
        environ[key] = f"{environ[key]}, {value}" if key in environ else value
        if name == "host":
            host = value
    address, _, port = scope.client.rpartition(":")
    server_name, _, server_port = (host or "localhost").partition(":")
    environ.update(
        {
            "REQUEST_METHOD": scope.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": scope.path.encode("utf-8", "surrogateescape").decode("latin-1"),
            "QUERY_STRING": scope.query_string,
            "SERVER_NAME": server_name,
            "SERVER_PORT": server_port or ("443" if scope.scheme == "https" else "80"),
            "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
            "REMOTE_ADDR": address.strip("[]"),
            "REMOTE_PORT": port,
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": scope.scheme,
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.file_wrapper": FileBody,
        }
    )
    return environ


class WsgiBridge:
    """Answers RSGI requests with a WSGI app run in a thread pool."""

    def __init__(self, app: WsgiApp, threads: int) -> None:
        self.app = app
        self.pool = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="web")

    async def __call__(self, scope: Any, proto: Any, body: bytes) -> int:
        loop = asyncio.get_running_loop()
        status, headers, body_iter, iterator, first, done = await loop.run_in_executor(
            self.pool, self._start, environ_for(scope, body)
        )
        if isinstance(body_iter, FileBody) and body_iter.path is not None:
            body_iter.close()
            proto.response_file(status, headers, body_iter.path)
            return status
        if done:
            proto.response_bytes(status, headers, first)
            return status
        transport = proto.response_stream(status, headers)
        try:
            chunk = first
            while not done:
                if chunk:
                    await transport.send_bytes(chunk)
                chunk, done = await loop.run_in_executor(self.pool, _batch, iterator)
            if chunk:
                await transport.send_bytes(chunk)
        finally:
            await loop.run_in_executor(self.pool, _close, body_iter)
        return status

    def _start(self, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], Any, Any, bytes, bool]:
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            started[:] = [int(status[:3]), headers]
            return lambda data: None  # the legacy write() callable: not used by Flask

        body_iter = self.app(environ, start_response)
        if isinstance(body_iter, FileBody) and body_iter.path is not None:
            return started[0], started[1], body_iter, None, b"", False
        iterator = iter(body_iter)
        first, done = _batch(iterator)
        if done:
            _close(body_iter)
        return started[0], started[1], body_iter, iterator, first, done


def _batch(iterator: Iterator[bytes]) -> tuple[bytes, bool]:
    """Up to BATCH bytes of a body iterator, and whether it is exhausted."""
    parts: list[bytes] = []
    size = 0
    for part in iterator:
        parts.append(part)
        size += len(part)
        if size >= BATCH:
            return b"".join(parts), False
    return b"".join(parts), True


def _close(body_iter: Any) -> None:
    close = getattr(body_iter, "close", None)
    if close is not None:
        close()
