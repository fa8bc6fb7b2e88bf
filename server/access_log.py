"""The access log: one line per request, written in batches by a background thread.

A line costs the request a string format and a list append; a thread of each worker process writes
what accumulated every ``interval`` seconds (and at exit), in writes of whole lines of at most
PIPE_BUF bytes, so lines of several workers sharing stdout or an O_APPEND file never interleave.
Line format (times in UTC)::

    127.0.0.1 [2026-11-23 06:57:00 +0000] "GET /sparql?query=... HTTP/1.1" 200 1.2ms "curl/8.5.0"
"""

from __future__ import annotations

import atexit
import os
import re
import select
import sys
import threading
import time
from typing import Any

_CHUNK = getattr(select, "PIPE_BUF", 4096)


_UNPRINTABLE = re.compile(r'[\x00-\x1f\x7f"\\]')


def _printable(text: str) -> str:
    """The text with control characters, quotes and backslashes escaped: one request, one line."""
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class AccessLog:
    """Access log lines of one process, written to ``target``: "-" for stdout, or a file path."""

    def __init__(self, target: str, interval: float = 0.2) -> None:
        self.target = target
        self.interval = interval
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._started = False
        self._fd: int | None = None
        self._second = -1
        self._stamp = ""
        os.register_at_fork(after_in_child=self._after_fork_in_child)

    def record(self, scope: Any, status: int, seconds: float) -> None:
        """Log one answered request (``scope``: Granian's RSGI scope)."""
        now = int(time.time())
        if now != self._second:
            self._second = now
            self._stamp = time.strftime("%Y-%m-%d %H:%M:%S +0000", time.gmtime(now))
        query = scope.query_string
        target = _printable(scope.path + ("?" + query if query else ""))
        agent = _printable(scope.headers.get("user-agent") or "-")
        line = (
            f'{scope.client.rpartition(":")[0] or "-"} [{self._stamp}] "{_printable(scope.method)} {target} '
            f'HTTP/{scope.http_version}" {status} {seconds * 1000:.1f}ms "{agent}"\n'
        )
        with self._lock:
            self._lines.append(line)
            if not self._started:  # first line of this process (reset in a forked child)
                self._start()

    def _after_fork_in_child(self) -> None:
        self._started = False
        self._lines = []
        self._lock = threading.Lock()

    def _start(self) -> None:
        self._started = True
        self._fd = sys.stdout.fileno() if self.target == "-" else os.open(
            self.target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644
        )
        threading.Thread(target=self._loop, name="access-log", daemon=True).start()
        atexit.register(self.flush)

    def _loop(self) -> None:
        while True:
            time.sleep(self.interval)
            self.flush()

    def flush(self) -> None:
        """Write the lines recorded so far."""
        with self._lock:
            lines, self._lines = self._lines, []
        if not lines or self._fd is None:
            return
        batch: list[bytes] = []
        size = 0
        for line in lines:
            data = line.encode("utf-8", "replace")
            if batch and size + len(data) > _CHUNK:
                self._write(b"".join(batch))
                batch, size = [], 0
            batch.append(data)
            size += len(data)
        if batch:
            self._write(b"".join(batch))

    def _write(self, data: bytes) -> None:
        try:
            while data:
                data = data[os.write(self._fd, data) :]  # type: ignore[arg-type]
        except OSError:
            pass  # a closed stdout must not break serving
