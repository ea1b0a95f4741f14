"""``ec2-export-instance``: VM Import/Export ``CreateInstanceExportTask`` tasks (``export-i-...``),
read with ``DescribeExportTasks`` (no pagination: without ids it returns every export task).

``State`` is the enum ``active | cancelling | cancelled | completed``; ``completed`` leaves the
file at ``ExportToS3Task.S3Bucket``/``S3Key``. ``CancelExportTask`` "Cancels an active export
task" -- the one way into ``cancelling``. The API reports no progress.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from conversion_watch.facts import TaskFacts
from conversion_watch.kinds import vmie
from conversion_watch.kinds.base import TaskKind
from conversion_watch.service_errors import translate
from conversion_watch.snapshot import TaskSnapshot

STATES = {"active": "IN_PROGRESS", "cancelling": "CANCELLING", "cancelled": "CANCELLED", "completed": "COMPLETED"}
OPERATION = "ec2:DescribeExportTasks"
RESULT_KEY = "ExportTasks"


def describe(client: Any, task_id: str) -> TaskSnapshot:
    return snapshot(vmie.describe_one(client, method="describe_export_tasks", ids_param="ExportTaskIds",
                                      result_key=RESULT_KEY, id_key="ExportTaskId", task_id=task_id,
                                      operation=OPERATION))


def snapshot(task: dict[str, Any]) -> TaskSnapshot:
    raw_state = vmie.known_state(task.get("State"), STATES, "export task state")
    s3 = task.get("ExportToS3Task") or {}
    instance = task.get("InstanceExportDetails") or {}
    facts = TaskFacts(
        conversionType="CreateInstanceExportTask",
        description=task.get("Description"),
        instanceId=instance.get("InstanceId"),
        targetEnvironment=instance.get("TargetEnvironment"),
        diskImageFormat=s3.get("DiskImageFormat"),
        containerFormat=s3.get("ContainerFormat"),
        s3Bucket=s3.get("S3Bucket"),
        s3Key=s3.get("S3Key"),
    )
    return TaskSnapshot(state=STATES[raw_state], service_state=raw_state,
                        status_message=task.get("StatusMessage") or None, facts=facts)


def list_tasks(client: Any) -> Iterator[dict[str, Any]]:
    """Every export instance task of the region, in one call (the API has no pagination)."""
    try:
        response = client.describe_export_tasks()
    except Exception as error:
        raise translate(error, operation=OPERATION, task_id="*") from error
    yield from response.get(RESULT_KEY, [])


KIND = TaskKind(
    task_type="ec2-export-instance",
    label="Instance export",
    service="ec2",
    id_pattern=vmie.task_id_pattern("export-i"),
    id_example="export-i-1234567890abcdef0",
    describe_action=OPERATION,
    list_action=OPERATION,
    raw_states=STATES,
    start_calls=(vmie.start_call("CreateInstanceExportTask", "exportTask", "exportTaskId"),),
    cancel_request_states=frozenset({"cancelling"}),
    cancel_calls=(vmie.CANCEL_EXPORT,),
    describe=describe,
    list_tasks=list_tasks,
    raw_task_id=lambda task: task.get("ExportTaskId"),
    raw_state=lambda task: task.get("State"),
    snapshot=snapshot,
)
