"""Run the application with the production WSGI server (Granian): ``iscm-kg serve``.

Granian (Rust, hyper) parses HTTP and manages connections natively; each worker process runs the WSGI
app in a pool of threads, and queries run natively with the GIL released. A Python WSGI server
(gunicorn) spends more per request on HTTP than Oxigraph spends on a small query: see
docs/performance.md. Each worker builds the app itself (the factory :func:`worker_app`), so it opens
the store after it was started. A worker that had to give up on a runaway query stops taking requests,
answers those it holds, and exits; Granian starts a fresh one in its place (see executor.py).

Also runnable as ``python -m server.serve --host H --port P --workers N [--dist D] [--backend-url U]``.
"""

from __future__ import annotations

import argparse
import ctypes.util
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Granian gives up on a worker that fails again within 5.5 s of being started (a crash loop): a
# recycled worker waits until it is older than this before it stops (see :func:`worker_app`).
MIN_WORKER_AGE = 6.0
# When Granian gives up after workers that had served this long died (see run()), it is started again.
MIN_SERVING_BEFORE_RESTART = 15.0


# The backend made in the main process before the workers start (see run()), shared by them.
_preloaded: Any = None


def worker_app() -> Any:
    """The WSGI app of one worker process (Granian calls it in each worker it starts)."""
    from . import create_app

    born = time.monotonic()
    app = create_app({"BACKEND": _preloaded} if _preloaded is not None else None)
    recycler = app.extensions["iscm_recycler"]

    def stop_accepting() -> None:
        # SIGTERM to itself is the worker's graceful stop: no new requests, the ones held are answered.
        wait = MIN_WORKER_AGE - (time.monotonic() - born)
        if wait > 0:
            threading.Timer(wait, os.kill, (os.getpid(), signal.SIGTERM)).start()
        else:
            os.kill(os.getpid(), signal.SIGTERM)

    recycler.stop_accepting = stop_accepting
    try:
        app.extensions["iscm_backend"].ping()  # open the store now, not on the first request
    except Exception as exc:  # noqa: BLE001 - the worker still serves /health and errors
        log.warning("the dataset is not available yet: %s", exc)
    return app


def preload(config: dict[str, Any]) -> None:
    """Load the release into memory in this (main) process, for the workers to share (see
    EmbeddedBackend.preload); they open it themselves when it is not served from memory."""
    global _preloaded
    from .backends import create_backend

    backend = create_backend(config)
    _preloaded = backend if backend.preload() else None


def granian_options(host: str, port: int, workers: int, config: dict[str, Any]) -> dict[str, Any]:
    """The Granian settings for our app."""
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings

    timeout = float(config["QUERY_TIMEOUT"])
    return {
        "address": host,
        "port": port,
        "interface": Interfaces.WSGI,
        "factory": True,
        "workers": workers,
        # request threads per worker: queries wait in them (with their deadline) while they run
        "blocking_threads": max(4, int(config["MAX_CONCURRENT_QUERIES"])),
        "http1_settings": HTTP1Settings(max_buffer_size=int(config["MAX_REQUEST_BYTES"]) + 65_536),
        "log_access": False,  # ours (access_log.py) costs a request less than Granian's logging-based one
        "respawn_failed_workers": True,
        "respawn_interval": 0.5,
        "workers_kill_timeout": int(timeout) + 10,
    }


def use_jemalloc() -> None:
    """Restart this process with jemalloc as its memory allocator, if it is installed and not in use yet.

    Oxigraph evaluates aggregations about 17 % faster with jemalloc than with glibc's malloc (measured:
    docs/performance.md); the allocator can only be chosen when a process starts (LD_PRELOAD), so the
    server re-executes itself once, with the same command line. ISCM_KG_JEMALLOC=off keeps glibc's.
    """
    if os.environ.get("ISCM_KG_JEMALLOC", "auto").lower() in ("off", "0", "false", "no"):
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
    """Serve the application on ``host:port`` with ``workers`` processes until stopped."""
    use_jemalloc()
    from granian import Granian

    from .config import load_config

    # The workers read their settings from the environment (they build the app themselves).
    os.environ["ISCM_KG_DIST"] = str(Path(dist).absolute())  # a symlink is resolved per worker
    if backend_url:
        os.environ["ISCM_KG_BACKEND_URL"] = backend_url
    os.environ.setdefault("ISCM_KG_ACCESS_LOG", "-")  # set it empty for no access log
    config = load_config()  # a bad setting fails here, once, with a clear message
    if config["UPDATES_ENABLED"] and not config.get("BACKEND_URL") and workers != 1:
        log.warning("updates are on with the embedded store: one process may write it; using 1 worker")
        workers = 1
    preload(config)
    metrics_dir = None
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        metrics_dir = tempfile.mkdtemp(prefix="iscm-kg-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    try:
        while True:
            server = Granian("server.serve:worker_app", **granian_options(host, port, max(1, workers), config))
            # HUP reloads the workers: read the (possibly new) release first, so that they serve it
            server.on_reload(lambda: preload(load_config()))
            started = time.monotonic()
            try:
                server.serve()  # returns when stopped by a signal
                return
            except SystemExit as exc:
                # Granian exits when a worker dies again within seconds of being started (a crash loop).
                # Workers that had been serving were killed (an engine abort, the OOM killer): start
                # afresh rather than leave the endpoint down; at start-up, fail as Granian does.
                if exc.code in (0, None) or time.monotonic() - started < MIN_SERVING_BEFORE_RESTART:
                    raise
                log.error("the workers died one after the other (an engine abort?): starting them again")
    finally:
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m server.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dist", type=Path, default=Path(os.environ.get("ISCM_KG_DIST", "dist")))
    parser.add_argument("--backend-url", default=os.environ.get("ISCM_KG_BACKEND_URL"))
    args = parser.parse_args(argv)
    run(args.host, args.port, args.workers, args.dist, args.backend_url)


if __name__ == "__main__":
    # Run as server.serve, not __main__: the workers look up _preloaded in server.serve.
    from server.serve import main as serve_main

    serve_main()
