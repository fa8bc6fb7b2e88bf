"""Run the application with the production WSGI server (gunicorn): ``iscm-kg serve``.

Workers are gunicorn "gthread" workers: each process answers several requests at once in threads,
and queries run natively with the GIL released. The app is created once and forked into the workers
(each opens the store itself, after the fork). A worker that had to give up on a runaway query stops
taking requests, answers those it holds, and exits; gunicorn starts a fresh one (see executor.py).

Also runnable as ``python -m server.serve --host H --port P --workers N [--dist D] [--backend-url U]``.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

log = logging.getLogger(__name__)

ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: Any, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application


def gunicorn_options(host: str, port: int, workers: int, config: dict[str, Any]) -> dict[str, Any]:
    """The gunicorn settings for our app (hooks wire the worker recycling)."""
    timeout = float(config["QUERY_TIMEOUT"])
    threads = max(4, int(config["MAX_CONCURRENT_QUERIES"]))

    def post_fork(server: Any, worker: Any) -> None:
        app = server.app.application
        recycler = app.extensions["iscm_recycler"]
        recycler.stop_accepting = lambda: worker.handle_exit(None, None)

    def post_worker_init(worker: Any) -> None:
        backend = worker.app.application.extensions["iscm_backend"]
        try:
            backend.ping()  # open the store now, not on the first request
        except Exception as exc:  # noqa: BLE001 - the worker still serves /health and errors
            worker.log.warning("the dataset is not available yet: %s", exc)

    def worker_exit(server: Any, worker: Any) -> None:
        if os.getpid() != worker.pid:
            return
        recycler = worker.app.application.extensions["iscm_recycler"]
        if recycler.draining:
            from .executor import hard_exit

            hard_exit(0)  # a runaway query may still hold a thread: do not wait for it

    def child_exit(server: Any, worker: Any) -> None:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            multiprocess.mark_process_dead(worker.pid)

    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "worker_connections": max(100, threads * 8),
        "keepalive": 5,
        "timeout": int(timeout) + 60,
        "graceful_timeout": int(timeout) + 5,
        "preload_app": True,
        "limit_request_line": 8190,
        "accesslog": os.environ.get("ISCM_KG_ACCESS_LOG", "-") or None,
        "errorlog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "post_fork": post_fork,
        "post_worker_init": post_worker_init,
        "worker_exit": worker_exit,
        "child_exit": child_exit,
        "proc_name": "iscm-kg-serve",
        # no gunicornc control socket: several servers (tests, benchmarks) would share its path
        "control_socket_disable": True,
    }


def run(
    host: str,
    port: int,
    workers: int,
    dist: Path,
    backend_url: str | None,
    config_overrides: dict[str, Any] | None = None,
) -> None:
    """Serve the application on ``host:port`` with ``workers`` processes until stopped."""
    overrides: dict[str, Any] = {"DIST": Path(dist)}
    if backend_url:
        overrides["BACKEND_URL"] = backend_url
    overrides.update(config_overrides or {})
    metrics_dir = None
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        metrics_dir = tempfile.mkdtemp(prefix="iscm-kg-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir

    from . import create_app

    app = create_app(overrides)
    config = app.config
    if config["UPDATES_ENABLED"] and not config.get("BACKEND_URL") and workers != 1:
        log.warning("updates are on with the embedded store: one process may write it; using 1 worker")
        workers = 1
    options = gunicorn_options(host, port, max(1, workers), dict(config))
    if metrics_dir is not None:
        options["on_exit"] = lambda server: shutil.rmtree(metrics_dir, ignore_errors=True)
    _Server(app, options).run()


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
    main()
