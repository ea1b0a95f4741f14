"""Raw tasks of the four VM Import/Export kinds, shaped like the API reference and user-guide
examples (the Stubber checks them against botocore's models)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from conversion_watch.kinds.base import TaskKind
from conversion_watch.outcome import EndEvidence, classify

IMAGE_TASK = "import-ami-0123456789abcdef0"
SNAPSHOT_TASK = "import-snap-0123456789abcdef0"
EXPORT_IMAGE_TASK = "export-ami-0123456789abcdef0"
EXPORT_INSTANCE_TASK = "export-i-0123456789abcdef0"
AMI = "ami-0fedcba9876543210"
SNAPSHOT = "snap-0fedcba9876543210"
FAILURE = "ClientError: Unsupported kernel version 4.15.0-1021-aws"  # hashicorp/packer#6743
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def import_image(status: str, *, message: str | None = None, progress: str | None = None,
                 image_id: str | None = None, task_id: str = IMAGE_TASK) -> dict[str, Any]:
    disk: dict[str, Any] = {"DeviceName": "/dev/sda1", "DiskImageSize": 955217920.0, "Format": "VMDK",
                            "Status": "completed" if image_id else "active",
                            "UserBucket": {"S3Bucket": "my-import-bucket", "S3Key": "vms/web.ova"}}
    task: dict[str, Any] = {"ImportTaskId": task_id, "Status": status, "Architecture": "x86_64",
                            "LicenseType": "BYOL", "Platform": "Linux", "Description": "web server",
                            "BootMode": "uefi", "Encrypted": False, "SnapshotDetails": [disk]}
    if image_id:
        task["ImageId"] = image_id
        disk["SnapshotId"] = SNAPSHOT
    return _with(task, message, progress)


def import_snapshot(status: str, *, message: str | None = None, progress: str | None = None,
                    snapshot_id: str | None = None) -> dict[str, Any]:
    detail: dict[str, Any] = {"Status": status, "Format": "VMDK", "DiskImageSize": 705638400.0,
                              "UserBucket": {"S3Bucket": "my-import-bucket", "S3Key": "vms/disk1.vmdk"}}
    if snapshot_id:
        detail["SnapshotId"] = snapshot_id
    return {"ImportTaskId": SNAPSHOT_TASK, "Description": "data disk",
            "SnapshotTaskDetail": _with(detail, message, progress)}


def export_image(status: str, *, message: str | None = None, progress: str | None = None) -> dict[str, Any]:
    task = {"ExportImageTaskId": EXPORT_IMAGE_TASK, "ImageId": AMI, "Status": status,
            "S3ExportLocation": {"S3Bucket": "my-export-bucket", "S3Prefix": "exports/"}}
    return _with(task, message, progress)


def export_instance(state: str, *, message: str | None = None) -> dict[str, Any]:
    task = {"ExportTaskId": EXPORT_INSTANCE_TASK, "State": state, "Description": "web server",
            "ExportToS3Task": {"ContainerFormat": "ova", "DiskImageFormat": "VMDK", "S3Bucket": "my-export-bucket",
                               "S3Key": f"vms/{EXPORT_INSTANCE_TASK}.ova"},
            "InstanceExportDetails": {"InstanceId": "i-0123456789abcdef0", "TargetEnvironment": "vmware"}}
    return _with(task, message, None)


def _with(task: dict[str, Any], message: str | None, progress: str | None) -> dict[str, Any]:
    if message is not None:
        task["StatusMessage"] = message
    if progress is not None:
        task["Progress"] = progress
    return task


def outcome(normalized: str, message: str | None, *, cancel_requested: bool = False) -> tuple[str, str]:
    """(state, outcomeReason) the watcher gives a terminal observation (conversion_watch.outcome)."""
    found = classify(EndEvidence(normalized=normalized, status_message=message, expires_at=None,
                                 observed_at=NOW, cancel_requested=cancel_requested))
    return found.state, found.reason


def describe_answering(ec2: tuple[Any, Any], task_kind: TaskKind, task_id: str, raw: dict[str, Any]) -> Any:
    """``task_kind.describe(task_id)`` with the Stubber answering ``[raw]``; the call's name, id
    filter and result list are the EC2 API's (``ec2:DescribeExportTasks``: ``describe_export_tasks``,
    ``ExportTaskIds``, ``ExportTasks``)."""
    client, stubber = ec2
    api = task_kind.describe_action.split(":")[1]
    method = re.sub(r"(?<!^)(?=[A-Z])", "_", api).lower()
    stubber.add_response(method, {api.removeprefix("Describe"): [raw]}, {f"{task_kind.id_field[0]}s": [task_id]})
    return task_kind.describe(client, task_id)
