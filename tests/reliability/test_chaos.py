"""Chaos soak: ``scenarios/chaos.json`` (see ``chaos_scenario``) on the local engine.

For every task: exactly one terminal state-change event, of its true outcome, and
nothing after it; ``sequence`` 1..N with no gap or repeat; ``previousState``
unbroken; the end delivered within one sweep of the end of the fault it fell in
(``chaos_scenario.delivery_bound``). No ``eventId`` twice in the whole run. The
figures are printed (``pytest -s``).
``InvalidInput`` events of the hand-started mistakes belong to no watch and are left
out of the per-task chains (issue 11 gives them ids of their own).
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter

import pytest

from localrun.engine import run_scenario
from localrun.report import Report
from tests.reliability import chaos_scenario
from tests.reliability.chaos_scenario import CHAOS_ENV, CHAOS_FILE, delivery_bound, end_of, outcome_of
from tests.reliability.checks import WATCH_ERROR, events_by_task, resumed_chain_problems


@pytest.fixture(scope="module")
def chaos() -> tuple[Report, float]:
    logging.getLogger("moto").setLevel(logging.CRITICAL)  # failed executions are expected here
    started = time.monotonic()
    report = run_scenario(json.loads(CHAOS_FILE.read_text()), function_env_overrides=CHAOS_ENV, real_timeout=1800)
    return report, time.monotonic() - started


def test_committed_chaos_file_is_what_the_generator_writes() -> None:
    assert json.loads(CHAOS_FILE.read_text()) == chaos_scenario.build(), (
        "scenarios/chaos.json is stale: run python -m tests.reliability.chaos_scenario"
    )


@pytest.mark.slow
def test_every_task_is_followed_to_its_true_outcome_once(chaos: tuple[Report, float]) -> None:
    report, wall = chaos
    scenario = json.loads(CHAOS_FILE.read_text())
    by_task = events_by_task(report)
    problems: list[str] = []
    for task in scenario["tasks"]:
        problems += resumed_chain_problems(task["taskId"], by_task.get(task["taskId"], []), outcome_of(task))
    watched_ids = [e["detail"]["eventId"] for e in report.events if e["detail"].get("errorCode") != "InvalidInput"]
    duplicates = sorted(i for i, n in Counter(watched_ids).items() if n > 1)
    assert not duplicates, f"eventIds delivered twice: {duplicates[:10]}"
    assert not problems, "\n".join(problems[:20])
    late, lateness = [], []
    for task in scenario["tasks"]:
        delivered_at = _terminal_seconds(report, task["taskId"])
        lateness.append(delivered_at - end_of(task))
        if delivered_at > delivery_bound(task):
            late.append(f"{task['taskId']}: end at {end_of(task):.0f} s delivered at {delivered_at:.0f} s")
    assert not late, "\n".join(late[:20])

    outcomes = Counter(f"{e.status}{' ' + e.error if e.error else ''}" for e in report.executions)
    errors = Counter(e["detail"]["errorCode"] for e in report.events if e["detail-type"] == WATCH_ERROR)
    print(
        f"\nCHAOS {len(scenario['tasks'])} tasks, {len(report.events)} events delivered "
        f"({len(watched_ids)} of watches, {len(report.events) - len(watched_ids)} InvalidInput of mistaken starts), "
        f"{len(report.executions)} executions, {report.faults.get('states:RetryAttempts', 0)} Step Functions "
        f"retry attempts, {report.simulatedSeconds / 3600:.1f} simulated h in {wall:.0f} s wall"
        f"\n  execution outcomes: {dict(outcomes)}"
        f"\n  watch errors delivered: {dict(errors)}"
        f"\n  faults: {report.faults}"
        f"\n  end delivered after the task ended: median {sorted(lateness)[len(lateness) // 2]:.0f} s, "
        f"max {max(lateness):.0f} s; every end within one sweep of its fault's end"
        f"\n  billed transitions: {sum(e.stateTransitions for e in report.executions)}; API calls: {report.apiCalls}"
    )


def _terminal_seconds(report: Report, task_id: str) -> float:
    """When the task's terminal state change was published (the report's timeline)."""
    return next(entry.seconds for entry in report.timeline
                if f" {task_id} " in f" {entry.text} " and "terminal" in entry.text)
