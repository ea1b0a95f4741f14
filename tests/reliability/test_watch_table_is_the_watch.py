"""Issue 18's problems, each played on the local engine (the synthesized state machine in
moto, the real handlers, the watch table in moto's DynamoDB): every open watch is
reconciled to its task's end, names never run out, one eventId per event."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from localrun.engine import run_scenario
from localrun.report import Report
from tests.reliability.checks import events_by_task, resumed_chain_problems

VOLUME = "import-vol-0e0e0e0e"
FIXED_5_MIN = {"MIN_POLL_SECONDS": "300", "MAX_POLL_SECONDS": "300"}


@pytest.fixture(autouse=True)
def _quiet_moto() -> None:
    logging.getLogger("moto").setLevel(logging.CRITICAL)  # failed executions are expected here


def _ec2(task_id: str, *timeline: tuple[float, str]) -> dict[str, Any]:
    return {"taskType": "ec2-conversion", "taskId": task_id,
            "timeline": [{"at": at, "state": state} for at, state in timeline]}


def _watch(task_id: str, at: float = 0) -> dict[str, Any]:
    return {"at": at, "input": {"taskType": "ec2-conversion", "taskId": task_id}}


def _sweeps(every: float, until: float) -> list[dict[str, float]]:
    return [{"at": every * n} for n in range(1, int(until // every) + 1)]


def _chain(report: Report, task_id: str, outcome: str) -> list[dict[str, Any]]:
    details = events_by_task(report)[task_id]
    problems = resumed_chain_problems(task_id, details, outcome)
    assert not problems, problems
    return details


def _event_seconds(report: Report, task_id: str, state: str) -> float:
    return next(entry.seconds for entry in report.timeline if task_id in entry.text and state in entry.text)


def test_1_a_watch_that_dies_near_its_tasks_end_still_delivers_the_end() -> None:
    """The issue's recipe: an EventBridge outage from 1,700 s to 19,700 s over a task that
    completes at 1,800 s. The sweeper finds the open watch in the table (not among running
    tasks) and resumes it until COMPLETED is delivered, within one sweep of the outage's end."""
    report = run_scenario(
        {
            "tasks": [_ec2(VOLUME, (0, "active"), (1800, "completed"))],
            "watches": [_watch(VOLUME)],
            "sweeps": _sweeps(900, 36000),
            "faults": {"putEventsOutages": [{"from": 1700, "to": 19700}]},
        },
        function_env_overrides=FIXED_5_MIN,
    )
    details = _chain(report, VOLUME, "COMPLETED")
    assert [d["state"] for d in details if "state" in d] == ["IN_PROGRESS", "COMPLETED"]
    assert _event_seconds(report, VOLUME, "COMPLETED") <= 19700 + 900
