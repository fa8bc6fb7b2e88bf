"""The query executor (server/executor.py) in process: results and errors handed back, the deadline,
and runaway detection. Over HTTP (the 503, the worker recycled), see test_limits.py."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from server.executor import Executor, QueryTimeout


class Probe:
    """Jobs that record when they start and finish, and run until released (or a time has passed)."""

    def __init__(self) -> None:
        self.started: dict[str, float] = {}
        self.finished: dict[str, float] = {}
        self.release = threading.Event()

    def job(self, name: str, seconds: float | None = None) -> str:
        self.started[name] = time.monotonic()
        if seconds is None:
            self.release.wait(30)
        else:
            time.sleep(seconds)
        self.finished[name] = time.monotonic()
        return name


def wait_until(condition: object, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.005)


def test_result_and_error_are_handed_back() -> None:
    executor = Executor(max_threads=2)
    assert executor.run(lambda a, b: a + b, 2, 3, timeout=5) == 5
    with pytest.raises(KeyError, match="missing"):
        executor.run(lambda: {}["missing"], timeout=5)


def test_overrun_answers_at_the_deadline_and_reports_the_runaway() -> None:
    runaways: list[int] = []
    executor = Executor(max_threads=2, on_runaway=lambda: runaways.append(1))
    probe = Probe()
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="within 0.2 s"):
        executor.run(probe.job, "slow", timeout=0.2)
    assert time.monotonic() - started < 5
    assert runaways == [1] and executor.runaways == 1
    probe.release.set()
    # the runaway's thread is not counted against the pool: the next query gets a thread at once
    assert executor.run(lambda: "next", timeout=5) == "next"


def test_a_job_that_never_started_is_dropped_without_a_runaway() -> None:
    runaways: list[int] = []
    executor = Executor(max_threads=1, on_runaway=lambda: runaways.append(1))
    probe = Probe()
    with ThreadPoolExecutor(1) as pool:
        busy = pool.submit(executor.run, probe.job, "busy", timeout=30)
        wait_until(lambda: "busy" in probe.started)
        with pytest.raises(QueryTimeout):
            executor.run(probe.job, "queued", timeout=0.2)  # the only thread is taken
        probe.release.set()
        assert busy.result() == "busy"
    assert runaways == []
    assert executor.run(lambda: "after", timeout=5) == "after"
    assert "queued" not in probe.started
