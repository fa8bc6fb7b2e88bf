"""Tools for the attack and fuzz tests: a raw HTTP/1.1 client that sends exactly the bytes it is given and
tells a complete answer from a dropped connection, a canary listener that records every connection made
to it, and the CPU time of a server's whole process tree (read from /proc, no psutil)."""

from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

MAX_HEAD = 1 << 20  # bytes of status line and headers we accept from a server


# --- a raw HTTP/1.1 client ----------------------------------------------------------------------------


class Dropped(Exception):
    """No complete HTTP response arrived. ``kind``: closed (no byte at all), cut (a partial response),
    reset (the server reset the connection), timeout (nothing more within the client's timeout)."""

    def __init__(self, kind: str, detail: str = "", partial: bytes = b"") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.partial = partial


@dataclass
class RawResponse:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    interim: list[int] = field(default_factory=list)  # 1xx answers seen before this one

    def header(self, name: str) -> str | None:
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None

    @property
    def media_type(self) -> str:
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 80


class Connection:
    """One TCP connection to the server; several requests may go over it (keep-alive)."""

    def __init__(self, url: str, timeout: float = 30) -> None:
        self.host, self.port = host_port(url)
        self.sock = socket.create_connection((self.host, self.port), timeout=timeout)
        self.sock.settimeout(timeout)
        self._buffer = b""

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, data: bytes) -> None:
        try:
            self.sock.sendall(data)
        except OSError as exc:  # the server may answer (and close) before it has read all we send
            raise Dropped("reset", f"while sending: {exc}") from None

    def shutdown_write(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def _fill(self, seen: bytes) -> bool:
        """Read more bytes into the buffer; False on a clean end of the stream."""
        try:
            chunk = self.sock.recv(65536)
        except TimeoutError:
            raise Dropped("timeout", "no more bytes within the client timeout", seen + self._buffer) from None
        except OSError as exc:
            raise Dropped("reset", str(exc), seen + self._buffer) from None
        if not chunk:
            return False
        self._buffer += chunk
        return True

    def _read_until(self, marker: bytes, limit: int, seen: bytes) -> bytes:
        while marker not in self._buffer:
            if len(self._buffer) > limit:
                raise Dropped("cut", f"no {marker!r} within {limit} bytes", seen + self._buffer)
            if not self._fill(seen):
                raise Dropped(
                    "closed" if not seen and not self._buffer else "cut", "end of stream", seen + self._buffer
                )
        data, _, self._buffer = self._buffer.partition(marker)
        return data + marker

    def _read_exactly(self, count: int, seen: bytes) -> bytes:
        while len(self._buffer) < count:
            if not self._fill(seen):
                raise Dropped("cut", f"body ended after {len(self._buffer)} of {count} bytes", seen + self._buffer)
        data, self._buffer = self._buffer[:count], self._buffer[count:]
        return data

    def read_response(self, head: bool = False) -> RawResponse:
        """The next complete response (1xx answers skipped); raises Dropped otherwise."""
        interim: list[int] = []
        seen = b""
        while True:
            raw_head = self._read_until(b"\r\n\r\n", MAX_HEAD, seen)
            seen += raw_head
            lines = raw_head[:-4].decode("latin-1").split("\r\n")
            status_line = lines[0].split(" ", 2)
            if len(status_line) < 2 or not status_line[0].startswith("HTTP/1.") or not status_line[1].isdigit():
                raise Dropped("cut", f"not an HTTP status line: {lines[0]!r}", seen)
            status = int(status_line[1])
            reason = status_line[2] if len(status_line) > 2 else ""
            headers = []
            for line in lines[1:]:
                name, colon, value = line.partition(":")
                if not colon:
                    raise Dropped("cut", f"not a header line: {line!r}", seen)
                headers.append((name.strip(), value.strip()))
            if 100 <= status < 200 and status != 101:
                interim.append(status)
                continue
            break
        response = RawResponse(status, reason, headers, b"", interim)
        if head or status in (204, 304):
            return response
        encoding = (response.header("Transfer-Encoding") or "").lower()
        if "chunked" in encoding:
            body = b""
            while True:
                size_line = self._read_until(b"\r\n", 4096, seen + body)
                try:
                    size = int(size_line.split(b";")[0].strip(), 16)
                except ValueError:
                    raise Dropped("cut", f"bad chunk size {size_line!r}", seen + body) from None
                if size == 0:
                    self._read_until(b"\r\n", MAX_HEAD, seen + body)  # (no trailers expected) the last CRLF
                    break
                body += self._read_exactly(size, seen + body)
                self._read_exactly(2, seen + body)
            response.body = body
        elif response.header("Content-Length") is not None:
            response.body = self._read_exactly(int(response.header("Content-Length") or 0), seen)
        else:  # the body ends with the connection
            while self._fill(seen):
                pass
            response.body, self._buffer = self._buffer, b""
        return response


def exchange(url: str, data: bytes, timeout: float = 30, head: bool = False, half_close: bool = False) -> RawResponse:
    """Send ``data`` on a new connection and read one complete response (or raise Dropped)."""
    try:
        connection = Connection(url, timeout)
    except OSError as exc:
        raise Dropped("refused", str(exc)) from None
    with connection:
        try:
            connection.send(data)
        except Dropped:
            pass  # the server answered (and closed) before it read everything: read that answer
        if half_close:
            connection.shutdown_write()
        return connection.read_response(head=head)


def request_bytes(
    method: str,
    target: str | bytes,
    host: str,
    headers: list[tuple[str, str]] | None = None,
    body: bytes | None = None,
    content_length: bool = True,
    close: bool = True,
) -> bytes:
    """The bytes of one HTTP/1.1 request, as given (no quoting, no checks)."""
    target_bytes = target if isinstance(target, bytes) else target.encode("utf-8", errors="surrogateescape")
    lines = [method.encode("latin-1") + b" " + target_bytes + b" HTTP/1.1", b"Host: " + host.encode("latin-1")]
    for name, value in headers or []:
        lines.append(name.encode("latin-1") + b": " + value.encode("latin-1"))
    if body is not None and content_length:
        lines.append(b"Content-Length: " + str(len(body)).encode())
    if close:
        lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + (body or b"")


def get(url: str, target: str, headers: list[tuple[str, str]] | None = None, timeout: float = 30) -> RawResponse:
    host, port = host_port(url)
    return exchange(url, request_bytes("GET", target, f"{host}:{port}", headers), timeout)


# --- a canary: a listener that records whoever connects ----------------------------------------------

CANARY_RESULTS = (
    b'{"head":{"vars":["s","p","o"]},"results":{"bindings":[{"s":{"type":"uri","value":"http://canary.example/s"},'
    b'"p":{"type":"uri","value":"http://canary.example/p"},"o":{"type":"uri","value":"http://canary.example/o"}}]}}'
)


class Canary:
    """A TCP listener on 127.0.0.1 that records every connection and answers a tiny valid SPARQL JSON result
    (so that a query that reached it would also succeed: the worst case)."""

    def __init__(self) -> None:
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.2)
        self.port: int = self._listener.getsockname()[1]
        self.connections: list[bytes] = []  # the first bytes each connection sent
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="canary", daemon=True)
        self._thread.start()

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.connections)

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.connections.append(b"")
                index = len(self.connections) - 1
            threading.Thread(target=self._answer, args=(client, index), daemon=True).start()

    def _answer(self, client: socket.socket, index: int) -> None:
        client.settimeout(5)
        data = b""
        try:
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = client.recv(65536)
                if not chunk:
                    break
                data += chunk
            with self._lock:
                self.connections[index] = data[:2000]
            client.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                b"Content-Length: "
                + str(len(CANARY_RESULTS)).encode()
                + b"\r\nConnection: close\r\n\r\n"
                + CANARY_RESULTS
            )
        except OSError:
            pass
        finally:
            client.close()

    def close(self) -> None:
        self._stopped.set()
        self._listener.close()
        self._thread.join(timeout=5)


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- CPU of a process tree ------------------------------------------------------------------------------

_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()  # fields from the state on: [0] state, [1] ppid, ...


def process_tree(root: int) -> set[int]:
    """``root`` and all its descendants (by scanning /proc for parent ids)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        fields = _stat(int(entry.name))
        if fields is not None:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid not in tree:
            tree.add(pid)
            todo += children.get(pid, [])
    return tree


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU time of the tree so far, including children it has reaped (cutime, cstime), so
    that a process that exits during a measurement keeps counting through its parent."""
    total = 0
    for pid in process_tree(root):
        fields = _stat(pid)
        if fields is not None:  # utime, stime, cutime, cstime are fields 14-17 of stat (here 11-14)
            total += sum(int(value) for value in fields[11:15])
    return total / _TICKS


def cpu_over(root: int, seconds: float = 1.0) -> float:
    """CPU seconds the tree used over the next ``seconds`` of wall time."""
    before = tree_cpu_seconds(root)
    time.sleep(seconds)
    return tree_cpu_seconds(root) - before


def first_quiet_window(root: int, limit: float, within: float, window: float = 1.0) -> tuple[float | None, list]:
    """Slide a ``window`` over the tree's CPU (sampled every 0.1 s) until one used less than ``limit`` CPU
    seconds, for at most ``within`` seconds from now. Returns (when that window ended, measured from now, or
    None) and the CPU seconds of each window seen."""
    start = time.monotonic()
    samples: list[tuple[float, float]] = [(0.0, tree_cpu_seconds(root))]
    seen: list[float] = []
    while True:
        time.sleep(0.1)
        now = time.monotonic() - start
        samples.append((now, tree_cpu_seconds(root)))
        earlier = [s for s in samples if s[0] <= now - window]
        if earlier:
            used = samples[-1][1] - earlier[-1][1]
            seen.append(round(used, 2))
            if used < limit:
                return now, seen
        if now > within:
            return None, seen


def files_under(directory: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``directory``: relative path -> (size, bytes allocated on disk). The allocated size
    is what a leak costs; prometheus_client's memory-mapped files are mostly holes (64 KiB, 8-40 KiB used)."""
    found = {}
    for path in directory.rglob("*"):
        try:
            info = path.stat()
        except OSError:  # gone meanwhile
            continue
        if path.is_file():
            found[str(path.relative_to(directory))] = (info.st_size, info.st_blocks * 512)
    return found
