"""Run the endpoint: ``iscm-kg serve``.

Two kinds of processes, supervised so that no request can take the service down:

- the engine supervisor (engine/supervisor.py), started here as a child process: it loads the
  release into memory once and forks the engine processes that evaluate every query. Should it ever
  end, it is started again (with a back-off when it keeps failing; never given up);
- Granian (Rust, hyper), whose web workers run the gateway (gateway.py) and the Flask app. Granian
  replaces a worker that dies; should it stop after a crash loop, it is started again.

HUP reloads: a new supervisor opens the (possibly new) release in a new runtime folder, the web
workers are replaced and reach it, and the old supervisor lets its running queries finish.
"""

from __future__ import annotations

import ctypes.util
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from .engine import lanes, lifeline
from .engine.table import Table

log = logging.getLogger(__name__)

# When Granian gives up after workers that had served this long died (see run()), it is started again.
MIN_SERVING_BEFORE_RESTART = 15.0


class Engines:
    """The engine supervisor process, kept running (see the module documentation)."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.runtime: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._old: list[tuple[subprocess.Popen[bytes], Path]] = []
        self._lock = threading.Lock()
        self._stopping = False

    def start(self) -> None:
        """A new runtime folder (sockets, engine table) and a supervisor in it; the web workers started
        from now on use it (ISCM_KG_RUNTIME)."""
        runtime = Path(tempfile.mkdtemp(prefix="iscm-kg-run-", dir=runtime_parent()))
        Table(runtime / lanes.TABLE_FILE, slots=lanes.table_slots(self.config))
        with self._lock:
            if self._process is not None and self.runtime is not None:
                self._process.terminate()  # graceful: its running queries finish
                self._old.append((self._process, self.runtime))
            self.runtime = runtime
            os.environ["ISCM_KG_RUNTIME"] = str(runtime)
            self._process = self._spawn(runtime)
        threading.Thread(target=self._watch, args=(self._process,), name="engines", daemon=True).start()
        self._wait_ready(runtime)

    def _wait_ready(self, runtime: Path, seconds: float = 120) -> None:
        """Wait until the supervisor accepts connections (it loads the release first)."""
        table = Table(runtime / lanes.TABLE_FILE)
        deadline = time.monotonic() + seconds
        while not table.header.ready and time.monotonic() < deadline:
            time.sleep(0.02)
        if not table.header.ready:
            log.error("the engine supervisor is not ready after %.0f s; serving anyway", seconds)

    def _spawn(self, runtime: Path) -> subprocess.Popen[bytes]:
        env = {**os.environ, "ISCM_KG_RUNTIME": str(runtime)}
        return subprocess.Popen([sys.executable, "-m", "server.engine.supervisor"], env=env)

    def _watch(self, process: subprocess.Popen[bytes]) -> None:
        backoff = 0.5
        while True:
            started = time.monotonic()
            code = process.wait()
            with self._lock:
                if self._stopping or process is not self._process or self.runtime is None:
                    return
                lived = time.monotonic() - started
                backoff = 0.5 if lived > 30 else min(10.0, backoff * 2)
                log.error("the engine supervisor ended (status %s); starting it again in %.1f s", code, backoff)
            time.sleep(backoff)
            with self._lock:
                if self._stopping or process is not self._process or self.runtime is None:
                    return
                process = self._process = self._spawn(self.runtime)
            self._reap_old()

    def _reap_old(self) -> None:
        with self._lock:
            for process, runtime in list(self._old):
                if process.poll() is not None:
                    shutil.rmtree(runtime, ignore_errors=True)
                    self._old.remove((process, runtime))

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
            processes = [(self._process, self.runtime)] + self._old
        for process, _runtime in processes:
            if process is not None and process.poll() is None:
                process.terminate()
        for process, runtime in processes:
            if process is not None:
                try:
                    process.wait(timeout=float(self.config["QUERY_TIMEOUT"]) + 5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            if runtime is not None:
                shutil.rmtree(runtime, ignore_errors=True)


# A Unix socket's path holds at most 107 bytes (sun_path): the engines' sockets are {runtime}/{lane}.sock.
SOCKET_PATH_MAX = 107
LONGEST_SOCKET = "iscm-kg-run-12345678/federated.sock"


def runtime_parent() -> str:
    """Where the runtime folder goes: under TMPDIR when the engines' socket paths fit there, else under /tmp."""
    parent = tempfile.gettempdir()
    if len(os.fsencode(os.path.join(parent, LONGEST_SOCKET))) <= SOCKET_PATH_MAX:
        return parent
    log.info("TMPDIR %s is too long for the engines' socket paths: their runtime folder goes under /tmp", parent)
    return "/tmp"


def granian_options(host: str, port: int, workers: int, config: dict[str, Any]) -> dict[str, Any]:
    """The Granian settings for our app."""
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings

    return {
        "address": host,
        "port": port,
        "interface": Interfaces.RSGI,
        "factory": True,
        "workers": workers,
        "http1_settings": HTTP1Settings(
            header_read_timeout=int(float(config["HEADER_TIMEOUT"]) * 1000),
            max_buffer_size=int(config["MAX_REQUEST_BYTES"]) + 65_536,
        ),
        "log_access": False,  # ours (access_log.py) costs a request less than Granian's logging-based one
        "respawn_failed_workers": True,
        "respawn_interval": 0.5,
        "workers_kill_timeout": int(float(config["QUERY_TIMEOUT"])) + 10,
    }


def use_jemalloc() -> None:
    """Restart this process with jemalloc as its memory allocator, if it is installed and not in use yet.

    Oxigraph evaluates aggregations about 17 % faster with jemalloc than with glibc's malloc (measured:
    docs/performance.md); the allocator can only be chosen when a process starts (LD_PRELOAD), so the
    server re-executes itself once, with the same command line (the engines inherit it).
    ISCM_KG_JEMALLOC=off keeps glibc's.
    """
    from iscm_kg.settings import load_setting

    if str(load_setting("JEMALLOC")).lower() in ("off", "0", "false", "no"):
        return
    preload = os.environ.get("LD_PRELOAD", "")
    if "jemalloc" in preload:
        return
    library = ctypes.util.find_library("jemalloc")
    if library is None:
        log.warning("jemalloc is not installed (Debian: libjemalloc2): aggregations run about 15 %% slower")
        return
    os.execve(sys.executable, sys.orig_argv, {**os.environ, "LD_PRELOAD": f"{preload} {library}".strip()})


def run(host: str, port: int, workers: int, dist: Path, backend_url: str | None) -> None:
    """Serve the application on ``host:port`` with ``workers`` web worker processes until stopped."""
    use_jemalloc()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [serve] %(levelname)s %(message)s")
    from granian import Granian

    from iscm_kg.settings import load_config

    # The workers and the supervisor read their settings from the environment.
    os.environ["ISCM_KG_DIST"] = str(Path(dist).absolute())  # a symlink is resolved by each supervisor
    if backend_url:
        os.environ["ISCM_KG_BACKEND_URL"] = backend_url
    os.environ.setdefault("ISCM_KG_ACCESS_LOG", "-")  # set it empty for no access log
    config = load_config()  # a bad setting fails here, once, with a clear message
    if config["UPDATES_ENABLED"] and workers != 1:
        log.warning("updates are on: one web worker, so that it sees every write (its caches are keyed on them)")
        workers = 1
    metrics_dir = None
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        metrics_dir = tempfile.mkdtemp(prefix="iscm-kg-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    lifeline.mark_serve()  # the workers and the supervisor end when this process is gone
    engines = Engines(config)
    engines.start()
    try:
        while True:
            server = Granian("server.gateway:worker_app", **granian_options(host, port, max(1, workers), config))
            server.on_reload(engines.start)  # HUP: a new supervisor on the (possibly new) release first
            started = time.monotonic()
            try:
                server.serve()  # returns when stopped by a signal
                return
            except SystemExit as exc:
                # Granian exits when a worker dies again within seconds of being started (a crash loop).
                # Workers that had been serving were killed (the OOM killer?): start afresh rather than
                # leave the endpoint down; at start-up, fail as Granian does.
                if exc.code in (0, None) or time.monotonic() - started < MIN_SERVING_BEFORE_RESTART:
                    raise
                log.error("the web workers died one after the other: starting them again")
    finally:
        engines.stop()
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)
