"""The admission policy for long queries (server/engine/admission.py), as a plain function of what runs."""

from __future__ import annotations

from server.engine.admission import Job, LongQueries

A, B = 101, 202  # two clients


def job(pid: int, client: int, started: float, deadline: float = 1000.0) -> Job:
    return Job(pid=pid, job=1, client=client, started=started, deadline=deadline)


def policy(running: int = 2, most: int = 10, per_client: int = 5) -> LongQueries:
    return LongQueries(slow_after=0.25, running=running, most=most, per_client=per_client)


def test_a_query_becomes_long_after_slow_after_and_is_demoted_once() -> None:
    rules = policy()
    assert rules.tick(0.2, [job(1, A, 0.0)]).demote == []
    actions = rules.tick(0.3, [job(1, A, 0.0)])
    assert [j.pid for j in actions.demote] == [1] and actions.pause == []
    assert rules.tick(0.4, [job(1, A, 0.0)]).demote == []


def test_long_queries_beyond_the_running_cap_are_paused_oldest_first() -> None:
    rules = policy(running=2)
    jobs = [job(pid, A, started) for pid, started in ((1, 0.0), (2, 0.1), (3, 0.2))]
    actions = rules.tick(1.0, jobs)
    assert [j.pid for j in actions.demote] == [1, 2, 3] and actions.pause == [3]
    # the oldest ends: the paused one runs
    actions = rules.tick(1.1, jobs[1:])
    assert actions.resume == [3] and actions.pause == []


def test_with_several_clients_long_queries_beyond_the_cap_are_paused_oldest_first() -> None:
    rules = policy(running=2)
    jobs = [job(pid, A, started) for pid, started in ((1, 0.0), (2, 0.1), (3, 0.2))] + [job(9, B, 0.3)]
    actions = rules.tick(1.0, jobs)
    assert sorted(actions.pause) == [2, 3]  # A's oldest and B's one run
    # A's oldest ends: A's next one runs
    actions = rules.tick(1.1, jobs[1:])
    assert actions.resume == [2] and actions.pause == []


def test_running_slots_go_round_robin_over_clients() -> None:
    """Client A's pile of long queries does not shut out client B's one long query."""
    rules = policy(running=2, most=30, per_client=20)
    pile = [job(pid, A, 0.01 * pid) for pid in range(1, 11)]
    first = rules.tick(1.0, pile)
    assert sorted(set(range(1, 11)) - set(first.pause)) == [1, 2]  # a lone client gets every slot
    second = rules.tick(2.0, [*pile, job(99, B, 1.5)])
    assert second.pause == [2]  # A's second gives its slot to B's query, which runs beside A's oldest


def test_one_long_query_too_many_is_refused_and_its_client_blocked() -> None:
    rules = policy(per_client=3, most=5)
    actions = rules.tick(1.0, [job(pid, A, 0.01 * pid) for pid in range(1, 5)])
    assert actions.refuse == [4] and actions.blocked == [A]
    actions = rules.tick(1.1, [job(pid, A, 0.01 * pid) for pid in range(1, 3)] + [job(7, B, 0.5)])
    assert actions.blocked == []  # one of A's ended
    actions = rules.tick(2.0, [job(pid, B, 1.0 + 0.01 * pid) for pid in range(10, 14)])
    assert actions.refuse == [13]  # 5 long in all: A's two, B's 7 and two more


def test_jobs_past_their_deadline_are_ended_after_the_grace() -> None:
    rules = policy()
    assert rules.tick(6.0, [job(1, A, 0.0, deadline=3.0)]).expire == []
    assert rules.tick(8.5, [job(1, A, 0.0, deadline=3.0)]).expire == [1]
    assert policy().tick(8.5, [job(1, A, 0.0, deadline=3.0)], schedule=False).expire == [1]


def test_the_site_lane_is_not_scheduled() -> None:
    actions = policy().tick(5.0, [job(pid, A, 0.0) for pid in range(1, 20)], schedule=False)
    assert actions.demote == [] and actions.pause == [] and actions.refuse == []


def test_a_job_marked_long_is_long_at_once() -> None:
    """A query whose shape ran long before starts as a long query: no moments at normal priority."""
    rules = policy(running=1)
    marked = Job(pid=5, job=1, client=A, started=1.0, deadline=1000.0, marked=True)
    actions = rules.tick(1.01, [job(4, A, 0.0), marked, job(6, B, 0.5)])
    assert [j.pid for j in actions.demote] == [4, 6, 5]
    assert actions.pause == [5]  # two clients, one slot each: A's older one and B's run
