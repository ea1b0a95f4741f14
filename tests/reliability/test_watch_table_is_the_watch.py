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


def test_1_a_lambda_crash_at_the_tasks_end_is_resumed_and_the_end_delivered() -> None:
    """Any other death near the end: the poll crashes (an unhandled runtime error) when the task
    completes; the watch's error is delivered under its own id, the resume after the crash window
    delivers COMPLETED."""
    report = run_scenario(
        {
            "tasks": [_ec2(VOLUME, (0, "active"), (1800, "completed"))],
            "watches": [_watch(VOLUME)],
            "sweeps": _sweeps(900, 9000),
            "faults": {"lambdaCrashes": [{"from": 1700, "to": 5000}]},
        },
        function_env_overrides=FIXED_5_MIN,
    )
    details = _chain(report, VOLUME, "COMPLETED")
    # The resumes tried inside the crash window end in their validate step: rejections of no watch.
    watched = [(d["sequence"], d.get("state") or d["errorCode"]) for d in details
               if not d["eventId"].endswith("#rejected")]
    assert watched == [(1, "IN_PROGRESS"), (2, "RetriesExhausted"), (3, "COMPLETED")]
    assert _event_seconds(report, VOLUME, "COMPLETED") <= 5000 + 900
    assert report.faults["lambda:Crash"] >= 1


def test_2_restart_names_never_run_out_over_a_six_hour_table_outage() -> None:
    """A 6-hour watch-table outage with sweeps every 15 minutes: no sweep burns a name while the
    table cannot answer (it cannot know the watch's state), and the watch is resumed after it."""
    outage = {"from": 600, "to": 600 + 6 * 3600}
    report = run_scenario(
        {
            "tasks": [_ec2(VOLUME, (0, "active"), (1200, "cancelling"), (3 * 3600, "cancelled"))],
            "watches": [_watch(VOLUME)],
            "sweeps": _sweeps(900, outage["to"] + 3600),
            "faults": {"tableOutages": [outage]},
        },
        function_env_overrides=FIXED_5_MIN,
    )
    details = _chain(report, VOLUME, "CANCELLED")
    # CANCELLING could not be recorded (so was never published); the resume tells the task's state then.
    assert [d["state"] for d in details] == ["IN_PROGRESS", "CANCELLED"]
    assert _event_seconds(report, VOLUME, "CANCELLED") <= outage["to"] + 900
    assert report.faults["dynamodb:Outage"] > 0
    assert len(report.executions) <= 3, [e.name for e in report.executions]


def test_2_a_watch_resumes_past_any_number_of_squatted_restart_names() -> None:
    """Twenty-five restart names squatted (the old starter gave up after twenty): the resume
    takes the first free name after its holder's."""
    squatters = [{"at": 0, "name": f"watch-{VOLUME}-r{n}", "input": {}} for n in range(2, 27)]
    report = run_scenario(
        {
            "tasks": [_ec2(VOLUME, (0, "active"), (1800, "completed"))],
            "watches": [_watch(VOLUME), *squatters],
            "sweeps": _sweeps(900, 8 * 3600),
            # Longer than the publish step's budget: the first watch dies publishing COMPLETED.
            "faults": {"putEventsOutages": [{"from": 1700, "to": 1700 + 5 * 3600}]},
        },
        function_env_overrides=FIXED_5_MIN,
    )
    _chain(report, VOLUME, "COMPLETED")
    assert f"watch-{VOLUME}-r27" in {e.name for e in report.executions}


def test_6_one_event_id_per_event_when_the_delivered_record_fails_after_a_published_error() -> None:
    """HandOverBlocked is published as #2 (the -g2 name is squatted), then recording its delivery
    fails past its retries (a table outage): the resume records #2 as delivered -- it does not
    publish it again -- and the next change is #3, never a second, different #2."""
    report = run_scenario(
        {
            "tasks": [_ec2(VOLUME, (0, "active"), (3 * 3600, "cancelling"), (4 * 3600, "cancelled"))],
            "watches": [_watch(VOLUME), {"at": 0, "name": f"watch-{VOLUME}-g2", "input": {}}],
            "sweeps": _sweeps(900, 6 * 3600),
            # The hand-over is due at the fifth poll (1,200 s); its error waits out the bus outage
            # and is published after 2,500 s, when the table no longer answers.
            "faults": {"putEventsOutages": [{"from": 1100, "to": 2500}],
                       "tableOutages": [{"from": 2400, "to": 2400 + 3600}]},
        },
        function_env_overrides={**FIXED_5_MIN, "POLLS_PER_EXECUTION": "5"},
    )
    details = _chain(report, VOLUME, "CANCELLED")
    assert [(d["sequence"], d.get("state") or d["errorCode"]) for d in details] == [
        (1, "IN_PROGRESS"), (2, "HandOverBlocked"), (3, "CANCELLING"), (4, "CANCELLED")]
    assert ("FAILED", "DeliveryNotRecorded") in {(e.status, e.error) for e in report.executions}


def test_6_a_change_published_but_not_recorded_is_never_published_again() -> None:
    report = run_scenario(
        {
            "tasks": [_ec2(VOLUME, (0, "active"), (1800, "cancelling"), (7 * 3600, "cancelled"))],
            "watches": [_watch(VOLUME)],
            "sweeps": _sweeps(900, 8 * 3600),
            "faults": {"putEventsOutages": [{"from": 1700, "to": 3000}],
                       "tableOutages": [{"from": 2900, "to": 2900 + 4 * 3600}]},
        },
        function_env_overrides=FIXED_5_MIN,
    )
    details = _chain(report, VOLUME, "CANCELLED")
    assert [d["state"] for d in details] == ["IN_PROGRESS", "CANCELLING", "CANCELLED"]
    assert ("FAILED", "DeliveryNotRecorded") in {(e.status, e.error) for e in report.executions}
