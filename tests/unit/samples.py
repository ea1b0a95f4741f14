"""Service responses shaped like the real APIs (the Stubber checks them
against the botocore models) and handler events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from conversion_watch.naming import execution_name

EC2_INSTANCE_TASK = "import-i-ffvko9js"
EC2_VOLUME_TASK = "import-vol-ffut5xv4"
LICENSE_TASK = "lct-0123456789abcdef0123456789abcdef"
EXPIRES = "2026-03-08T12:00:00Z"
GIB = 1024**3


def disk(*, converted: int | None, size: int | None, volume_id: str = "vol-0123456789abcdef0") -> dict[str, Any]:
    """One ImportInstance volume item; ``None`` leaves the figure out."""
    item: dict[str, Any] = {
        "AvailabilityZone": "us-east-1a",
        "Image": {"Format": "VMDK", "ImportManifestUrl": "https://example.invalid/manifest.xml"},
        "Status": "active",
        "StatusMessage": "Pending",
        "Volume": {"Id": volume_id, "Size": 8},
    }
    if converted is not None:
        item["BytesConverted"] = converted
    if size is not None:
        item["Image"]["Size"] = size
    return item


def ec2_instance_task(state: str, *, volumes: list[dict[str, Any]] | None = None,
                      message: str | None = None, task_id: str = EC2_INSTANCE_TASK) -> dict[str, Any]:
    task: dict[str, Any] = {
        "ConversionTaskId": task_id,
        "ExpirationTime": EXPIRES,
        "State": state,
        "ImportInstance": {
            "Description": "web server image",
            "InstanceId": "i-0123456789abcdef0",
            "Platform": "Windows",
            "Volumes": volumes if volumes is not None else [disk(converted=2 * GIB, size=8 * GIB)],
        },
    }
    if message is not None:
        task["StatusMessage"] = message
    return task


def ec2_volume_task(state: str, *, converted: int | None = GIB, size: int | None = 4 * GIB,
                    task_id: str = EC2_VOLUME_TASK) -> dict[str, Any]:
    volume: dict[str, Any] = {
        "AvailabilityZone": "us-east-1b",
        "Description": "data disk",
        "Image": {"Format": "RAW", "ImportManifestUrl": "https://example.invalid/manifest.xml"},
        "Volume": {"Id": "vol-0fedcba9876543210", "Size": 4},
    }
    if converted is not None:
        volume["BytesConverted"] = converted
    if size is not None:
        volume["Image"]["Size"] = size
    return {"ConversionTaskId": task_id, "ExpirationTime": EXPIRES, "State": state, "ImportVolume": volume}


def ec2_response(*tasks: dict[str, Any]) -> dict[str, Any]:
    return {"ConversionTasks": list(tasks)}


def license_response(status: str, *, message: str | None = None, task_id: str = LICENSE_TASK) -> dict[str, Any]:
    started = datetime(2026, 3, 1, 11, 0, tzinfo=UTC)
    response: dict[str, Any] = {
        "LicenseConversionTaskId": task_id,
        "ResourceArn": "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0",
        "SourceLicenseContext": {"UsageOperation": "RunInstances:0002"},
        "DestinationLicenseContext": {"UsageOperation": "RunInstances:0800"},
        "Status": status,
        "StartTime": started,
    }
    if status != "IN_PROGRESS":
        response["EndTime"] = started + timedelta(minutes=20)
        response["LicenseConversionTime"] = started + timedelta(minutes=19)
    if message is not None:
        response["StatusMessage"] = message
    return response


def ec2_params(task_id: str = EC2_INSTANCE_TASK) -> dict[str, Any]:
    return {"ConversionTaskIds": [task_id]}


def license_params(task_id: str = LICENSE_TASK) -> dict[str, Any]:
    return {"LicenseConversionTaskId": task_id}


def validate_event(request: Any, execution: str | None = None) -> dict[str, Any]:
    """What the state machine passes to the validate step; by default the
    execution carries the watch's deterministic name."""
    return {"input": request, "executionName": execution or expected_name(request)}


def expected_name(request: Any) -> str:
    try:
        generation = request["continuation"]["generation"] + 1 if "continuation" in request else 1
        return execution_name(request["taskId"], generation=generation)
    except (TypeError, KeyError, ValueError):
        return "watch-invalid-input"  # bad input is rejected before its name matters
