"""EC2 ``DescribeImportImageTasks`` / ``DescribeImportSnapshotTasks`` over the scenario's timelines."""

from __future__ import annotations

from typing import Any

from localrun.services.scenario import Entry, Task, stable_hex
from localrun.services.vmie_service import task_fields

DEFAULT_FORMAT = "VMDK"


def render_image(task: Task, entry: Entry) -> dict[str, Any]:
    raw = task.raw
    disk: dict[str, Any] = {"Format": raw.get("format", DEFAULT_FORMAT), "Status": entry.state,
                            "UserBucket": _bucket(task), "DeviceName": "/dev/sda1"}
    if entry.snapshot_id:
        disk["SnapshotId"] = entry.snapshot_id
    row = {"ImportTaskId": task.task_id, "Status": entry.state, "SnapshotDetails": [disk],
           "Architecture": raw.get("architecture", "x86_64"), "LicenseType": raw.get("licenseType", "BYOL"),
           **task_fields(task, entry)}
    if raw.get("platform"):
        row["Platform"] = raw["platform"]
    if entry.image_id:
        row["ImageId"] = entry.image_id
    return row


def render_snapshot(task: Task, entry: Entry) -> dict[str, Any]:
    detail: dict[str, Any] = {"Status": entry.state, "Format": task.raw.get("format", DEFAULT_FORMAT),
                              "UserBucket": _bucket(task), **task_fields(task, entry)}
    detail.pop("Tags", None)
    # A snapshot import in progress reports SnapshotId "" (aws/aws-cli#9118).
    detail["SnapshotId"] = entry.snapshot_id or ""
    row: dict[str, Any] = {"ImportTaskId": task.task_id, "SnapshotTaskDetail": detail}
    if task.raw.get("description"):
        row["Description"] = task.raw["description"]
    if task.raw.get("tags"):
        row["Tags"] = [{"Key": k, "Value": v} for k, v in task.raw["tags"].items()]
    return row


def _bucket(task: Task) -> dict[str, str]:
    return {"S3Bucket": task.raw.get("s3Bucket", "vm-import-" + stable_hex(task.task_id)[:8]),
            "S3Key": task.raw.get("s3Key", "images/disk1.vmdk")}
