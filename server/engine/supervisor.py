"""The engine supervisor: holds the store, forks the engine processes, and keeps them in line.

Run by ``iscm-kg serve`` as its own process (``python -m server.engine.supervisor``), before the web
workers. It loads the release into memory once (server/backends.py), opens one listening Unix socket
per lane (server/engine/lanes.py) in the runtime folder, and forks engines from itself, so that they
share the in-memory store (copy-on-write: they only read it). Then, every ``TICK`` seconds, it:

- reaps the engines that ended, records in the engine table how each ended (a crash, a kill by the
  web worker at the deadline, one of ours), so that the web worker answers its client accordingly;
- applies the admission policy to the public lanes (server/engine/admission.py): demotes long queries
  to idle priority, pauses and resumes them, refuses one too many, ends queries past their deadline;
- keeps a few idle engines waiting in each lane, forking new ones as they are taken (up to the lane's
  most), with a back-off when new engines keep dying before they are ready, and never giving up. An
  engine stays until it ends (a few MiB of its own each): ending idle ones would race with a web
  worker taking one.

SIGTERM stops it: no new connections, idle engines end, running jobs get until their deadline.
"""

from __future__ import annotations

import gc
import logging
import os
import select
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from iscm_kg.settings import load_config

from ..backends import Backend, BackendUnavailable, create_backend
from ..results import Spool
from . import lanes, lifeline, process, sandbox
from .admission import Actions, Job, LongQueries
from .jobs import Jobs
from .table import ACCEPTING, CRASHED, DEADLINE, EMPTY, OVER_CAPACITY, RETIRED, RUNNING, STARTING, Table

log = logging.getLogger("iscm_kg.engines")

TICK = 0.02
CRASH_SIGNALS = {signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS, signal.SIGILL, signal.SIGFPE, signal.SIGSYS}
BACKOFF_FIRST, BACKOFF_MOST = 0.1, 10.0
SPAWNS_PER_TICK = 4


@dataclass
class LaneState:
    lane: lanes.Lane
    listener: socket.socket
    slots: range
    policy: LongQueries
    backoff: float = 0.0
    next_spawn: float = 0.0
    pids: set[int] = field(default_factory=set)


class Supervisor:
    def __init__(self, config: dict, runtime: Path) -> None:
        self.config = config
        self.runtime = runtime
        self.serve = lifeline.serve_pid()  # when it is gone (killed, OOM), this supervisor ends too
        self.table = Table(runtime / lanes.TABLE_FILE)
        self.timeout = float(config["QUERY_TIMEOUT"])
        self.memory = int(config["ENGINE_MEMORY_MB"]) * 1024 * 1024
        self.backend: Backend = create_backend(config)
        self.engines: dict[int, tuple[LaneState, int]] = {}  # pid -> (lane, slot index)
        self.reasons: dict[int, int] = {}  # pid -> why we ended it
        self.stopping = False
        self.lanes: list[LaneState] = []
        self.network_filter: object | None = None
        self._wake_read, self._wake_write = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)

    # --- start ---------------------------------------------------------------------------------------

    def start(self) -> None:
        for slot in self.table.slots:
            for name, _kind in slot._fields_:
                setattr(slot, name, 0)
        self.table.set_blocked([])
        self.table.header.ready = 0
        started = time.monotonic()
        try:
            loaded = self.backend.load()
        except (OSError, ValueError, SyntaxError) as exc:
            log.error("the release could not be loaded: %s", exc)
            loaded = False
        if loaded:
            log.info("release loaded in memory in %.1f s: %s", time.monotonic() - started, self.backend.source)
        all_lanes = lanes.lanes(self.config)
        if not any(lane.network for lane in all_lanes):
            sandbox.new_network_namespace()
        self.network_filter = sandbox.network_filter()
        Spool.directory = str(self.runtime)
        _warm_up()
        policy = self.config
        for lane in all_lanes:
            path = lanes.socket_path(self.runtime, lane.name)
            path.unlink(missing_ok=True)
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            listener.bind(str(path))
            listener.listen(1024)
            os.chmod(path, 0o600)
            self.lanes.append(
                LaneState(
                    lane,
                    listener,
                    lanes.slot_range(self.config, lane.name),
                    LongQueries(
                        float(policy["SLOW_QUERY_SECONDS"]),
                        int(policy["LONG_QUERIES_RUNNING"]),
                        int(policy["LONG_QUERIES"]),
                        int(policy["LONG_QUERIES_PER_CLIENT"]),
                    ),
                )
            )
        gc.freeze()  # what exists now is shared with the engines: keep the collector off those pages

    # --- the loop ------------------------------------------------------------------------------------

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        self.table.header.ready = os.getpid()
        stop_by: float | None = None
        while True:
            now = time.monotonic()
            self._reap()
            if not self.stopping and lifeline.serve_is_gone(self.serve):
                log.error("the server process %d is gone: the engine supervisor stops", self.serve)
                self._stop(signal.SIGTERM, None)
            if self.stopping:
                stop_by = stop_by or now + self.timeout + 1
                if not self.engines or now > stop_by:
                    break
                self._end_idle()
            else:
                blocked: list[int] = []
                for state in self.lanes:
                    actions = state.policy.tick(now, self._running(state), schedule=state.lane.public)
                    self._apply(actions)
                    blocked += actions.blocked
                    self._spawn(state, now)
                self.table.set_blocked(sorted(set(blocked)))
            self._wait(TICK)
        for pid in list(self.engines):
            self._signal(pid, signal.SIGKILL)

    def _wait(self, seconds: float) -> None:
        """Sleep until the next tick, or until an engine says a long job ended."""
        try:
            if select.select([self._wake_read], [], [], seconds)[0]:
                os.read(self._wake_read, 4096)
        except InterruptedError:
            pass

    def _stop(self, signum: int, frame: object) -> None:
        if not self.stopping:
            log.info("engine supervisor stopping")
            self.stopping = True
            for state in self.lanes:
                state.listener.close()

    def _running(self, state: LaneState) -> list[Job]:
        jobs = []
        for index in state.slots:
            slot = self.table.slots[index]
            if slot.state == RUNNING and slot.pid in self.engines:
                marked = slot.marked_job == slot.job
                jobs.append(Job(slot.pid, slot.job, slot.client, slot.started, slot.deadline, marked))
        return jobs

    def _apply(self, actions: Actions) -> None:
        for job in actions.demote:
            pid = job.pid
            _, index = self.engines[pid]
            self.table.slots[index].demoted_job = job.job
            try:
                os.sched_setscheduler(pid, os.SCHED_IDLE, os.sched_param(0))
            except OSError:
                pass
        for pid in actions.pause:
            self._signal(pid, signal.SIGSTOP)
        for pid in actions.resume:
            self._signal(pid, signal.SIGCONT)
        for pid in actions.refuse:
            self._end(pid, OVER_CAPACITY)
        for pid in actions.expire:
            self._end(pid, DEADLINE)

    def _end(self, pid: int, reason: int) -> None:
        self.reasons.setdefault(pid, reason)
        self._signal(pid, signal.SIGKILL)

    def _signal(self, pid: int, signum: int) -> None:
        if pid in self.engines:
            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                pass

    def _end_idle(self) -> None:
        for pid, (_state, index) in list(self.engines.items()):
            if self.table.slots[index].state != RUNNING:
                self._end(pid, RETIRED)

    # --- engines -------------------------------------------------------------------------------------

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            entry = self.engines.pop(pid, None)
            if entry is None:
                continue
            state, index = entry
            state.pids.discard(pid)
            slot = self.table.slots[index]
            signum = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
            reason = self.reasons.pop(pid, 0) or (CRASHED if signum in CRASH_SIGNALS else RETIRED)
            if slot.state == STARTING:
                state.backoff = min(BACKOFF_MOST, max(BACKOFF_FIRST, state.backoff * 2))
                state.next_spawn = time.monotonic() + state.backoff
                log.error(
                    "an engine of lane %s died before it was ready (status %d); next try in %.1f s",
                    state.lane.name,
                    status,
                    state.backoff,
                )
            elif reason == CRASHED:
                log.warning("engine %d (lane %s) ended by signal %d during a job", pid, state.lane.name, signum)
            slot.exit_state = slot.state
            slot.exit_signal = signum
            slot.exit_code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
            slot.exit_reason = reason
            slot.exit_pid = pid
            slot.state = EMPTY
            slot.pid = 0

    def _spawn(self, state: LaneState, now: float) -> None:
        states = [self.table.slots[index].state for index in state.slots]
        waiting = sum(1 for value in states if value in (STARTING, ACCEPTING))
        if ACCEPTING in states:
            state.backoff = 0.0  # engines start fine again
        for _ in range(SPAWNS_PER_TICK):
            if waiting >= state.lane.idle or len(state.pids) >= state.lane.most or now < state.next_spawn:
                return
            free = next((i for i in state.slots if self.table.slots[i].state == EMPTY), None)
            if free is None:
                return
            self._fork(state, free)
            waiting += 1

    def _fork(self, state: LaneState, index: int) -> None:
        slot = self.table.slots[index]
        slot.state = STARTING
        slot.demoted_job = 0
        slot.marked_job = 0
        pid = os.fork()
        if pid:
            self.engines[pid] = (state, index)
            state.pids.add(pid)
            return
        try:  # the engine process: never returns
            for other in self.lanes:
                if other is not state:
                    other.listener.close()
            sandbox.confine(state.lane.network, self.memory, self.network_filter)
            jobs = Jobs(self.backend, list(self.config["SERVICE_ALLOWLIST"]), state.lane.federated)
            os.close(self._wake_read)
            process.serve_forever(state.listener, slot, index, jobs, self._wake_write)
        except BaseException:  # noqa: BLE001 - whatever happens, this process must not go back to the loop
            log.exception("engine %d failed", os.getpid())
        finally:
            os._exit(70)


def _warm_up() -> None:
    """Prepare now what the engines use, so that they share it instead of each doing it: the SERVICE
    check's parser builds its grammar on its first use (hundreds of milliseconds)."""
    from iscm_kg.querying import statement

    from .. import service_policy

    logging.getLogger("rdflib").setLevel(logging.ERROR)  # "does not look like a valid URI" for each odd IRI
    service_policy.endpoints(statement("engine/warm-up.rq"), None)
    service_policy.endpoints(statement("engine/warm-up.ru"), None, update=True)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [engines] %(levelname)s %(message)s")
    runtime = Path(os.environ["ISCM_KG_RUNTIME"])
    config = load_config()
    supervisor = Supervisor(config, runtime)
    try:
        supervisor.start()
    except BackendUnavailable as exc:
        log.error("%s", exc)
    supervisor.run()
    sys.exit(0)


if __name__ == "__main__":
    main()
