"""Change detection, the maximum watch time and continue-as-new, through the
handlers over several polls (the fixed clock is advanced by hand)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conversion_watch import clock
from conversion_watch.models import Continuation
from tests.unit.conftest import T0, expect_cancel_mark_read
from tests.unit.samples import (
    LICENSE_TASK,
    ec2_instance_task,
    ec2_params,
    ec2_response,
    license_params,
    license_response,
)
from tests.unit.steps import poll, start, validate

EC2_ID = "import-i-ffvko9js"


def _queue_ec2(stubbed, *tasks):
    for task in tasks:
        stubbed("ec2").add_response("describe_conversion_tasks", ec2_response(task), ec2_params(EC2_ID))


def test_only_changes_emit_events_and_each_event_has_the_next_sequence(stubbed, lambda_context, fake_clock):
    watch = start("ec2-conversion", EC2_ID, lambda_context)
    _queue_ec2(stubbed, ec2_instance_task("active"), ec2_instance_task("active"), ec2_instance_task("completed"))

    first = poll(watch, lambda_context)
    fake_clock.advance(first["status"]["waitSeconds"])
    second = poll(first["watch"], lambda_context)
    fake_clock.advance(second["status"]["waitSeconds"])
    third = poll(second["watch"], lambda_context)

    assert [r["status"]["changed"] for r in (first, second, third)] == [True, False, True]
    assert "detail" not in second["status"]
    assert [r["watch"]["sequence"] for r in (first, second, third)] == [1, 1, 2]
    detail = third["status"]["detail"]
    assert (detail["previousState"], detail["state"], detail["terminal"]) == ("IN_PROGRESS", "COMPLETED", True)
    assert (detail["sequence"], detail["eventId"], detail["pollCount"]) == (2, f"{EC2_ID}#2", 3)
    assert detail["observedAt"] == clock.timestamp(fake_clock.now)
    assert detail["watchStartedAt"] == clock.timestamp(T0)


def test_a_new_status_message_in_the_same_state_is_a_change(stubbed, lambda_context):
    watch = start("ec2-conversion", EC2_ID, lambda_context)
    _queue_ec2(stubbed, ec2_instance_task("active", message="Pending"),
               ec2_instance_task("active", message="Converting disk"))

    first = poll(watch, lambda_context)
    second = poll(first["watch"], lambda_context)

    detail = second["status"]["detail"]
    assert second["status"]["changed"] is True
    assert (detail["previousState"], detail["state"], detail["statusMessage"]) == (
        "IN_PROGRESS", "IN_PROGRESS", "Converting disk"
    )
    assert detail["sequence"] == 2


def test_watch_times_out_at_its_deadline_with_the_last_known_state(stubbed, lambda_context, fake_clock):
    watch = start("ec2-conversion", EC2_ID, lambda_context, maxWatchSeconds=3600)
    assert watch["deadline"] == clock.timestamp(T0 + timedelta(seconds=3600))
    _queue_ec2(stubbed, ec2_instance_task("active"), ec2_instance_task("active"))

    first = poll(watch, lambda_context)
    assert first["status"]["waitSeconds"] <= 3600
    fake_clock.advance(3600)
    second = poll(first["watch"], lambda_context)

    status = second["status"]
    assert (status["outcome"], status["errorCode"]) == ("ERROR", "WatchTimedOut")
    assert "3600 s" in status["message"]
    assert status["detail"]["lastKnownState"] == "IN_PROGRESS"
    assert status["detail"]["sequence"] == 2


def test_a_terminal_state_seen_at_the_deadline_still_ends_normally(stubbed, lambda_context, fake_clock):
    watch = start("ec2-conversion", EC2_ID, lambda_context, maxWatchSeconds=3600)
    _queue_ec2(stubbed, ec2_instance_task("completed"))
    fake_clock.advance(7200)

    status = poll(watch, lambda_context)["status"]

    assert (status["outcome"], status["state"], status["changed"]) == ("OBSERVED", "COMPLETED", True)


def test_wait_never_runs_past_the_deadline(stubbed, lambda_context, fake_clock):
    watch = start("license-conversion", LICENSE_TASK, lambda_context, maxWatchSeconds=600)
    stubbed("license-manager").add_response(
        "get_license_conversion_task", license_response("IN_PROGRESS"), license_params()
    )
    fake_clock.advance(590)

    status = poll(watch, lambda_context)["status"]

    assert status["waitSeconds"] == 10


@pytest.fixture
def short_generations(monkeypatch, watcher_env):
    monkeypatch.setenv("POLLS_PER_EXECUTION", "3")


def test_hand_over_carries_the_watch_into_a_new_execution(stubbed, lambda_context, fake_clock, short_generations):
    watch = start("ec2-conversion", EC2_ID, lambda_context)
    _queue_ec2(stubbed, *[ec2_instance_task("active")] * 4, ec2_instance_task("completed"))
    results = []
    for _ in range(3):
        results.append(poll(watch, lambda_context))
        watch = results[-1]["watch"]
        fake_clock.advance(results[-1]["status"]["waitSeconds"])

    assert [r["status"]["handOver"] for r in results] == [False, False, True]
    last = results[-1]["status"]
    assert last["nextExecutionName"] == f"watch-{EC2_ID}-g2"
    carried = Continuation.model_validate(last["continuation"])
    assert (carried.pollCount, carried.sequence, carried.generation) == (3, 1, 1)
    assert carried.last is not None and carried.last.state == "IN_PROGRESS"

    # The hand-over state starts the next execution with this input.
    resumed = validate(
        {
            "taskType": "ec2-conversion",
            "taskId": EC2_ID,
            "continuation": last["continuation"],
            "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": "arn:aws:states:us-east-1:123456789012:execution:sm:x",
        },
        lambda_context,
    )
    assert resumed["status"] == {"outcome": "VALID"}
    new_watch = resumed["watch"]
    assert (new_watch["generation"], new_watch["generationPolls"]) == (2, 0)
    assert (new_watch["pollCount"], new_watch["sequence"]) == (3, 1)
    assert (new_watch["watchStartedAt"], new_watch["deadline"]) == (watch["watchStartedAt"], watch["deadline"])

    # Same state in the new execution: no duplicate event; numbering goes on.
    same = poll(new_watch, lambda_context)
    assert (same["status"]["changed"], same["status"]["handOver"]) == (False, False)
    done = poll(same["watch"], lambda_context)
    detail = done["status"]["detail"]
    assert (detail["previousState"], detail["state"]) == ("IN_PROGRESS", "COMPLETED")
    assert (detail["sequence"], detail["pollCount"]) == (2, 5)


def test_the_third_generation_gets_its_own_name(stubbed, lambda_context, short_generations):
    watch = start("ec2-conversion", EC2_ID, lambda_context)
    _queue_ec2(stubbed, *[ec2_instance_task("active")] * 3)
    for _ in range(3):
        result = poll(watch, lambda_context)
        watch = result["watch"]
    resumed = validate({"taskType": "ec2-conversion", "taskId": EC2_ID,
                        "continuation": result["status"]["continuation"],
                        "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": "arn:aws:states:::execution:sm:gen1"},
                       lambda_context)
    assert resumed["watch"]["generation"] == 2
    watch = resumed["watch"]
    _queue_ec2(stubbed, *[ec2_instance_task("active")] * 3)
    for _ in range(3):
        result = poll(watch, lambda_context)
        watch = result["watch"]

    assert result["status"]["nextExecutionName"] == f"watch-{EC2_ID}-g3"


def test_no_hand_over_when_the_task_has_ended(stubbed, lambda_context, short_generations):
    watch = start("ec2-conversion", EC2_ID, lambda_context)
    _queue_ec2(stubbed, ec2_instance_task("active"), ec2_instance_task("active"), ec2_instance_task("cancelled"))
    expect_cancel_mark_read(stubbed, EC2_ID)
    for _ in range(3):
        result = poll(watch, lambda_context)
        watch = result["watch"]

    assert result["status"]["terminal"] is True
    assert result["status"]["handOver"] is False
    assert "continuation" not in result["status"]
