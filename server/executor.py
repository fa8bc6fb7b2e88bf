"""Running queries under a deadline that really stops the work.

Oxigraph evaluates a query natively and releases the GIL, but pyoxigraph offers no way to cancel it.
So a query runs in a pool thread of this process (:class:`Executor`; no copying of results between
processes: native speed) while the request thread waits for it with a timeout, and is answered no
later than its deadline. A query that overruns is answered at once with 503, and the work is then
stopped the only way it can be (:class:`Recycler`): this worker process stops taking requests, lets the
requests it holds finish, and exits; the server (Granian) starts a fresh, warm worker in its place.
Other workers keep serving meanwhile, and a cheap query never waits behind an expensive one, because
each runs in its own thread.
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


class Recycler:
    """Stops this worker process after a runaway query, once the requests it holds are answered.

    ``stop_accepting`` is installed by the server (Granian: the worker's graceful stop, which answers
    the requests it holds and then exits; see serve.py). Without it (e.g. Flask's development
    server) a runaway is only logged. A backstop ends the process if the graceful stop stalls.
    """

    def __init__(self, grace_seconds: float) -> None:
        self.grace_seconds = grace_seconds
        self.stop_accepting: Callable[[], None] | None = None
        self.draining = False
        self._lock = threading.Lock()
        self.on_trigger: Callable[[], None] = lambda: None  # e.g. count it in the metrics

    @property
    def armed(self) -> bool:
        """True when a process manager can recycle this worker."""
        return self.stop_accepting is not None

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
        """End the process if the graceful stop has not ended it within the grace time."""
        time.sleep(self.grace_seconds)
        log.error("worker %d did not stop within %.3g s; ending it", os.getpid(), self.grace_seconds)
        hard_exit()


def hard_exit(status: int = 0) -> None:
    """End this process now, without waiting for threads still running a query."""
    logging.shutdown()
    os._exit(status)
