"""EC2 ``DescribeExportImageTasks`` / ``DescribeExportTasks`` over the scenario's timelines."""

from __future__ import annotations

from typing import Any

from localrun.services.scenario import Entry, Task, stable_hex
from localrun.services.vmie_service import task_fields


def render_image(task: Task, entry: Entry) -> dict[str, Any]:
    """The file lands at <S3Bucket>/<S3Prefix><export-ami-id>.<format>; the API reports bucket and prefix."""
    location = {"S3Bucket": _bucket(task), "S3Prefix": task.raw.get("s3Prefix", "exports/")}
    return {"ExportImageTaskId": task.task_id, "Status": entry.state, "S3ExportLocation": location,
            "ImageId": task.raw.get("imageId", "ami-" + stable_hex(task.task_id)), **task_fields(task, entry)}


def render_instance(task: Task, entry: Entry) -> dict[str, Any]:
    fields = task_fields(task, entry)
    fields.pop("Progress", None)  # ExportTask reports no progress
    disk_format = task.raw.get("format", "VMDK")
    s3 = {"ContainerFormat": "ova", "DiskImageFormat": disk_format, "S3Bucket": _bucket(task),
          "S3Key": f"{task.raw.get('s3Prefix', 'vms/')}{task.task_id}.ova"}
    instance = {"InstanceId": task.raw.get("instanceId", "i-" + stable_hex(task.task_id)),
                "TargetEnvironment": task.raw.get("targetEnvironment", "vmware")}
    return {"ExportTaskId": task.task_id, "State": entry.state, "ExportToS3Task": s3,
            "InstanceExportDetails": instance, **fields}


def _bucket(task: Task) -> str:
    return str(task.raw.get("s3Bucket", "vm-export-" + stable_hex(task.task_id)[:8]))
