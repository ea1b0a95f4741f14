"""Removing what a VM import made: cancel a running task, deregister the AMI, delete snapshots.

Each step is idempotent (CloudFormation may repeat a Delete): "not found" means already gone.
A snapshot is deleted after the AMI that uses it is deregistered (EC2 refuses to delete a
snapshot a registered AMI uses: ``InvalidSnapshot.InUse``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from botocore.exceptions import ClientError

from conversion_watch.contract import COMPLETED
from conversion_watch.errors import TaskNotFound
from conversion_watch.kinds import kind
from conversion_watch.resources.base import flag
from conversion_watch.service_errors import error_code

# What a completed import made: (the ids ``release`` takes, how to name them), or None if it made nothing.
Made = Callable[[Any], tuple[dict[str, str], str] | None]
Release = Callable[[Any, Mapping[str, str]], list[str]]

GONE = {"InvalidAMIID.NotFound", "InvalidAMIID.Unavailable", "InvalidSnapshot.NotFound"}
# CancelImportTask on a task that already ended or is unknown (EC2's error-code reference lists no
# code for this case; InvalidParameterValue / IncorrectState are what is treated as "nothing to cancel").
NOTHING_TO_CANCEL = {"InvalidParameterValue", "IncorrectState", "InvalidConversionTaskId"}
CANCEL_REASON = "The CloudFormation resource that started this import was deleted (or rolled back)."


def remove_import(clients: Any, task_id: str, properties: Mapping[str, Any], *, task_type: str, product: str,
                  made: Made, release: Release) -> list[str]:
    """An import resource's Delete: cancel a running import; release what a completed one made (``made``,
    then ``release``) unless ``RetainOnDelete``."""
    ec2 = clients("ec2")
    task_kind = kind(task_type)
    try:
        task = task_kind.describe(ec2, task_id)
    except TaskNotFound:
        # The import describes list tasks of the last 7 days only: older, its results are not known here.
        describe = task_kind.describe_action.split(":", 1)[1]
        return [f"{task_id} is no longer listed by {describe}; nothing removed"]
    if not task.terminal:
        return [cancel_import(ec2, task_id) + where(task)]
    made_ids = made(task) if task.state == COMPLETED else None
    if made_ids is None:
        return [f"{task_id} ended {task.state}; it left no {product}"]
    ids, named = made_ids
    if flag(properties, "RetainOnDelete"):
        return [f"kept {named}: RetainOnDelete"]
    return release(clients, ids)


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
