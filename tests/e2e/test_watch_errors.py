"""The watcher's own dead ends: each publishes one 'Conversion Task Watch Error' and fails."""

from __future__ import annotations

import json

from localrun.engine import run_scenario
from localrun.template import load_template, resolve, stack_spec
from tests.e2e.helpers import (
    EC2_INSTANCE,
    LICENSE_OK,
    STATE_CHANGE,
    WATCH_ERROR,
    ec2_task,
    license_task,
    outcome,
    sequence,
    watch,
)


def test_task_not_found_in_either_service() -> None:
    report = run_scenario({
        "tasks": [],
        "watches": [watch("ec2-conversion", "import-i-0000000000"), watch("license-conversion", "lct-00000000")],
    })

    assert sequence(report, "import-i-0000000000") == [(WATCH_ERROR, "TaskNotFound", None)]
    assert sequence(report, "lct-00000000") == [(WATCH_ERROR, "TaskNotFound", None)]
    assert outcome(report, "watch-import-i-0000000000") == ("FAILED", "TaskNotFound")
    assert outcome(report, "watch-lct-00000000") == ("FAILED", "TaskNotFound")


def test_malformed_input_is_rejected_before_any_api_call() -> None:
    report = run_scenario({
        "tasks": [],
        "watches": [
            watch("ec2-conversion", "i-0123456789abcdef0"),  # an instance id, not a conversion task id
            watch("license-conversion", 42),  # not a string: no usable execution name either
            {"at": 0, "input": {"taskType": "ami-copy", "taskId": "x"}},
            {"at": 0, "input": "import-i-ffvko9js"},  # JSON, but not an object
        ],
    })

    assert sequence(report) == [(WATCH_ERROR, "InvalidInput", None)] * 4
    assert outcome(report, "watch-i-0123456789abcdef0") == ("FAILED", "InvalidInput")
    assert outcome(report, "invalid-input-1") == ("FAILED", "InvalidInput")
    assert outcome(report, "watch-x") == ("FAILED", "InvalidInput")
    assert outcome(report, "invalid-input-2") == ("FAILED", "InvalidInput")
    # Watches started at the same moment run concurrently: their events may come in any order.
    echoed = [event["detail"]["input"] for event in report.events]
    assert {"taskType": "license-conversion", "taskId": 42} in echoed
    assert report.apiCalls["ec2:DescribeConversionTasks"] == 0
    assert report.apiCalls["license-manager:GetLicenseConversionTask"] == 0
    # Validate -> Is Request Valid? -> Publish Watch Error -> Is Watch Registered? -> Watch Failed
    assert {e.stateTransitions for e in report.executions} == {5}


def test_task_still_active_past_the_maximum_watch_time() -> None:
    report = run_scenario({
        "tasks": [ec2_task(EC2_INSTANCE, (0, "active"))],
        "watches": [watch("ec2-conversion", EC2_INSTANCE, maxWatchSeconds=900)],
    })

    assert sequence(report) == [
        (STATE_CHANGE, "IN_PROGRESS", None),
        (WATCH_ERROR, "WatchTimedOut", "IN_PROGRESS"),
    ]
    assert outcome(report, f"watch-{EC2_INSTANCE}") == ("FAILED", "WatchTimedOut")
    assert 900 <= report.simulatedSeconds <= 900 + 300  # gives up at the first poll past the deadline


def test_license_task_not_found_while_an_ec2_watch_goes_on() -> None:
    """One watch's dead end does not disturb another running at the same time."""
    report = run_scenario({
        "tasks": [ec2_task(EC2_INSTANCE, (0, "active"), (600, "completed"))],
        "watches": [watch("ec2-conversion", EC2_INSTANCE), watch("license-conversion", LICENSE_OK, at=120)],
    })

    assert sequence(report, EC2_INSTANCE) == [
        (STATE_CHANGE, "IN_PROGRESS", None),
        (STATE_CHANGE, "COMPLETED", "IN_PROGRESS"),
    ]
    assert sequence(report, LICENSE_OK) == [(WATCH_ERROR, "TaskNotFound", None)]


# Call counts per poll attempt are pinned with the shared snapshot off (one describe per poll);
# tests/services/test_task_snapshots.py covers a throttled refresh falling back to the own describe.
PER_TASK_POLLING = {"SNAPSHOT_MAX_AGE_SECONDS": "0"}


def test_throttling_that_never_ends_exhausts_retries_on_the_simulated_clock() -> None:
    report = run_scenario({
        "tasks": [ec2_task(EC2_INSTANCE, (0, "active")), license_task(LICENSE_OK, (0, "IN_PROGRESS"))],
        "watches": [watch("ec2-conversion", EC2_INSTANCE), watch("license-conversion", LICENSE_OK)],
        "faults": {"seed": 7, "throttleRate": 1.0},
    }, function_env_overrides=PER_TASK_POLLING)

    attempts = 1 + _poll_retry_attempts_for("Throttled")  # the state machine's Retry, as synthesized
    for task_id in (EC2_INSTANCE, LICENSE_OK):
        assert sequence(report, task_id) == [(WATCH_ERROR, "RetriesExhausted", None)]
        assert outcome(report, f"watch-{task_id}") == ("FAILED", "RetriesExhausted")
        assert report.execution(f"watch-{task_id}").lambdaInvocations == 1 + attempts  # validate + polls
    # botocore's standard mode (AWS_MAX_ATTEMPTS=3) retries EC2's RequestLimitExceeded inside each
    # invocation; License Manager's RateLimitExceededException is not a retryable code to botocore.
    assert report.apiCalls["ec2:DescribeConversionTasks"] == attempts * 3
    assert report.apiCalls["license-manager:GetLicenseConversionTask"] == attempts
    # Both backoffs waited on the simulated clock (a real sleep would leave it at 0).
    assert report.simulatedSeconds > 0


def _poll_retry_attempts_for(error: str) -> int:
    spec = stack_spec(load_template())
    definition = json.loads(resolve(spec.definition, lambda logical_id, attribute: "aws"))
    retriers = definition["States"]["Poll Conversion Task"]["Retry"]
    return int(next(r for r in retriers if error in r["ErrorEquals"]).get("MaxAttempts", 3))
