"""The admission policy for public queries: cheap work stays fast while expensive queries pile up.

Nobody can tell a cheap query from an expensive one before running it, so every query starts at
normal priority, unless its shape (its text with the variables renamed) ran long before: the web
worker then marks it, and it starts as a long query. One that is still running after ``slow_after``
seconds is a *long* query too:

1. its engine is moved to idle priority (SCHED_IDLE): it only gets the CPU nobody else wants, so
   cheap queries, pages and the web workers are never slowed by it;
2. at most ``running`` long queries run at once (or one per client, if more clients have some); the
   others are paused (SIGSTOP), and the slots go round-robin over clients, oldest query first, so that
   one client's pile does not shut out another client's single long query (and a lone client still
   gets every slot). A paused query is resumed as soon as a running one ends: the engine that ran it
   wakes the supervisor, so no core waits for the next tick;
3. at most ``most`` long queries may be in flight (running or paused), and at most ``per_client`` of
   one client: a query that would be one more is stopped and answered 429 with Retry-After, and a
   client at its quota gets 429 for new requests until one of its long queries ends;
4. every query is still bound by its deadline (the web worker kills its engine at the deadline; the
   supervisor does so too, a little later, should the web worker be gone).

:meth:`LongQueries.tick` is a plain function of what runs now (read from the engine table); the
supervisor applies the actions it returns.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Job:
    """A job running in an engine, as read from the engine table."""

    pid: int
    job: int
    client: int
    started: float
    deadline: float
    marked: bool = False  # sent as long from the start (its shape ran long before)


@dataclass
class _Long:
    client: int
    since: float
    paused: bool = False


@dataclass
class Actions:
    demote: list[Job] = field(default_factory=list)  # to idle priority
    pause: list[int] = field(default_factory=list)  # pids to SIGSTOP
    resume: list[int] = field(default_factory=list)  # pids to SIGCONT
    refuse: list[int] = field(default_factory=list)  # pids to end: one long query too many (429)
    expire: list[int] = field(default_factory=list)  # pids to end: past their deadline
    blocked: list[int] = field(default_factory=list)  # clients at their quota


class LongQueries:
    """The state of the policy (see the module documentation) for one lane."""

    def __init__(self, slow_after: float, running: int, most: int, per_client: int, grace: float = 5.0) -> None:
        self.slow_after = slow_after
        self.running = max(1, running)
        self.most = most
        self.per_client = per_client
        self.grace = grace
        self._long: dict[tuple[int, int], _Long] = {}

    def tick(self, now: float, jobs: list[Job], schedule: bool = True) -> Actions:
        """The actions for the jobs running at ``now``; ``schedule`` False applies deadlines only."""
        actions = Actions()
        current = {(job.pid, job.job): job for job in jobs}
        for key in [key for key in self._long if key not in current]:
            if self._long.pop(key).paused:
                actions.resume.append(key[0])  # it ended (or was stopped right after ending)
        for job in jobs:
            if job.deadline and now > job.deadline + self.grace:
                actions.expire.append(job.pid)
        if not schedule:
            return actions
        per_client: dict[int, int] = defaultdict(int)
        for entry in self._long.values():
            per_client[entry.client] += 1
        for key, job in sorted(current.items(), key=lambda item: item[1].started):
            if key in self._long or job.pid in actions.expire:
                continue
            if now - job.started < self.slow_after and not job.marked:
                continue
            if len(self._long) >= self.most or per_client[job.client] >= self.per_client:
                actions.refuse.append(job.pid)
                continue
            self._long[key] = _Long(job.client, job.started)
            per_client[job.client] += 1
            actions.demote.append(job)
        chosen = self._chosen()
        for key, entry in self._long.items():
            if key in chosen and entry.paused:
                entry.paused = False
                actions.resume.append(key[0])
            elif key not in chosen and not entry.paused:
                entry.paused = True
                actions.pause.append(key[0])
        actions.blocked = sorted(client for client, count in per_client.items() if count >= self.per_client)
        return actions

    def _chosen(self) -> set[tuple[int, int]]:
        """The long queries that run: round-robin over clients, each client's oldest first, up to the
        cap."""
        queues: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for key, entry in sorted(self._long.items(), key=lambda item: item[1].since):
            queues[entry.client].append(key)
        order = sorted(queues, key=lambda client: self._long[queues[client][0]].since)
        cap = max(self.running, len(queues))
        chosen: set[tuple[int, int]] = set()
        depth = 0
        while len(chosen) < cap and any(depth < len(queues[c]) for c in order):
            for client in order:
                if depth < len(queues[client]) and len(chosen) < cap:
                    chosen.add(queues[client][depth])
            depth += 1
        return chosen
