"""One watcher per task, one delivery per event.

* Starting the same watch again (same deterministic name) never makes a second
  watcher: with the same input while it runs Step Functions answers with the
  running execution; with another input, or after it ended, it refuses
  (``ExecutionAlreadyExists``). moto implements both rules.
* A PutEvents entry EventBridge fails is retried by the state machine and
  delivered once; an entry that is never accepted stops the watch
  (``EventDeliveryFailed``) rather than skipping it.
* A poll retried after throttling or a 5xx sees the same change again: nothing
  is skipped or repeated.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
from botocore.exceptions import ClientError

from conversion_watch.contract import PUBLISH_RETRY_MAX_ATTEMPTS
from conversion_watch.naming import MAX_EXECUTION_NAME, execution_name
from localrun.engine import REGION, run_scenario
from tests.reliability.checks import STATE_CHANGE, chain_problems, events_by_task

TASK = "import-i-dupstart01"
WATCH_INPUT = {"taskType": "ec2-conversion", "taskId": TASK}
TIMELINE = [
    {"at": 0, "state": "active", "statusMessage": "Pending"},
    {"at": 1200, "state": "active", "statusMessage": "Progress: 50%"},
    {"at": 2400, "state": "completed"},
]


def _scenario(**extra: Any) -> dict[str, Any]:
    return {
        "tasks": [{"taskType": "ec2-conversion", "taskId": TASK, "timeline": TIMELINE}],
        "watches": [{"at": 0, "input": WATCH_INPUT}],
        **extra,
    }


def test_a_second_start_of_the_same_watch_never_creates_a_second_watcher() -> None:
    answers: dict[str, str] = {}

    def start_again(label: str, watch_input: dict[str, Any]) -> Any:
        def action(state_machine_arn: str) -> None:
            sfn = boto3.client("stepfunctions", region_name=REGION)
            try:
                answers[label] = sfn.start_execution(
                    stateMachineArn=state_machine_arn, name=execution_name(TASK), input=json.dumps(watch_input)
                )["executionArn"]
            except ClientError as error:
                answers[label] = error.response["Error"]["Code"]
        return action

    report = run_scenario(_scenario(), actions=[
        (600, start_again("running, same input", WATCH_INPUT)),
        (900, start_again("running, other input", {**WATCH_INPUT, "maxWatchSeconds": 3600})),
        (4000, start_again("after it ended", WATCH_INPUT)),
    ])

    assert answers["running, same input"].endswith(f":{execution_name(TASK)}")  # the running one, not a new one
    assert answers["running, other input"] == "ExecutionAlreadyExists"
    assert answers["after it ended"] == "ExecutionAlreadyExists"
    assert [e.name for e in report.executions] == [execution_name(TASK)]
    details = events_by_task(report)[TASK]
    assert [d["statusMessage"] for d in details] == ["Pending", "Progress: 50%", None]
    assert chain_problems(TASK, details) == []


def test_execution_names_fit_the_80_character_limit_for_the_longest_task_ids() -> None:
    longest_id = "lct-" + "a" * 60  # the input model's 64-character ceiling
    assert len(execution_name(longest_id)) <= MAX_EXECUTION_NAME
    assert len(execution_name(longest_id, generation=99_999_999)) <= MAX_EXECUTION_NAME
    assert execution_name(TASK) == f"watch-{TASK}"
    assert execution_name(TASK, generation=2) == f"watch-{TASK}-g2"


def test_failed_putevents_entries_are_retried_and_delivered_exactly_once() -> None:
    """The first attempt at every event fails; each is delivered once, in order."""
    attempts: dict[str, int] = {}

    def fail_first_attempt(entry: dict[str, Any]) -> dict[str, str] | None:
        event_id = json.loads(entry["Detail"])["eventId"]
        attempts[event_id] = attempts.get(event_id, 0) + 1
        return {"ErrorCode": "InternalFailure", "ErrorMessage": "try again"} if attempts[event_id] == 1 else None

    report = run_scenario(_scenario(), entry_fault=fail_first_attempt)

    assert attempts == {f"{TASK}#1": 2, f"{TASK}#2": 2, f"{TASK}#3": 2}
    details = events_by_task(report)[TASK]
    assert [d["eventId"] for d in details] == [f"{TASK}#1", f"{TASK}#2", f"{TASK}#3"]
    assert chain_problems(TASK, details) == []
    assert report.apiCalls["events:PutEvents"] == 6
    assert report.faults["events:PutEvents:FailedEntry"] == 3
    assert report.faults["states:RetryAttempts"] == 3
    assert (report.executions[0].status, report.executions[0].error) == ("SUCCEEDED", None)


def test_an_event_eventbridge_never_accepts_stops_the_watch_instead_of_skipping_it() -> None:
    report = run_scenario(_scenario(faults={"seed": 1, "putEventsFailureRate": 1.0}))

    assert report.events == []
    assert (report.executions[0].status, report.executions[0].error) == ("FAILED", "EventDeliveryFailed")
    # The first attempt and the publish step's retries (an outage budget: docs/reliability.md).
    assert report.apiCalls["events:PutEvents"] == 1 + PUBLISH_RETRY_MAX_ATTEMPTS
    assert report.apiCalls["ec2:DescribeConversionTasks"] == 1  # no poll after the undeliverable change


def test_scenario_put_events_failure_rate_fails_entries_and_the_retries_absorb_them() -> None:
    report = run_scenario(_scenario(faults={"seed": 7, "putEventsFailureRate": 0.5}))

    assert report.faults.get("events:PutEvents:FailedEntry", 0) > 0
    details = events_by_task(report)[TASK]
    assert [d["statusMessage"] for d in details] == ["Pending", "Progress: 50%", None]
    assert chain_problems(TASK, details) == []


def test_retried_polls_skip_no_change_under_heavy_throttling() -> None:
    """Half of all service calls throttled, a tenth failing with 5xx: every change is still seen once, in order."""
    report = run_scenario(
        _scenario(faults={"seed": 11, "throttleRate": 0.5, "serverErrorRate": 0.1}),
        # Per-task describes: a throttled poll is the state machine's to retry (a snapshot refresh
        # waits out its own throttled pages, tests/services/test_task_snapshots.py).
        function_env_overrides={"MIN_POLL_SECONDS": "60", "MAX_POLL_SECONDS": "60", "SNAPSHOT_MAX_AGE_SECONDS": "0"},
    )

    assert report.faults["states:RetryAttempts"] > 0
    details = events_by_task(report)[TASK]
    assert [(d["detail-type"], d["statusMessage"]) for d in details] == [
        (STATE_CHANGE, "Pending"), (STATE_CHANGE, "Progress: 50%"), (STATE_CHANGE, None),
    ]
    assert chain_problems(TASK, details) == []
    assert (report.executions[0].status, report.executions[0].error) == ("SUCCEEDED", None)
