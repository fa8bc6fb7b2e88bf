"""Running queries under a deadline that really stops the work.

Oxigraph evaluates a query natively and releases the GIL, but pyoxigraph offers no way to cancel it.
So a query runs in a thread of this process (no copying of results between processes: native speed)
and is answered no later than its deadline. A query that overruns is answered at once with 503, and
the work is then stopped the only way it can be: this worker process stops taking requests, lets the
requests it holds finish, and exits; the process manager (gunicorn) starts a fresh, warm worker in its
place. Other workers keep serving meanwhile, and a cheap query never waits behind an expensive one,
because each runs in its own thread.

Two ways of running, the same guarantees:

- :class:`Watchdog` (under gunicorn, the fast path): the query runs in the request's own thread; a
  watchdog thread checks deadlines and, when one passes, writes the 503 on the client's socket itself
  and closes it (the request thread is stuck in native code and cannot), then recycles the worker.
  No thread hand-off per query.
- :class:`Executor` (any other WSGI server, and the remote backend): the query runs in a pool thread
  and the request thread waits for it with a timeout.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class QueryTimeout(Exception):
    """The work did not finish within its deadline (it is being stopped)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the query did not finish within {seconds:g} s and was stopped")
        self.seconds = seconds


class Overloaded(Exception):
    """Too many queries are waiting in this process."""


class _Job:
    __slots__ = ("fn", "args", "future")

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.fn = fn
        self.args = args
        self.future: Future[Any] = Future()


class Executor:
    """A pool of daemon threads running jobs with a deadline; calls ``on_runaway`` when one overruns."""

    def __init__(self, max_threads: int = 8, on_runaway: Callable[[], None] | None = None) -> None:
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0
        self._threads = 0
        self._max_threads = max(1, max_threads)
        self._runaways = 0
        self._on_runaway = on_runaway or (lambda: None)

    @property
    def runaways(self) -> int:
        """Jobs that overran their deadline and may still be running."""
        return self._runaways

    def run(self, fn: Callable[..., T], *args: Any, timeout: float) -> T:
        """Run ``fn(*args)`` in a pool thread and return its result, or raise QueryTimeout."""
        job = _Job(fn, args)
        with self._lock:
            if self._idle == 0 and self._threads < self._max_threads + self._runaways:
                self._threads += 1
                threading.Thread(target=self._worker, name=f"query-{self._threads}", daemon=True).start()
        self._jobs.put(job)
        try:
            return job.future.result(timeout=timeout if timeout and timeout > 0 else None)
        except TimeoutError:
            if job.future.cancel():  # it had not started: nothing to stop
                raise QueryTimeout(timeout) from None
            with self._lock:
                self._runaways += 1
            log.warning("query overran its %.3g s deadline; recycling this worker process", timeout)
            try:
                self._on_runaway()
            finally:
                raise QueryTimeout(timeout) from None

    def _worker(self) -> None:
        while True:
            with self._lock:
                self._idle += 1
            job = self._jobs.get()
            with self._lock:
                self._idle -= 1
            if not job.future.set_running_or_notify_cancel():
                continue
            try:
                job.future.set_result(job.fn(*job.args))
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting request
                job.future.set_exception(exc)


class Overran(Exception):
    """The watchdog already answered this request (503) because its query overran the deadline."""


class Watchdog:
    """Deadlines for work running inline in request threads; fires ``on_overrun`` when one passes.

    One polling thread per process (started lazily, so after the server forked its workers); adding
    and removing a deadline costs two lock round trips, no thread switch.
    """

    def __init__(self, poll_seconds: float = 0.05) -> None:
        self.poll_seconds = poll_seconds
        self._lock = threading.Lock()
        self._deadlines: dict[int, tuple[float, Callable[[], None]]] = {}
        self._counter = 0
        self._pid: int | None = None

    def run(self, fn: Callable[[], T], timeout: float, on_overrun: Callable[[], None]) -> T:
        """``fn()`` in this thread; raises Overran if the watchdog fired (the 503 is already sent)."""
        with self._lock:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                threading.Thread(target=self._loop, name="query-watchdog", daemon=True).start()
            self._counter += 1
            token = self._counter
            self._deadlines[token] = (time.monotonic() + timeout, on_overrun)
        watched = True
        try:
            return fn()
        finally:
            with self._lock:
                watched = self._deadlines.pop(token, None) is not None
            if not watched:
                raise Overran()  # noqa: B012 - the answer was sent; whatever fn() did is moot

    def _loop(self) -> None:
        while True:
            time.sleep(self.poll_seconds)
            now = time.monotonic()
            with self._lock:
                expired = [token for token, (deadline, _) in self._deadlines.items() if deadline <= now]
                callbacks = [self._deadlines.pop(token)[1] for token in expired]
            for callback in callbacks:
                try:
                    callback()
                except Exception:  # noqa: BLE001 - the watchdog must survive
                    log.exception("answering an overrunning query failed")


class Recycler:
    """Stops this worker process after a runaway query, once the requests it holds are answered.

    ``stop_accepting`` is installed by the server (gunicorn: the worker's graceful stop, which answers
    the connections it holds and then exits; see serve.py). Without it (e.g. Flask's development
    server) a runaway is only logged. A backstop ends the process if the graceful stop stalls.
    """

    def __init__(self, grace_seconds: float) -> None:
        self.grace_seconds = grace_seconds
        self.stop_accepting: Callable[[], None] | None = None
        self.draining = False
        self._lock = threading.Lock()
        self._in_flight = 0
        self._runaways = 0  # requests already answered by the watchdog, their threads still stuck
        self.on_trigger: Callable[[], None] = lambda: None  # e.g. count it in the metrics

    @property
    def armed(self) -> bool:
        """True when a process manager can recycle this worker (the watchdog path may be used)."""
        return self.stop_accepting is not None

    def enter(self) -> None:
        with self._lock:
            self._in_flight += 1

    def leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def runaway(self, answered: bool) -> None:
        """Count a request whose runaway query was answered by the watchdog (or whose thread came back)."""
        with self._lock:
            self._runaways += 1 if answered else -1

    def trigger(self) -> None:
        if self.stop_accepting is None:
            log.error(
                "a query overran its deadline and no process manager can recycle this process; "
                "it keeps running until it ends"
            )
            return
        with self._lock:
            if self.draining:
                return
            self.draining = True
        self.on_trigger()
        log.warning("worker %d stops taking requests and will exit, to stop a runaway query", os.getpid())
        self.stop_accepting()
        threading.Thread(target=self._backstop, name="recycler", daemon=True).start()

    def _backstop(self) -> None:
        """Exit as soon as only runaway requests are left (they were answered), or after the grace time."""
        deadline = time.monotonic() + self.grace_seconds
        idle_since: float | None = None
        while time.monotonic() < deadline:
            with self._lock:
                only_runaways = self._in_flight <= self._runaways
            if not only_runaways:
                idle_since = None
            elif idle_since is None:
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since > 0.5:  # a request may be arriving on a kept-alive connection
                log.warning("worker %d exits: only its runaway queries were left", os.getpid())
                hard_exit()
            time.sleep(0.02)
        log.error("worker %d did not stop within %.3g s; ending it", os.getpid(), self.grace_seconds)
        hard_exit()


def hard_exit(status: int = 0) -> None:
    """End this process now, without waiting for threads still running a query."""
    logging.shutdown()
    os._exit(status)
