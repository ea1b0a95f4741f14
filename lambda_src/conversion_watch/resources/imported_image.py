"""``Custom::ImportedImage``: an AMI from disk images in S3 (EC2 ``ImportImage``).

Properties (as the construct passes them; CloudFormation turns every scalar into a string):
``DiskContainers`` (each ``{"Format", "Url": "s3://bucket/key"}`` or ``{"SnapshotId"}``, with
optional ``Description`` and ``DeviceName``), ``Description``, ``LicenseType``, ``BootMode``,
``Platform``, ``Architecture``, ``Encrypted`` + ``KmsKeyId``, ``RoleName``, ``Tags``,
``RetainOnDelete``. Attributes (the success signal's Data): the image id and its snapshot ids.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from conversion_watch.contract import RESOURCE_IMPORTED_IMAGE, SIGNAL_LIST_SEPARATOR
from conversion_watch.errors import TaskNotFound
from conversion_watch.kinds import kind
from conversion_watch.resources import ec2_cleanup
from conversion_watch.resources.base import (
    IMAGE_FORMATS,
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

TASK_TYPE = "ec2-import-image"
KNOWN = {"DiskContainers", "Description", "LicenseType", "BootMode", "Platform", "Architecture", "Encrypted",
         "KmsKeyId", "RoleName", "Tags", "RetainOnDelete", "ServiceToken", "ServiceTimeout"}
_SNAPSHOT_ID = re.compile(r"^snap-[0-9a-f]{8,17}$")
MAX_DISKS = 21  # ImportImage imports a VM's disks; EC2 allows at most 21 in one request (the guide's limit)


def check(properties: Mapping[str, Any]) -> dict[str, Any]:
    """The ``ImportImage`` request these properties ask for."""
    unknown = sorted(set(properties) - KNOWN)
    if unknown:
        raise PropertyError(unknown[0], f"is not a property of {RESOURCE_IMPORTED_IMAGE}")
    disks = properties.get("DiskContainers")
    if not isinstance(disks, list) or not disks or len(disks) > MAX_DISKS:
        raise PropertyError("DiskContainers", f"must list 1 to {MAX_DISKS} disk images")
    request: dict[str, Any] = {"DiskContainers": [_disk(d, f"DiskContainers[{i}]") for i, d in enumerate(disks)]}
    for name, choices in (("Description", ()), ("LicenseType", ("AWS", "BYOL")),
                          ("BootMode", ("legacy-bios", "uefi", "uefi-preferred")), ("Platform", ("Windows", "Linux")),
                          ("Architecture", ("i386", "x86_64", "arm64")), ("RoleName", ())):
        value = text(properties, name, choices=choices)
        if value is not None:
            request[name] = value
    request.update(encryption(properties))
    resource_tags = tags(properties)
    if resource_tags:
        request["TagSpecifications"] = [{"ResourceType": "import-image-task", "Tags": resource_tags}]
    flag(properties, "RetainOnDelete")
    return request


def _disk(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise PropertyError(where, "must be an object with Format and Url, or SnapshotId")
    unknown = sorted(set(raw) - {"Format", "Url", "SnapshotId", "Description", "DeviceName"})
    if unknown:
        raise PropertyError(f"{where}.{unknown[0]}", "is not a disk container property")
    disk: dict[str, Any] = {k: raw[k] for k in ("Description", "DeviceName") if raw.get(k)}
    if raw.get("SnapshotId"):
        if "Url" in raw or "Format" in raw:
            raise PropertyError(f"{where}.SnapshotId", "a disk is either a snapshot or Format + Url, not both")
        if not _SNAPSHOT_ID.fullmatch(str(raw["SnapshotId"])):
            raise PropertyError(f"{where}.SnapshotId", f"{raw['SnapshotId']!r} is not a snapshot id")
        return {**disk, "SnapshotId": raw["SnapshotId"]}
    disk["Format"] = disk_format(raw.get("Format"), f"{where}.Format", IMAGE_FORMATS)
    disk["UserBucket"] = s3_location(raw.get("Url"), f"{where}.Url")
    return disk


def start(clients: Any, request: dict[str, Any], client_token: str) -> str:
    response = clients("ec2").import_image(**request, ClientToken=client_token)
    return str(response["ImportTaskId"])


def attributes(snapshot: Any) -> list[str]:
    if not snapshot.facts.imageId:
        raise ValueError("the import completed but DescribeImportImageTasks reports no ImageId")
    return [snapshot.facts.imageId, SIGNAL_LIST_SEPARATOR.join(snapshot.facts.snapshotIds)]


def remove(clients: Any, task_id: str, properties: Mapping[str, Any]) -> list[str]:
    """Cancel a running import; deregister the AMI and delete its snapshots unless they are retained."""
    return ec2_cleanup.remove_import(clients, task_id, properties, task_type=TASK_TYPE, product="image",
                                     made=_made, release=release)


def _made(task: Any) -> tuple[dict[str, str], str] | None:
    if not task.facts.imageId:
        return None
    ids = {"ImageId": task.facts.imageId, "SnapshotIds": ",".join(task.facts.snapshotIds)}
    return ids, f"{task.facts.imageId} ({', '.join(task.facts.snapshotIds)})"


def release(clients: Any, attributes: Mapping[str, str]) -> list[str]:
    """Deregister the AMI, then delete its snapshots (EC2 refuses to delete a snapshot a registered AMI uses)."""
    ec2 = clients("ec2")
    snapshots = [s for s in attributes.get("SnapshotIds", "").split(SIGNAL_LIST_SEPARATOR) if s]
    return [ec2_cleanup.deregister_image(ec2, attributes["ImageId"]), *ec2_cleanup.delete_snapshots(ec2, snapshots)]


def retag(clients: Any, task_id: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    ec2 = clients("ec2")
    resources = [task_id]
    try:
        task = kind(TASK_TYPE).describe(ec2, task_id)
        resources += [i for i in (task.facts.imageId, *task.facts.snapshotIds) if i]
    except TaskNotFound:
        pass
    return retag_ec2(ec2, resources, old, new)


KIND = ResourceKind(resource_type=RESOURCE_IMPORTED_IMAGE, task_type=TASK_TYPE, check=check, start=start,
                    attributes=attributes, remove=remove, retag=retag, release=release)
