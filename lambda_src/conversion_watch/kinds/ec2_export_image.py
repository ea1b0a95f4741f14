"""``ec2-export-image``: VM Import/Export ``ExportImage`` tasks (``export-ami-...``), read with
``DescribeExportImageTasks``.

``Status``: "The possible values are active, completed, deleting, and deleted." ``active``
(sub-steps in ``StatusMessage``) runs to ``completed``; the image file is then at
``<S3Bucket>/<S3Prefix><export-ami-id>.<format>``. ``CancelExportTask`` ends a task ``deleted``;
no document says a failure cannot, so ``deleted`` is CANCELLED for the outcome classifier to refine.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from conversion_watch.facts import TaskFacts
from conversion_watch.kinds import vmie
from conversion_watch.kinds.base import TaskKind
from conversion_watch.snapshot import TaskSnapshot

STATES = {"active": "IN_PROGRESS", "deleting": "CANCELLING", "deleted": "CANCELLED", "completed": "COMPLETED"}
OPERATION = "ec2:DescribeExportImageTasks"
METHOD = "describe_export_image_tasks"
RESULT_KEY = "ExportImageTasks"


def describe(client: Any, task_id: str) -> TaskSnapshot:
    return snapshot(vmie.describe_one(client, method=METHOD, ids_param="ExportImageTaskIds", result_key=RESULT_KEY,
                                      id_key="ExportImageTaskId", task_id=task_id, operation=OPERATION))


def snapshot(task: dict[str, Any]) -> TaskSnapshot:
    raw_state = vmie.known_state(task.get("Status"), STATES, "export image status")
    location = task.get("S3ExportLocation") or {}
    facts = TaskFacts(
        conversionType="ExportImage",
        description=task.get("Description"),
        imageId=task.get("ImageId"),
        s3Bucket=location.get("S3Bucket"),
        s3Prefix=location.get("S3Prefix"),
    )
    return TaskSnapshot(state=STATES[raw_state], service_state=raw_state,
                        status_message=task.get("StatusMessage") or None, facts=facts,
                        progress=vmie.percent(task.get("Progress")))


def list_tasks(client: Any) -> Iterator[dict[str, Any]]:
    return vmie.paginate(client, method=METHOD, result_key=RESULT_KEY, operation=OPERATION)


KIND = TaskKind(
    task_type="ec2-export-image",
    label="VM image export",
    service="ec2",
    id_pattern=vmie.task_id_pattern("export-ami"),
    id_example="export-ami-1234567890abcdef0",
    describe_action=OPERATION,
    list_action=OPERATION,
    raw_states=STATES,
    start_calls=(vmie.start_call("ExportImage", "exportImageTaskId"),),
    cancel_calls=(vmie.CANCEL_EXPORT,),
    describe=describe,
    list_tasks=list_tasks,
    raw_task_id=lambda task: task.get("ExportImageTaskId"),
    raw_state=lambda task: task.get("Status"),
    snapshot=snapshot,
)
