"""``ec2-export-image``: VM Import/Export ``ExportImage`` tasks (``export-ami-...``), read with
``DescribeExportImageTasks``.

``Status``: "The possible values are active, completed, deleting, and deleted." ``active``
(sub-steps in ``StatusMessage``) runs to ``completed``; the image file is then at
``<S3Bucket>/<S3Prefix><export-ami-id>.<format>``. ``CancelExportTask`` ends a task ``deleted``;
no document says a failure cannot, so ``deleted`` is CANCELLED for the outcome classifier to refine.
"""

from __future__ import annotations

from typing import Any

from conversion_watch.kinds import vmie

STATES = {"active": "IN_PROGRESS", "deleting": "CANCELLING", "deleted": "CANCELLED", "completed": "COMPLETED"}


def facts(task: dict[str, Any]) -> dict[str, Any]:
    return {**vmie.fields(task, "Description", "ImageId"),
            **vmie.fields(task.get("S3ExportLocation"), "S3Bucket", "S3Prefix")}


KIND = vmie.vmie_kind(
    task_type="ec2-export-image",
    label="VM image export",
    id_prefix="export-ami",
    api="DescribeExportImageTasks",
    states=STATES,
    start=vmie.start_call("ExportImage", "exportImageTaskId"),
    facts=facts,
)
