"""``ec2-import-snapshot``: VM Import/Export ``ImportSnapshot`` tasks (``import-snap-...``), read
with ``DescribeImportSnapshotTasks``; the state is ``SnapshotTaskDetail.Status``.

``pending``/``active`` (sub-steps in ``StatusMessage``) run to ``completed`` (``SnapshotId``
set). A cancel ends ``deleting`` -> ``deleted``, and so may a failure (``ClientError: ...``);
botocore's ``SnapshotImported`` waiter also expects a literal ``error`` status, normalized FAILED.
"""

from __future__ import annotations

from typing import Any

from conversion_watch.kinds import vmie

STATES = {
    "pending": "IN_PROGRESS",
    "active": "IN_PROGRESS",
    "deleting": "CANCELLING",
    "deleted": "CANCELLED",
    "completed": "COMPLETED",
    "error": "FAILED",
}


def facts(task: dict[str, Any]) -> dict[str, Any]:
    detail = task.get("SnapshotTaskDetail") or {}
    return {
        "description": task.get("Description") or detail.get("Description"),
        **vmie.fields(detail, "SnapshotId", "DiskImageSize", "Encrypted"),
        "diskImageFormat": detail.get("Format"),
        **vmie.fields(detail.get("UserBucket"), "S3Bucket", "S3Key"),
    }


KIND = vmie.vmie_kind(
    task_type="ec2-import-snapshot",
    label="Snapshot import",
    id_prefix="import-snap",
    api="DescribeImportSnapshotTasks",
    states=STATES,
    detail=("SnapshotTaskDetail",),
    start=vmie.start_call("ImportSnapshot", "importTaskId"),
    # As for import image: "deleting" is not proven cancel-only, so a CancelImportTask record is the proof.
    facts=facts,
)
