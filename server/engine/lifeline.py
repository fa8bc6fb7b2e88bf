"""The processes below `iscm-kg serve` (its web workers, the engine supervisor) end when it is gone (killed
outright, or by the OOM killer) rather than keep its port and the store's memory with nobody to stop them.

Each compares its parent with the pid `iscm-kg serve` wrote before it started them, not with the parent it
finds when it gets round to looking: a process started just before serve died would otherwise take its new
parent (init, a subreaper) for serve and wait for it forever.
"""

from __future__ import annotations

import logging
import os
import threading
import time

log = logging.getLogger(__name__)

SERVE_PID = "ISCM_KG_SERVE_PID"


def mark_serve() -> None:
    """Called by `iscm-kg serve` before it starts anything: the processes it starts know its pid."""
    os.environ[SERVE_PID] = str(os.getpid())


def serve_pid() -> int:
    """The pid of `iscm-kg serve`; this process's parent when it was started some other way."""
    return int(os.environ.get(SERVE_PID) or os.getppid())


def serve_is_gone(pid: int) -> bool:
    return os.getppid() != pid


def end_with_serve(name: str, poll: float = 1.0) -> None:
    """End this process (``name`` says what it is) once `iscm-kg serve` is gone: a thread looks every ``poll`` s."""
    pid = serve_pid()

    def watch() -> None:
        while not serve_is_gone(pid):
            time.sleep(poll)
        log.error("the server process %d is gone: %s ends", pid, name)
        os._exit(1)

    threading.Thread(target=watch, name="serve-watch", daemon=True).start()
