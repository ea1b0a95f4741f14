"""Removing what a VM import made: cancel a running task, deregister the AMI, delete snapshots.

Each step is idempotent (CloudFormation may repeat a Delete): "not found" means already gone.
A snapshot is deleted after the AMI that uses it is deregistered (EC2 refuses to delete a
snapshot a registered AMI uses: ``InvalidSnapshot.InUse``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from botocore.exceptions import ClientError

from conversion_watch.service_errors import error_code

GONE = {"InvalidAMIID.NotFound", "InvalidAMIID.Unavailable", "InvalidSnapshot.NotFound"}
# CancelImportTask on a task that already ended or is unknown (EC2's error-code reference lists no
# code for this case; InvalidParameterValue / IncorrectState are what is treated as "nothing to cancel").
NOTHING_TO_CANCEL = {"InvalidParameterValue", "IncorrectState", "InvalidConversionTaskId"}
CANCEL_REASON = "The CloudFormation resource that started this import was deleted (or rolled back)."


def cancel_import(ec2: Any, task_id: str) -> str:
    try:
        ec2.cancel_import_task(ImportTaskId=task_id, CancelReason=CANCEL_REASON)
    except ClientError as error:
        if error_code(error) not in NOTHING_TO_CANCEL:
            raise
        return f"{task_id} had nothing left to cancel ({error_code(error)})"
    return f"cancelled {task_id}"


def where(task: Any) -> str:
    """How far a running import had got, for the reason of the Delete that cancels it."""
    parts = [task.service_state, task.status_message,
             f"{task.progress.percent:g}%" if task.progress and task.progress.percent is not None else None]
    return f" (it was {', '.join(p for p in parts if p)})"


def deregister_image(ec2: Any, image_id: str) -> str:
    try:
        ec2.deregister_image(ImageId=image_id)
    except ClientError as error:
        if error_code(error) not in GONE:
            raise
        return f"{image_id} was already gone"
    return f"deregistered {image_id}"


def delete_snapshots(ec2: Any, snapshot_ids: Iterable[str]) -> list[str]:
    done = []
    for snapshot_id in snapshot_ids:
        try:
            ec2.delete_snapshot(SnapshotId=snapshot_id)
        except ClientError as error:
            if error_code(error) not in GONE:
                raise
            done.append(f"{snapshot_id} was already gone")
            continue
        done.append(f"deleted {snapshot_id}")
    return done
