"""Soak: the 200 watches of ``scenarios/soak.json`` under throttling (20 %), 5xx
errors (5 %) and failing PutEvents entries (10 %).

Per watch: exactly one terminal event (a terminal state change, or the one
error event its kind must fail with), none lost, none duplicated, every
intermediate change delivered once and in order, and the execution's status
and error. The measured figures are printed (``pytest -s``) for docs/reliability.md.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter

import pytest

from localrun.engine import run_scenario
from localrun.report import Report
from tests.reliability import soak_scenario
from tests.reliability.checks import STATE_CHANGE, WATCH_ERROR, chain_problems, events_by_task, service_calls
from tests.reliability.soak_scenario import KINDS, POLL_SECONDS, SOAK_FILE, WATCH_COUNT, kind_of

# A fixed poll interval keeps the run short (about six polls a watch); the
# retry settings are the stack's own.
SOAK_ENV = {"MIN_POLL_SECONDS": str(POLL_SECONDS), "MAX_POLL_SECONDS": str(POLL_SECONDS)}


@pytest.fixture(scope="module")
def soak() -> tuple[Report, float]:
    logging.getLogger("moto").setLevel(logging.CRITICAL)  # failed executions are expected here
    started = time.monotonic()
    report = run_scenario(json.loads(SOAK_FILE.read_text()), function_env_overrides=SOAK_ENV, real_timeout=600)
    return report, time.monotonic() - started


def test_committed_soak_file_is_what_the_generator_writes() -> None:
    assert json.loads(SOAK_FILE.read_text()) == soak_scenario.build(), (
        "scenarios/soak.json is stale: run python -m tests.reliability.soak_scenario"
    )


@pytest.mark.slow
def test_every_watch_ends_with_exactly_one_terminal_event(soak: tuple[Report, float]) -> None:
    report, _ = soak
    assert len(report.executions) == WATCH_COUNT  # one execution per watch: no hand-over, no second watcher
    by_task = events_by_task(report)
    problems: list[str] = []
    for execution in report.executions:
        task_id = execution.input["taskId"]
        kind = kind_of(task_id)
        details = by_task.pop(task_id, [])
        problems += chain_problems(task_id, details)
        expected = [(STATE_CHANGE, state) for state in kind.states] + ([(WATCH_ERROR, kind.error)] if not
                                                                        kind.states else [])
        seen = [(d["detail-type"], d["state"] if d["detail-type"] == STATE_CHANGE else d["errorCode"])
                for d in details]
        if seen != expected:
            problems.append(f"{task_id} ({kind.name}): events {seen}, expected {expected}")
        if (execution.status, execution.error) != (kind.status, kind.error):
            problems.append(f"{execution.name}: {execution.status} {execution.error}, expected {kind.status} "
                            f"{kind.error}")
    assert not by_task, f"events for tasks nobody watched: {sorted(by_task)}"
    assert not problems, "\n".join(problems[:20])


@pytest.mark.slow
def test_faults_were_injected_and_absorbed(soak: tuple[Report, float]) -> None:
    report, wall = soak
    faults = report.faults
    throttles = sum(n for key, n in faults.items()
                    if key.endswith(("RequestLimitExceeded", "RateLimitExceededException")))
    server_errors = sum(n for key, n in faults.items()
                        if key.endswith(("InternalError", "Unavailable", "ServerInternalException")))
    failed_entries = faults.get("events:PutEvents:FailedEntry", 0)
    calls = service_calls(report)
    # The rates the scenario asks for, give or take sampling noise.
    assert 0.15 * calls < throttles < 0.25 * calls
    assert 0.02 * calls < server_errors < 0.08 * calls
    assert 0.05 * report.apiCalls["events:PutEvents"] < failed_entries < 0.15 * report.apiCalls["events:PutEvents"]
    # Every failed entry was retried by the state machine: delivered = accepted PutEvents entries.
    assert len(report.events) == report.apiCalls["events:PutEvents"] - failed_entries
    assert faults["states:RetryAttempts"] > 0

    outcomes = Counter(f"{e.status}{' ' + e.error if e.error else ''}" for e in report.executions)
    print(
        f"\nSOAK {WATCH_COUNT} watches ({', '.join(f'{k.count} {k.name}' for k in KINDS)}) in {wall:.0f} s wall, "
        f"{report.simulatedSeconds / 3600:.2f} simulated h"
        f"\n  outcomes: {dict(outcomes)}"
        f"\n  events delivered: {len(report.events)} "
        f"({sum(1 for e in report.events if e['detail-type'] == STATE_CHANGE)} state changes, "
        f"{sum(1 for e in report.events if e['detail-type'] == WATCH_ERROR)} watch errors); lost 0, duplicated 0"
        f"\n  API calls: {report.apiCalls}"
        f"\n  faults injected: {throttles} throttles, {server_errors} 5xx, {failed_entries} failed PutEvents entries"
        f"\n  Step Functions retry attempts: {faults['states:RetryAttempts']}; "
        f"Lambda invocations: {sum(e.lambdaInvocations for e in report.executions)}; "
        f"billed transitions: {sum(e.stateTransitions for e in report.executions)}"
    )
