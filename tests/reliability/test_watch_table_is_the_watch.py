"""Issue 18's problems, each played on the local engine (the synthesized state machine in
moto, the real handlers, the watch table in moto's DynamoDB): every open watch is
reconciled to its task's end, names never run out, one eventId per event."""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from conversion_watch.clock import utc_now
from conversion_watch.contract import SUCCESSOR_NAMES_TRIED
from conversion_watch.task_snapshots import part_of
from conversion_watch.watch_table import snapshot_key
from localrun.engine import run_scenario
from localrun.report import Report
from localrun.template import load_template
from tests.autostart.fleet import ec2_task
from tests.reliability.checks import WATCH_ERROR, ec2_conversion, events_by_task, resumed_chain_problems

VOLUME = "import-vol-0e0e0e0e"
FIXED_5_MIN = {"MIN_POLL_SECONDS": "300", "MAX_POLL_SECONDS": "300"}


@pytest.fixture(autouse=True)
def _quiet_moto() -> None:
    logging.getLogger("moto").setLevel(logging.CRITICAL)  # failed executions are expected here


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
            "tasks": [ec2_conversion(VOLUME, (0, "active"), (1800, "completed"))],
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
            "tasks": [ec2_conversion(VOLUME, (0, "active"), (1800, "completed"))],
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
            "tasks": [ec2_conversion(VOLUME, (0, "active"), (3 * 3600, "completed"))],
            "watches": [_watch(VOLUME)],
            "sweeps": _sweeps(900, outage["to"] + 3600),
            "faults": {"tableOutages": [outage]},
        },
        function_env_overrides=FIXED_5_MIN,
    )
    details = _chain(report, VOLUME, "COMPLETED")
    # The end seen during the outage could not be recorded, so was not published then; the resume tells it.
    assert [d["state"] for d in details] == ["IN_PROGRESS", "COMPLETED"]
    assert _event_seconds(report, VOLUME, "COMPLETED") <= outage["to"] + 900
    assert report.faults["dynamodb:Outage"] > 0
    assert len(report.executions) <= 3, [e.name for e in report.executions]


def test_2_a_watch_resumes_past_any_number_of_squatted_restart_names() -> None:
    """Twenty-five restart names squatted (the old starter gave up after twenty): the resume
    takes the first free name after its holder's."""
    squatters = [{"at": 0, "name": f"watch-{VOLUME}-r{n}", "input": {}} for n in range(2, 27)]
    report = run_scenario(
        {
            "tasks": [ec2_conversion(VOLUME, (0, "active"), (1800, "completed"))],
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
    """HandOverBlocked is published as #2 (-g2 and the ten names after it are squatted), then recording its delivery
    fails past its retries (a table outage): the resume records #2 as delivered -- it does not
    publish it again -- and the next change is #3, never a second, different #2."""
    report = run_scenario(
        {
            "tasks": [ec2_conversion(VOLUME, (0, "active"), (3 * 3600, "cancelling"), (4 * 3600, "cancelled"))],
            "watches": [_watch(VOLUME), *({"at": 0, "name": f"watch-{VOLUME}-g{g}", "input": {}}
                                          for g in range(2, 3 + SUCCESSOR_NAMES_TRIED))],
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
            "tasks": [ec2_conversion(VOLUME, (0, "active"), (1800, "cancelling"), (7 * 3600, "cancelled"))],
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


PREDECESSOR = f"arn:aws:states:us-east-1:123456789012:execution:ConversionWatch-Watcher:watch-{VOLUME}"


def _continuation(**fields: Any) -> dict[str, Any]:
    return {"watchStartedAt": "2026-01-05T09:00:00Z", "deadline": "2026-02-05T09:00:00Z", "pollCount": 1,
            "sequence": 1, "generation": 1, "last": {"state": "IN_PROGRESS", "serviceState": "active"}, **fields}


def _forged(at: float, name: str, continuation: dict[str, Any]) -> dict[str, Any]:
    return {"at": at, "name": name, "input": {
        "taskType": "ec2-conversion", "taskId": VOLUME, "continuation": continuation,
        "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": PREDECESSOR}}


def test_3_an_input_naming_the_real_predecessor_decides_nothing() -> None:
    """Continuations carrying the real predecessor's ARN and the current sequence (both public on
    the bus): a deadline in the past, a cancel request, an old hand-over replayed as -g5. None is
    the successor the registry names: each is refused, and the real watch ends with the truth."""
    report = run_scenario(
        {
            "tasks": [ec2_conversion(VOLUME, (0, "active"), (2400, "cancelled"))],  # nobody asked for a cancel
            "watches": [
                _watch(VOLUME),
                _forged(600, f"watch-{VOLUME}-g2", _continuation(deadline="2026-01-05T09:05:00Z")),
                _forged(700, f"watch-{VOLUME}-g3", _continuation(cancelRequested=True, generation=2)),
                _forged(800, f"watch-{VOLUME}-g5", _continuation(generation=4)),
            ],
        },
        function_env_overrides=FIXED_5_MIN,
    )
    status = {e.name: (e.status, e.error) for e in report.executions}
    # Well-formed inputs that cannot hold the watch: each execution ends publishing nothing for the task.
    assert status[f"watch-{VOLUME}-g2"] == ("FAILED", "NotTheWatchHolder")
    assert status[f"watch-{VOLUME}-g3"] == ("FAILED", "NotTheWatchHolder")
    assert status[f"watch-{VOLUME}-g5"] == ("FAILED", "NotTheWatchHolder")
    watched = _chain(report, VOLUME, "CANCELLED")  # not WatchTimedOut at 300 s
    assert [(d["sequence"], d.get("state")) for d in watched] == [(1, "IN_PROGRESS"), (2, "CANCELLED")]
    assert watched[-1]["outcomeReason"] != "user-cancelled"  # the forged cancel request decided nothing


def test_3_a_squatted_successor_name_naming_the_real_predecessor_is_no_hand_over() -> None:
    """A -g2 started early, with an input naming the real predecessor: the registry never named
    it the successor, so it decides nothing (refused, nothing published); the hand-over moves on
    to the next free name of the line, which the registry names first."""
    report = run_scenario(
        {
            "tasks": [ec2_conversion(VOLUME, (0, "active"), (3 * 3600, "completed"))],
            "watches": [_watch(VOLUME), _forged(60, f"watch-{VOLUME}-g2", _continuation())],
            "sweeps": _sweeps(900, 4 * 3600),
        },
        function_env_overrides={**FIXED_5_MIN, "POLLS_PER_EXECUTION": "5"},
    )
    status = {e.name: (e.status, e.error) for e in report.executions}
    assert status[f"watch-{VOLUME}"] == ("SUCCEEDED", None)  # handed over, to -g3
    assert status[f"watch-{VOLUME}-g2"] == ("FAILED", "NotTheWatchHolder")
    assert status[f"watch-{VOLUME}-g3"] == ("SUCCEEDED", None)
    details = _chain(report, VOLUME, "COMPLETED")
    assert [d for d in details if d["detail-type"] == WATCH_ERROR] == []


def _plant_part(task_id: str, *, tasks: bytes | None = None, state: str = "active",
                dated: float = 0.0) -> Callable[[str], None]:
    """A timed action: the task's snapshot part replaced (``tasks``: raw bytes; else the task in
    ``state``), dated ``dated`` seconds from now."""
    def plant(state_machine_arn: str) -> None:
        table = next(logical_id for logical_id, resource in load_template()["Resources"].items()
                     if resource["Type"] == "AWS::DynamoDB::Table")
        blob = tasks if tasks is not None else zlib.compress(json.dumps({task_id: ec2_task(task_id, state)}).encode())
        item = snapshot_key("ec2-conversion", f"PART#{part_of(task_id)}")
        item |= {"tasks": {"B": blob}, "count": {"N": "1"},
                 "refreshedAt": {"N": str(int((utc_now().timestamp() + dated) * 1000))}}
        boto3.client("dynamodb", region_name="us-east-1").put_item(TableName=table, Item=item)

    return plant


@pytest.mark.parametrize(("plant", "at"), [
    (lambda: _plant_part(VOLUME, tasks=b"not zlib at all"), 250),  # killed every poll with zlib.error
    (lambda: _plant_part(VOLUME, dated=86400), 250),  # froze the task at active until WatchTimedOut
    (lambda: _plant_part(VOLUME, state="completed"), 295),  # published without any describe
], ids=["undecodable", "future", "forged-terminal"])
def test_5_the_snapshot_is_a_hint(plant: Callable[[], Callable[[str], None]], at: float) -> None:
    report = run_scenario(
        {
            "tasks": [ec2_conversion(VOLUME, (0, "active"), (1800, "completed"))],
            "watches": [{"at": 0, "input": {"taskType": "ec2-conversion", "taskId": VOLUME, "maxWatchSeconds": 7200}}],
        },
        function_env_overrides=FIXED_5_MIN,
        actions=[(at, plant())],
    )
    assert {e.name: (e.status, e.error) for e in report.executions} == {f"watch-{VOLUME}": ("SUCCEEDED", None)}
    details = _chain(report, VOLUME, "COMPLETED")
    assert [d["state"] for d in details] == ["IN_PROGRESS", "COMPLETED"]
    assert _event_seconds(report, VOLUME, "COMPLETED") == 1800


PLANTED, VICTIM = "import-i-planted01", "import-i-victim0001"


def _plant_registry_item(task_id: str, pending: dict[str, Any]) -> Callable[[str], None]:
    """A timed action: a registry item for ``task_id`` written behind the watcher's back (what the
    table's resource policy now refuses to anyone but the watcher's roles), held by a dead holder."""
    def plant(state_machine_arn: str) -> None:
        table = next(logical_id for logical_id, resource in load_template()["Resources"].items()
                     if resource["Type"] == "AWS::DynamoDB::Table")
        holder = state_machine_arn.replace(":stateMachine:", ":execution:") + f":watch-{task_id}"
        boto3.client("dynamodb", region_name="us-east-1").put_item(TableName=table, Item={
            "pk": {"S": f"TASK#{task_id}"}, "sk": {"S": "WATCH"}, "executionArn": {"S": holder},
            "sequence": {"N": "0"}, "openWatch": {"S": "OPEN"}, "pending": {"S": json.dumps(pending)}})

    return plant


def test_4_a_registry_item_naming_another_task_is_reported_once_never_published() -> None:
    forged = {"eventId": f"{VICTIM}#1", "sequence": 1, "taskType": "ec2-conversion", "taskId": VICTIM,
              "state": "COMPLETED", "previousState": None, "serviceState": "completed", "terminal": True,
              "outcomeReason": "completed", "statusMessage": "FORGED via the watch table",
              "observedAt": "2026-01-05T09:00:00.000Z", "watchStartedAt": "2026-01-05T09:00:00.000Z",
              "pollCount": 1, "elapsedSeconds": 0, "elapsed": "0 s", "task": {}}
    report = run_scenario(
        {
            "tasks": [ec2_conversion(PLANTED, (0, "active"), (3600, "completed")),
                      ec2_conversion(VICTIM, (0, "active"), (5400, "cancelled"))],
            "watches": [_watch(VICTIM)],
            "sweeps": _sweeps(900, 7200),
        },
        function_env_overrides=FIXED_5_MIN,
        actions=[(100, _plant_registry_item(PLANTED, forged))],
    )
    victim = _chain(report, VICTIM, "CANCELLED")
    assert [(d["eventId"], d["state"]) for d in victim] == [(f"{VICTIM}#1", "IN_PROGRESS"),
                                                            (f"{VICTIM}#2", "CANCELLED")]
    planted = _chain(report, PLANTED, "COMPLETED")
    assert [(d["sequence"], d.get("state") or d["errorCode"]) for d in planted] == [
        (1, "RegistryItemInvalid"), (2, "IN_PROGRESS"), (3, "COMPLETED")]
    assert "FORGED" not in json.dumps(report.events)


def test_7_a_dead_watch_is_resumed_within_a_minute_not_a_sweep_later() -> None:
    """The poll crashes once as the task completes; the only sweep is two hours later. The rule on
    the state machine's own FAILED execution resumes the watch within a minute of its death."""
    report = run_scenario(
        {
            "tasks": [ec2_conversion(VOLUME, (0, "active"), (1800, "completed"))],
            "watches": [_watch(VOLUME)],
            "sweeps": [{"at": 7200}],
            "faults": {"lambdaCrashes": [{"from": 1800, "to": 1801}]},
        },
        function_env_overrides=FIXED_5_MIN,
    )
    details = _chain(report, VOLUME, "COMPLETED")
    assert [d.get("state") or d["errorCode"] for d in details] == ["IN_PROGRESS", "RetriesExhausted", "COMPLETED"]
    assert _event_seconds(report, VOLUME, "COMPLETED") <= 1800 + 60
