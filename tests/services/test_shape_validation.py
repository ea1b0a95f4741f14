"""Every response is checked against botocore's output shape before it is sent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from localrun.services import ResponseShapeError, ServiceFault, ec2_service, license_service
from localrun.services import double as double_module
from localrun.services.shapes import validate_error, validate_output
from tests.services.tasks import INSTANCE_ID, LICENSE_ID, instance_import, license_conversion

GOOD_EC2 = {
    "ConversionTasks": [{"ConversionTaskId": INSTANCE_ID, "State": "active", "ImportVolume": {"BytesConverted": 1}}]
}


def test_a_well_formed_response_passes():
    validate_output("ec2", "DescribeConversionTasks", GOOD_EC2)
    validate_output(
        "license-manager",
        "GetLicenseConversionTask",
        {"LicenseConversionTaskId": LICENSE_ID, "Status": "FAILED", "StartTime": datetime(2026, 1, 1, tzinfo=UTC)},
    )


@pytest.mark.parametrize(
    ("service", "operation", "response", "problem"),
    [
        ("ec2", "DescribeConversionTasks", {"ConversionTasks": [{"State": "running"}]}, "is not one of"),
        ("ec2", "DescribeConversionTasks", {"ConversionTasks": [{"Status": "active"}]}, "not a member"),
        ("ec2", "DescribeConversionTasks", {"ConversionTasks": {"State": "active"}}, "expected a list"),
        (
            "ec2",
            "DescribeConversionTasks",
            {"ConversionTasks": [{"ImportVolume": {"BytesConverted": "12"}}]},
            "expected an integer",
        ),
        (
            "ec2",
            "DescribeConversionTasks",
            {"ConversionTasks": [{"ImportVolume": {"BytesConverted": True}}]},
            "expected an integer",
        ),
        (
            "ec2",
            "DescribeConversionTasks",
            {"ConversionTasks": [{"ImportVolume": {"Image": {"Format": "QCOW2"}}}]},
            "is not one of",
        ),
        ("license-manager", "GetLicenseConversionTask", {"LicenseConversionTaskId": "import-i-1"}, "pattern"),
        ("license-manager", "GetLicenseConversionTask", {"LicenseConversionTaskId": "lct-" + "a" * 60}, "maximum"),
        ("license-manager", "GetLicenseConversionTask", {"StartTime": "2026-01-01T00:00:00Z"}, "datetime"),
        ("license-manager", "GetLicenseConversionTask", {"StartTime": datetime(2026, 1, 1)}, "timezone-aware"),
        (
            "license-manager",
            "ListLicenseConversionTasks",
            {"LicenseConversionTasks": [{"Status": "DONE"}], "NextToken": 3},
            "expected a string",
        ),
    ],
)
def test_malformed_responses_are_caught(service, operation, response, problem):
    with pytest.raises(ResponseShapeError, match=problem):
        validate_output(service, operation, response)


def test_error_codes_outside_the_operation_model_are_caught():
    validate_error("license-manager", "GetLicenseConversionTask", "RateLimitExceededException")
    with pytest.raises(ResponseShapeError, match="cannot return 'ResourceNotFoundException'"):
        validate_error("license-manager", "GetLicenseConversionTask", "ResourceNotFoundException")


def test_the_double_refuses_to_send_a_malformed_ec2_response(install, ec2, monkeypatch):
    double = install([instance_import()])
    real_render = ec2_service.render

    def broken_render(*args, **kwargs):
        task = real_render(*args, **kwargs)
        task["State"] = "Completed"  # wrong case: not in ConversionTaskState
        return task

    monkeypatch.setattr(ec2_service, "render", broken_render)
    with pytest.raises(ResponseShapeError, match=r"ConversionTasks\[0\]\.State: 'Completed' is not one of"):
        ec2.describe_conversion_tasks(ConversionTaskIds=[INSTANCE_ID])
    assert len(double.shape_errors) == 1


def test_the_double_refuses_to_send_a_malformed_license_response(install, license_manager, monkeypatch):
    double = install([license_conversion()])
    real_render = license_service.render

    def broken_render(*args, **kwargs):
        return {**real_render(*args, **kwargs), "Progress": 50}  # no such member

    monkeypatch.setattr(license_service, "render", broken_render)
    with pytest.raises(ResponseShapeError, match="Progress: not a member"):
        license_manager.get_license_conversion_task(LicenseConversionTaskId=LICENSE_ID)
    assert len(double.shape_errors) == 1


def test_the_double_refuses_an_error_code_the_model_does_not_list(install, license_manager, monkeypatch):
    double = install([license_conversion()])

    def unmodeled(*args, **kwargs):
        raise ServiceFault("ResourceNotFoundException", "gone", 404)

    monkeypatch.setitem(double_module._LICENSE_OPERATIONS, "GetLicenseConversionTask", unmodeled)
    with pytest.raises(ResponseShapeError):
        license_manager.get_license_conversion_task(LicenseConversionTaskId=LICENSE_ID)
    assert len(double.shape_errors) == 1
