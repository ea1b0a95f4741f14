"""``ec2-export-instance``: VM Import/Export ``CreateInstanceExportTask`` tasks (``export-i-...``),
read with ``DescribeExportTasks`` (no pagination: without ids it returns every export task).

``State`` is the enum ``active | cancelling | cancelled | completed``; ``completed`` leaves the
file at ``ExportToS3Task.S3Bucket``/``S3Key``. ``CancelExportTask`` "Cancels an active export
task" -- the one way into ``cancelling``. The API reports no progress.
"""

from __future__ import annotations

from typing import Any

from conversion_watch.kinds import vmie

STATES = {"active": "IN_PROGRESS", "cancelling": "CANCELLING", "cancelled": "CANCELLED", "completed": "COMPLETED"}


def facts(task: dict[str, Any]) -> dict[str, Any]:
    return {
        **vmie.fields(task, "Description"),
        **vmie.fields(task.get("InstanceExportDetails"), "InstanceId", "TargetEnvironment"),
        **vmie.fields(task.get("ExportToS3Task"), "DiskImageFormat", "ContainerFormat", "S3Bucket", "S3Key"),
    }


KIND = vmie.vmie_kind(
    task_type="ec2-export-instance",
    label="Instance export",
    id_prefix="export-i",
    # No pagination: without ids DescribeExportTasks returns every export task of the region.
    api="DescribeExportTasks",
    paginated=False,
    states=STATES,
    state_key="State",
    start=vmie.start_call("CreateInstanceExportTask", "exportTask", "exportTaskId"),
    cancel_request_states=frozenset({"cancelling"}),
    facts=facts,
)
