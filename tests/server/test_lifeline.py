"""A process started by `iscm-kg serve` just before serve died still ends (server/engine/lifeline.py).

Real processes: a stand-in for serve (it marks itself and forks) and its child, which starts to watch only
once serve is already gone, as a web worker does that was still importing the app when serve was killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .conftest import ROOT

# The child waits until its parent is gone before it watches: the parent it finds then is init or a subreaper.
SERVE_THEN_LATE_CHILD = """
import os, sys, time
from server.engine import lifeline
lifeline.mark_serve()
child = os.fork()
if child == 0:
    serve = os.getppid()
    while os.getppid() == serve:
        time.sleep(0.01)
    lifeline.end_with_serve("the late child", poll=0.05)
    time.sleep(60)
    os._exit(0)
print(child, flush=True)
time.sleep(60)
"""


def running(pid: int) -> bool:
    """Whether ``pid`` is a process that still runs (a zombie, waiting to be reaped, has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def test_a_child_that_looks_after_serve_died_still_ends() -> None:
    serve = subprocess.Popen(
        [sys.executable, "-c", SERVE_THEN_LATE_CHILD], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert serve.stdout is not None
    child = int(serve.stdout.readline())
    try:
        assert running(child)
        os.kill(serve.pid, signal.SIGKILL)
        serve.wait()
        deadline = time.monotonic() + 20
        while running(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not running(child)
    finally:
        if running(child):
            os.kill(child, signal.SIGKILL)
