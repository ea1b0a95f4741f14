"""Poll step, License Manager ``GetLicenseConversionTask``: every raw status, through the handler."""

from __future__ import annotations

import pytest

from conversion_watch import contract as c
from conversion_watch.models import StateChangeDetail
from tests.unit.samples import LICENSE_TASK, license_params, license_response
from tests.unit.steps import poll, start


@pytest.mark.parametrize(
    ("raw", "normalized", "terminal"),
    [("IN_PROGRESS", "IN_PROGRESS", False), ("SUCCEEDED", "COMPLETED", True), ("FAILED", "FAILED", True)],
)
def test_license_status_is_normalized(stubbed, lambda_context, raw, normalized, terminal):
    watch = start("license-conversion", LICENSE_TASK, lambda_context)
    stubbed("license-manager").add_response(
        "get_license_conversion_task", license_response(raw, message=f"task is {raw}"), license_params()
    )

    status = poll(watch, lambda_context)["status"]

    assert status["outcome"] == c.OUTCOME_OBSERVED
    assert (status["state"], status["terminal"], status["changed"]) == (normalized, terminal, True)
    detail = StateChangeDetail.model_validate(status["detail"])
    assert (detail.state, detail.serviceState, detail.terminal) == (normalized, raw, terminal)
    assert detail.previousState is None
    assert detail.statusMessage == f"task is {raw}"
    assert detail.progress is None  # License Manager reports no progress figures
    assert detail.task.conversionType == "LicenseConversion"
    assert detail.task.resourceArn == "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0"
    assert detail.task.sourceUsageOperation == "RunInstances:0002"
    assert detail.task.destinationUsageOperation == "RunInstances:0800"
    assert detail.task.startTime is not None
    assert (detail.task.endTime is not None) is terminal
    # EC2-only fields are left out of a license task's detail.
    assert "volumes" not in status["detail"]["task"] or status["detail"]["task"]["volumes"] == []
    assert "instanceId" not in status["detail"]["task"]


def test_unknown_license_status_ends_the_watch_with_a_named_error(stubbed, lambda_context):
    watch = start("license-conversion", LICENSE_TASK, lambda_context)
    # The Stubber checks shapes, not enum values: a status the model does not list yet.
    stubbed("license-manager").add_response(
        "get_license_conversion_task", license_response("ROLLING_BACK"), license_params()
    )

    status = poll(watch, lambda_context)["status"]

    assert (status["outcome"], status["errorCode"]) == (c.OUTCOME_ERROR, "UnknownServiceState")
    assert "'ROLLING_BACK'" in status["message"]
