"""The W3C SPARQL 1.1 query-evaluation tests through our HTTP endpoint, against pyoxigraph in process.

One server runs all the cases (updates on, to load each case's data; the default graph is the plain
default graph here, as the tests define it). Each case is asserted exactly: a case listed in
w3c_expected_failures.py (an engine limitation, with its cause) must fail in process, and is reported
as xfailed; every other case must pass both in process and over HTTP, so HTTP loses nothing. Both
counts are printed at the end of the run (and written to test-artifacts/w3c-query-eval.json). Marked
``w3c_eval`` (deselect with ``-m "not w3c_eval"``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from .conftest import W3C, Server, auth, start_ours
from .w3c_eval import (
    OUTCOMES,
    EvalTest,
    expected_result,
    load_eval_tests,
    passes,
    run_in_process,
    run_over_http,
)
from .w3c_expected_failures import EXPECTED_FAILURES

TESTS = load_eval_tests(W3C / "manifest-sparql11-query.ttl") + load_eval_tests(W3C / "manifest-sparql11-results.ttl")

pytestmark = pytest.mark.w3c_eval


@pytest.fixture(scope="module")
def eval_server(server_tmp: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {
        "ISCM_KG_UPDATES": "1",
        "ISCM_KG_UPDATE_TOKEN": auth()["Authorization"].split()[1],
        "ISCM_KG_STORE": str(tmp_path_factory.mktemp("w3c-eval") / "store"),
        "ISCM_KG_UNION_DEFAULT_GRAPH": "0",
        "ISCM_KG_RESULT_CACHE_ENTRIES": "0",
    }
    server = start_ours("w3c-eval", server_tmp, tmp_path_factory.mktemp("no-release"), workers=1, env=env)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s


def test_the_suite_is_there() -> None:
    assert len(TESTS) > 200


def test_expected_failures_are_cases() -> None:
    # A stale id (a renamed or dropped case) would otherwise expect nothing.
    assert set(EXPECTED_FAILURES) <= {t.id for t in TESTS}


@pytest.mark.parametrize("test", TESTS, ids=lambda t: t.id)
def test_w3c_query_evaluation(test: EvalTest, eval_server: Server, session: requests.Session) -> None:
    expected = expected_result(test)
    in_process, in_process_problem = passes(lambda: run_in_process(test), expected)
    over_http, http_problem = passes(lambda: run_over_http(test, eval_server.url, auth(), session), expected)
    OUTCOMES[test.id] = {"in_process": in_process, "http": over_http, "problem": http_problem or in_process_problem}
    if test.id in EXPECTED_FAILURES:
        assert not in_process, "passes in process now: remove it from the expected failures (w3c_expected_failures.py)"
        pytest.xfail(EXPECTED_FAILURES[test.id])
    assert in_process, f"fails in process: {in_process_problem} (an engine limit? see w3c_expected_failures.py)"
    assert over_http, f"lost over HTTP: {http_problem}"
