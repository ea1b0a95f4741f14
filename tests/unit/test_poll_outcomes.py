"""Poll step: a terminal observation is classified (conversion_watch.outcome) from
the evidence -- an observed cancel request, a CANCEL mark in the watch table, an
error in StatusMessage, an expiration time passed -- for both task types."""

from __future__ import annotations

import json

import pytest

from conversion_watch.errors import ServiceUnavailable, Throttled
from tests.unit.conftest import expect_cancel_mark_read
from tests.unit.samples import (
    EC2_INSTANCE_TASK,
    LICENSE_TASK,
    ec2_instance_task,
    ec2_params,
    ec2_response,
    license_params,
    license_response,
)
from tests.unit.steps import poll, start, validate

CLIENT_ERROR = "ClientError: Disk validation failed [Unsupported VMDK File Format]"


def _ec2(stubbed, *tasks):
    for task in tasks:
        stubbed("ec2").add_response("describe_conversion_tasks", ec2_response(task), ec2_params())


def _end(status):
    return status["state"], status["detail"]["outcomeReason"], status["terminal"]


def test_a_cancelled_import_with_an_error_message_failed(stubbed, lambda_context):
    watch = start("ec2-conversion", EC2_INSTANCE_TASK, lambda_context)
    _ec2(stubbed, ec2_instance_task("cancelled", message=CLIENT_ERROR))
    expect_cancel_mark_read(stubbed, EC2_INSTANCE_TASK)

    status = poll(watch, lambda_context)["status"]

    assert _end(status) == ("FAILED", "error", True)
    assert status["detail"]["serviceState"] == "cancelled"
    assert status["detail"]["statusMessage"] == CLIENT_ERROR
    assert status["summary"].startswith(f"ec2-conversion task {EC2_INSTANCE_TASK} is FAILED (outcome error,")


def test_a_cancelled_import_past_its_expiration_time_expired(stubbed, lambda_context, fake_clock):
    watch = start("ec2-conversion", EC2_INSTANCE_TASK, lambda_context)
    fake_clock.advance(8 * 24 * 3600)  # ExpirationTime is T0 + 7 days
    _ec2(stubbed, ec2_instance_task("cancelled"))
    expect_cancel_mark_read(stubbed, EC2_INSTANCE_TASK)

    assert _end(poll(watch, lambda_context)["status"]) == ("FAILED", "expired", True)


def test_a_cancel_seen_in_cloudtrail_makes_the_end_a_user_cancel(stubbed, lambda_context):
    watch = start("ec2-conversion", EC2_INSTANCE_TASK, lambda_context)
    _ec2(stubbed, ec2_instance_task("cancelled", message=CLIENT_ERROR))
    expect_cancel_mark_read(stubbed, EC2_INSTANCE_TASK, present=True)

    assert _end(poll(watch, lambda_context)["status"]) == ("CANCELLED", "user-cancelled", True)


def test_an_observed_cancelling_state_is_remembered_across_a_hand_over(stubbed, lambda_context, monkeypatch):
    """No table read at the end (no get_item queued: the Stubber would refuse it): the remembered
    ``cancelling``, with no expiry or error, already makes it a user cancel."""
    monkeypatch.setenv("POLLS_PER_EXECUTION", "2")
    watch = start("ec2-conversion", EC2_INSTANCE_TASK, lambda_context)
    _ec2(stubbed, ec2_instance_task("active"), ec2_instance_task("cancelling"))
    first = poll(watch, lambda_context)
    second = poll(first["watch"], lambda_context)
    assert second["watch"]["cancelRequested"] is True
    continuation = second["status"]["continuation"]
    assert continuation["cancelRequested"] is True
    hand_over = {"taskType": "ec2-conversion", "taskId": EC2_INSTANCE_TASK, "continuation": continuation,
                 "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": "arn:aws:states:us-east-1:123456789012:execution:sm:x"}
    resumed = validate(hand_over, lambda_context)["watch"]
    _ec2(stubbed, ec2_instance_task("cancelled"))

    assert _end(poll(resumed, lambda_context)["status"]) == ("CANCELLED", "user-cancelled", True)


def test_a_cancelled_end_without_evidence_stays_cancelled(stubbed, lambda_context):
    watch = start("ec2-conversion", EC2_INSTANCE_TASK, lambda_context)
    _ec2(stubbed, ec2_instance_task("cancelled"))
    expect_cancel_mark_read(stubbed, EC2_INSTANCE_TASK)

    assert _end(poll(watch, lambda_context)["status"]) == ("CANCELLED", "unknown", True)


def test_a_completed_import_needs_no_table_read(stubbed, lambda_context):
    watch = start("ec2-conversion", EC2_INSTANCE_TASK, lambda_context)
    _ec2(stubbed, ec2_instance_task("completed"))

    assert _end(poll(watch, lambda_context)["status"]) == ("COMPLETED", "completed", True)


@pytest.mark.parametrize(("raw", "expected"), [("SUCCEEDED", ("COMPLETED", "completed", True)),
                                               ("FAILED", ("FAILED", "error", True))])
def test_license_conversion_ends_carry_their_reason(stubbed, lambda_context, raw, expected):
    watch = start("license-conversion", LICENSE_TASK, lambda_context)
    stubbed("license-manager").add_response("get_license_conversion_task", license_response(raw), license_params())

    assert _end(poll(watch, lambda_context)["status"]) == expected


def test_active_states_carry_no_reason(stubbed, lambda_context):
    watch = start("ec2-conversion", EC2_INSTANCE_TASK, lambda_context)
    _ec2(stubbed, ec2_instance_task("active"))

    detail = poll(watch, lambda_context)["status"]["detail"]

    assert (detail["terminal"], detail["outcomeReason"]) == (False, None)


@pytest.mark.parametrize(("task_type", "task_id"), [("ec2-conversion", EC2_INSTANCE_TASK),
                                                    ("license-conversion", LICENSE_TASK)])
def test_a_task_failure_is_counted_per_task_type(stubbed, lambda_context, capsys, task_type, task_id):
    watch = start(task_type, task_id, lambda_context)
    if task_type == "ec2-conversion":
        _ec2(stubbed, ec2_instance_task("cancelled", message=CLIENT_ERROR))
        expect_cancel_mark_read(stubbed, task_id)
    else:
        stubbed("license-manager").add_response(
            "get_license_conversion_task", license_response("FAILED"), license_params())
    capsys.readouterr()

    poll(watch, lambda_context)

    blobs = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    failures = [b for b in blobs if "TaskFailures" in b]
    assert len(failures) == 1
    assert failures[0]["TaskType"] == task_type
    assert not any("WatchErrors" in b for b in blobs)  # a task failure is not a watcher fault


@pytest.mark.parametrize(("code", "raised"), [("ResourceNotFoundException", ServiceUnavailable),
                                              ("ProvisionedThroughputExceededException", ServiceUnavailable),
                                              ("ThrottlingException", Throttled)])
def test_a_failed_table_read_is_retried_never_taken_for_no_cancel(stubbed, lambda_context, code, raised):
    """The table's ResourceNotFoundException is not the task's: no TaskNotFound, no guessed outcome."""
    watch = start("ec2-conversion", EC2_INSTANCE_TASK, lambda_context)
    _ec2(stubbed, ec2_instance_task("cancelled", message=CLIENT_ERROR))
    stubbed("dynamodb").add_client_error("get_item", service_error_code=code, http_status_code=400)

    with pytest.raises(raised):
        poll(watch, lambda_context)
