"""``ec2-import-image``: VM Import/Export ``ImportImage`` tasks (``import-ami-...``), read with
``DescribeImportImageTasks``.

``Status`` runs ``active`` (sub-steps such as ``pending``, ``validating``, ``converting``,
``booting``, ``preparing ami`` in ``StatusMessage``) to ``completed`` (``ImageId`` set). A cancel
goes ``deleting`` -> ``deleted``; a failure also ends ``deleted``, with a ``ClientError: ...``
message, so ``deleted`` is normalized CANCELLED and ``conversion_watch.outcome`` tells them apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from conversion_watch.facts import TaskFacts
from conversion_watch.kinds import vmie
from conversion_watch.kinds.base import TaskKind
from conversion_watch.snapshot import TaskSnapshot

# The user guide's status values (check-import-task-status.html); the sub-step words it lists
# are normally in StatusMessage while Status is "active", but are accepted as Status too.
STATES = {
    "active": "IN_PROGRESS",
    "updating": "IN_PROGRESS",
    "validating": "IN_PROGRESS",
    "validated": "IN_PROGRESS",
    "converting": "IN_PROGRESS",
    "deleting": "CANCELLING",
    "deleted": "CANCELLED",
    "completed": "COMPLETED",
}
OPERATION = "ec2:DescribeImportImageTasks"
METHOD = "describe_import_image_tasks"
RESULT_KEY = "ImportImageTasks"


def describe(client: Any, task_id: str) -> TaskSnapshot:
    return snapshot(vmie.describe_one(client, method=METHOD, ids_param="ImportTaskIds", result_key=RESULT_KEY,
                                      id_key="ImportTaskId", task_id=task_id, operation=OPERATION))


def snapshot(task: dict[str, Any]) -> TaskSnapshot:
    raw_state = vmie.known_state(task.get("Status"), STATES, "import image status")
    disks = task.get("SnapshotDetails", [])
    facts = TaskFacts(
        conversionType="ImportImage",
        description=task.get("Description"),
        imageId=task.get("ImageId"),
        snapshotIds=[d["SnapshotId"] for d in disks if d.get("SnapshotId")],
        architecture=task.get("Architecture"),
        licenseType=task.get("LicenseType"),
        platform=task.get("Platform"),
        bootMode=task.get("BootMode"),
        encrypted=task.get("Encrypted"),
        diskImageFormat=disks[0].get("Format") if disks else None,
    )
    return TaskSnapshot(state=STATES[raw_state], service_state=raw_state,
                        status_message=task.get("StatusMessage") or None, facts=facts,
                        progress=vmie.percent(task.get("Progress")))


def list_tasks(client: Any) -> Iterator[dict[str, Any]]:
    """Active tasks and those finished in the last 7 days (the API lists no older ones)."""
    return vmie.paginate(client, method=METHOD, result_key=RESULT_KEY, operation=OPERATION)


KIND = TaskKind(
    task_type="ec2-import-image",
    label="VM image import",
    service="ec2",
    id_pattern=vmie.task_id_pattern("import-ami"),
    id_example="import-ami-1234567890abcdef0",
    describe_action=OPERATION,
    list_action=OPERATION,
    raw_states=STATES,
    start_calls=(vmie.start_call("ImportImage", "importTaskId"),),
    # No cancel_request_states: "deleting" is documented as "being canceled", but whether a
    # failing task passes through it is not, so only a CancelImportTask record proves a cancel.
    cancel_calls=(vmie.CANCEL_IMPORT,),
    describe=describe,
    list_tasks=list_tasks,
    raw_task_id=lambda task: task.get("ImportTaskId"),
    raw_state=lambda task: task.get("Status"),
    snapshot=snapshot,
)
