"""``ec2-import-snapshot``: VM Import/Export ``ImportSnapshot`` tasks (``import-snap-...``), read
with ``DescribeImportSnapshotTasks``; the state is ``SnapshotTaskDetail.Status``.

``pending``/``active`` (sub-steps in ``StatusMessage``) run to ``completed`` (``SnapshotId``
set). A cancel ends ``deleting`` -> ``deleted``, and so may a failure (``ClientError: ...``);
botocore's ``SnapshotImported`` waiter also expects a literal ``error`` status, normalized FAILED.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from conversion_watch.facts import TaskFacts
from conversion_watch.kinds import vmie
from conversion_watch.kinds.base import TaskKind
from conversion_watch.snapshot import TaskSnapshot

STATES = {
    "pending": "IN_PROGRESS",
    "active": "IN_PROGRESS",
    "deleting": "CANCELLING",
    "deleted": "CANCELLED",
    "completed": "COMPLETED",
    "error": "FAILED",
}
OPERATION = "ec2:DescribeImportSnapshotTasks"
METHOD = "describe_import_snapshot_tasks"
RESULT_KEY = "ImportSnapshotTasks"


def describe(client: Any, task_id: str) -> TaskSnapshot:
    return snapshot(vmie.describe_one(client, method=METHOD, ids_param="ImportTaskIds", result_key=RESULT_KEY,
                                      id_key="ImportTaskId", task_id=task_id, operation=OPERATION))


def _detail(task: dict[str, Any]) -> dict[str, Any]:
    return task.get("SnapshotTaskDetail") or {}


def snapshot(task: dict[str, Any]) -> TaskSnapshot:
    detail = _detail(task)
    raw_state = vmie.known_state(detail.get("Status"), STATES, "import snapshot status")
    bucket = detail.get("UserBucket") or {}
    facts = TaskFacts(
        conversionType="ImportSnapshot",
        description=task.get("Description") or detail.get("Description"),
        snapshotId=detail.get("SnapshotId"),
        diskImageFormat=detail.get("Format"),
        diskImageSize=detail.get("DiskImageSize"),
        s3Bucket=bucket.get("S3Bucket"),
        s3Key=bucket.get("S3Key"),
        encrypted=detail.get("Encrypted"),
    )
    return TaskSnapshot(state=STATES[raw_state], service_state=raw_state,
                        status_message=detail.get("StatusMessage") or None, facts=facts,
                        progress=vmie.percent(detail.get("Progress")))


def list_tasks(client: Any) -> Iterator[dict[str, Any]]:
    return vmie.paginate(client, method=METHOD, result_key=RESULT_KEY, operation=OPERATION)


KIND = TaskKind(
    task_type="ec2-import-snapshot",
    label="Snapshot import",
    service="ec2",
    id_pattern=vmie.task_id_pattern("import-snap"),
    id_example="import-snap-1234567890abcdef0",
    describe_action=OPERATION,
    list_action=OPERATION,
    raw_states=STATES,
    start_calls=(vmie.start_call("ImportSnapshot", "importTaskId"),),
    # As for import image: "deleting" is not proven cancel-only, so a CancelImportTask record is the proof.
    cancel_calls=(vmie.CANCEL_IMPORT,),
    describe=describe,
    list_tasks=list_tasks,
    raw_task_id=lambda task: task.get("ImportTaskId"),
    raw_state=lambda task: _detail(task).get("Status"),
    snapshot=snapshot,
)
