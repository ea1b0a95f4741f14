"""``Custom::ImportedSnapshot``: an EBS snapshot from one disk image in S3 (EC2 ``ImportSnapshot``).

Properties: ``DiskContainer`` (``{"Format", "Url": "s3://bucket/key", "Description"?}``),
``Description``, ``Encrypted`` + ``KmsKeyId``, ``RoleName``, ``Tags``, ``RetainOnDelete``.
Attribute (the success signal's Data): the snapshot id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conversion_watch.contract import RESOURCE_IMPORTED_SNAPSHOT
from conversion_watch.errors import TaskNotFound
from conversion_watch.kinds import kind
from conversion_watch.resources import ec2_cleanup
from conversion_watch.resources.base import (
    SNAPSHOT_FORMATS,
    PropertyError,
    ResourceKind,
    disk_format,
    encryption,
    flag,
    retag_ec2,
    s3_location,
    tags,
    text,
)

TASK_TYPE = "ec2-import-snapshot"
KNOWN = {"DiskContainer", "Description", "Encrypted", "KmsKeyId", "RoleName", "Tags", "RetainOnDelete",
         "ServiceToken", "ServiceTimeout"}


def check(properties: Mapping[str, Any]) -> dict[str, Any]:
    """The ``ImportSnapshot`` request these properties ask for."""
    unknown = sorted(set(properties) - KNOWN)
    if unknown:
        raise PropertyError(unknown[0], f"is not a property of {RESOURCE_IMPORTED_SNAPSHOT}")
    disk = properties.get("DiskContainer")
    if not isinstance(disk, dict):
        raise PropertyError("DiskContainer", "must be an object with Format and Url")
    unknown = sorted(set(disk) - {"Format", "Url", "Description"})
    if unknown:
        raise PropertyError(f"DiskContainer.{unknown[0]}", "is not a disk container property")
    container: dict[str, Any] = {"Format": disk_format(disk.get("Format"), "DiskContainer.Format", SNAPSHOT_FORMATS),
                                 "UserBucket": s3_location(disk.get("Url"), "DiskContainer.Url")}
    if disk.get("Description"):
        container["Description"] = disk["Description"]
    request: dict[str, Any] = {"DiskContainer": container}
    for name in ("Description", "RoleName"):
        value = text(properties, name)
        if value is not None:
            request[name] = value
    request.update(encryption(properties))
    resource_tags = tags(properties)
    if resource_tags:
        request["TagSpecifications"] = [{"ResourceType": "import-snapshot-task", "Tags": resource_tags}]
    flag(properties, "RetainOnDelete")
    return request


def start(clients: Any, request: dict[str, Any], client_token: str) -> str:
    return str(clients("ec2").import_snapshot(**request, ClientToken=client_token)["ImportTaskId"])


def attributes(snapshot: Any) -> list[str]:
    if not snapshot.facts.snapshotId:
        raise ValueError("the import completed but DescribeImportSnapshotTasks reports no SnapshotId")
    return [snapshot.facts.snapshotId]


def remove(clients: Any, task_id: str, properties: Mapping[str, Any]) -> list[str]:
    """Cancel a running import; delete the snapshot unless it is retained."""
    return ec2_cleanup.remove_import(clients, task_id, properties, task_type=TASK_TYPE, product="snapshot",
                                     made=_made, release=release)


def _made(task: Any) -> tuple[dict[str, str], str] | None:
    return ({"SnapshotId": task.facts.snapshotId}, task.facts.snapshotId) if task.facts.snapshotId else None


def release(clients: Any, attributes: Mapping[str, str]) -> list[str]:
    return ec2_cleanup.delete_snapshots(clients("ec2"), [attributes["SnapshotId"]])


def retag(clients: Any, task_id: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    ec2 = clients("ec2")
    resources = [task_id]
    try:
        snapshot_id = kind(TASK_TYPE).describe(ec2, task_id).facts.snapshotId
        resources += [snapshot_id] if snapshot_id else []
    except TaskNotFound:
        pass
    return retag_ec2(ec2, resources, old, new)


KIND = ResourceKind(resource_type=RESOURCE_IMPORTED_SNAPSHOT, task_type=TASK_TYPE, check=check, start=start,
                    attributes=attributes, remove=remove, retag=retag, release=release)
