"""``ec2-import-image``: VM Import/Export ``ImportImage`` tasks (``import-ami-...``), read with
``DescribeImportImageTasks``.

``Status`` runs ``active`` (sub-steps such as ``pending``, ``validating``, ``converting``,
``booting``, ``preparing ami`` in ``StatusMessage``) to ``completed`` (``ImageId`` set). A cancel
goes ``deleting`` -> ``deleted``; a failure also ends ``deleted``, with a ``ClientError: ...``
message, so ``deleted`` is normalized CANCELLED and ``conversion_watch.outcome`` tells them apart.
"""

from __future__ import annotations

from typing import Any

from conversion_watch.kinds import vmie

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


def facts(task: dict[str, Any]) -> dict[str, Any]:
    disks = task.get("SnapshotDetails", [])
    return {
        **vmie.fields(task, "Description", "ImageId", "Architecture", "LicenseType", "Platform", "BootMode",
                      "Encrypted"),
        "snapshotIds": [d["SnapshotId"] for d in disks if d.get("SnapshotId")],
        "diskImageFormat": disks[0].get("Format") if disks else None,
    }


# Active tasks and those finished in the last 7 days are listed (the API lists no older ones).
KIND = vmie.vmie_kind(
    task_type="ec2-import-image",
    label="VM image import",
    id_prefix="import-ami",
    api="DescribeImportImageTasks",
    states=STATES,
    start=vmie.start_call("ImportImage", "importTaskId"),
    # No cancel_request_states: "deleting" is documented as "being canceled", but whether a
    # failing task passes through it is not, so only a CancelImportTask record proves a cancel.
    facts=facts,
)
