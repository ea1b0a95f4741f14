"""Poll step, EC2 ``DescribeConversionTasks``: every raw state, through the handler."""

from __future__ import annotations

import pytest

from conversion_watch.models import StateChangeDetail
from tests.unit.conftest import expect_cancel_mark_read
from tests.unit.samples import (
    EC2_INSTANCE_TASK,
    EC2_VOLUME_TASK,
    EXPIRES,
    GIB,
    ec2_instance_task,
    ec2_params,
    ec2_response,
    ec2_volume_task,
)
from tests.unit.steps import poll, start

EC2_STATES = [
    ("active", "IN_PROGRESS", False),
    ("cancelling", "CANCELLING", False),
    ("cancelled", "CANCELLED", True),
    ("completed", "COMPLETED", True),
]
# A "cancelled" end with no error, no expiry and no cancel call seen stays CANCELLED (reason unknown).
REASONS = {"cancelled": "unknown", "completed": "completed"}


@pytest.mark.parametrize(("raw", "normalized", "terminal"), EC2_STATES)
def test_import_instance_state_is_normalized(stubbed, lambda_context, raw, normalized, terminal):
    watch = start("ec2-conversion", EC2_INSTANCE_TASK, lambda_context)
    stubbed("ec2").add_response(
        "describe_conversion_tasks",
        ec2_response(ec2_instance_task(raw, message="Progress: 25%")),
        ec2_params(),
    )
    if raw == "cancelled":
        expect_cancel_mark_read(stubbed, EC2_INSTANCE_TASK)

    result = poll(watch, lambda_context)

    status = result["status"]
    assert status["outcome"] == "OBSERVED"
    assert (status["state"], status["terminal"], status["changed"]) == (normalized, terminal, True)
    detail = StateChangeDetail.model_validate(status["detail"])
    assert detail.state == normalized
    assert detail.serviceState == raw
    assert detail.terminal is terminal
    assert detail.previousState is None
    assert detail.outcomeReason == REASONS.get(raw)
    assert detail.statusMessage == "Progress: 25%"
    assert (detail.sequence, detail.eventId, detail.pollCount) == (1, f"{EC2_INSTANCE_TASK}#1", 1)
    assert detail.task.conversionType == "ImportInstance"
    assert detail.task.instanceId == "i-0123456789abcdef0"
    assert detail.task.platform == "Windows"
    assert detail.task.expirationTime == EXPIRES
    assert [v.volumeId for v in detail.task.volumes] == ["vol-0123456789abcdef0"]
    why = f"outcome {REASONS[raw]}, " if raw in REASONS else ""
    assert status["summary"] == (
        f"ec2-conversion task {EC2_INSTANCE_TASK} is {normalized} ({why}service state '{raw}'): Progress: 25%"
    )


@pytest.mark.parametrize(("raw", "normalized", "terminal"), EC2_STATES)
def test_import_volume_state_is_normalized(stubbed, lambda_context, raw, normalized, terminal):
    watch = start("ec2-conversion", EC2_VOLUME_TASK, lambda_context)
    stubbed("ec2").add_response(
        "describe_conversion_tasks", ec2_response(ec2_volume_task(raw)), ec2_params(EC2_VOLUME_TASK)
    )
    if raw == "cancelled":
        expect_cancel_mark_read(stubbed, EC2_VOLUME_TASK)

    status = poll(watch, lambda_context)["status"]

    detail = StateChangeDetail.model_validate(status["detail"])
    assert (detail.state, detail.serviceState, detail.terminal) == (normalized, raw, terminal)
    assert detail.statusMessage is None
    assert detail.task.conversionType == "ImportVolume"
    assert detail.task.availabilityZone == "us-east-1b"
    assert detail.task.description == "data disk"
    assert detail.progress is not None
    assert (detail.progress.bytesConverted, detail.progress.totalBytes, detail.progress.percent) == (
        GIB, 4 * GIB, 25.0
    )


def test_other_tasks_in_the_response_are_ignored(stubbed, lambda_context):
    watch = start("ec2-conversion", EC2_INSTANCE_TASK, lambda_context)
    stubbed("ec2").add_response(
        "describe_conversion_tasks",
        ec2_response(ec2_instance_task("cancelled", task_id="import-i-0ther0000"), ec2_instance_task("active")),
        ec2_params(),
    )

    status = poll(watch, lambda_context)["status"]

    assert (status["state"], status["detail"]["serviceState"]) == ("IN_PROGRESS", "active")


def test_unknown_raw_state_ends_the_watch_with_a_named_error(stubbed, lambda_context):
    watch = start("ec2-conversion", EC2_INSTANCE_TASK, lambda_context)
    stubbed("ec2").add_response(
        "describe_conversion_tasks", ec2_response(ec2_instance_task("paused")), ec2_params()
    )

    result = poll(watch, lambda_context)

    status = result["status"]
    assert status["outcome"] == "ERROR"
    assert status["errorCode"] == "UnknownServiceState"
    assert "'paused'" in status["message"]
    assert status["detail"]["taskId"] == EC2_INSTANCE_TASK
    assert status["detail"]["sequence"] == 1
    assert result["watch"]["sequence"] == 1
