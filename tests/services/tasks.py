"""Scenario task entries shared by the service-double tests."""

from __future__ import annotations

from typing import Any

INSTANCE_ID = "import-i-ffvko9js"
VOLUME_ID = "import-vol-ffut5xv4"
LICENSE_ID = "lct-0123456789abcdef0123456789abcdef"
GIB = 1024**3


def instance_import(timeline: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    """Two disks; 3 GiB + 1 GiB images."""
    return {
        "taskType": "ec2-conversion",
        "taskId": INSTANCE_ID,
        "description": "web server",
        "platform": "Windows",
        "instanceId": "i-0123456789abcdef0",
        "volumes": [
            {"volumeId": "vol-0aaaaaaaaaaaaaaa1", "volumeSize": 30, "imageSize": 3 * GIB, "format": "VMDK"},
            {"volumeId": "vol-0aaaaaaaaaaaaaaa2", "volumeSize": 10, "imageSize": GIB, "format": "VHD"},
        ],
        "timeline": timeline
        or [
            {"at": 0, "state": "active", "statusMessage": "Pending", "bytesConverted": [0, 0]},
            {"at": 3600, "state": "active", "statusMessage": "Progress: 50%", "bytesConverted": [GIB, GIB]},
            {"at": 7200, "state": "completed"},
        ],
        **extra,
    }


def volume_import(timeline: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "taskType": "ec2-conversion",
        "taskId": VOLUME_ID,
        "availabilityZone": "us-east-1b",
        "timeline": timeline
        or [
            {"at": 60, "state": "active", "bytesConverted": 0, "size": 4 * GIB},
            {"at": 600, "state": "active", "bytesConverted": GIB},
            {"at": 900, "state": "cancelling", "statusMessage": "Cancelling per user request"},
            {"at": 960, "state": "cancelled", "statusMessage": "User cancelled"},
        ],
        **extra,
    }


def license_conversion(
    timeline: list[dict[str, Any]] | None = None, task_id: str = LICENSE_ID, **extra: Any
) -> dict[str, Any]:
    return {
        "taskType": "license-conversion",
        "taskId": task_id,
        "resourceArn": "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0",
        "timeline": timeline
        or [
            {"at": 0, "state": "IN_PROGRESS", "statusMessage": "Converting"},
            {"at": 1800, "state": "SUCCEEDED"},
        ],
        **extra,
    }
