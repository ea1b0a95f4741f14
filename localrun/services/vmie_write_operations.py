"""The write side of the double, for tasks that a CloudFormation deployment starts (``localrun.cloudformation``):
EC2 ``ImportImage``, ``ImportSnapshot``, ``CancelImportTask``, ``DeregisterImage``, ``DeleteSnapshot``,
``DescribeImages``, ``DescribeSnapshots``, ``CreateTags``, ``DeleteTags``, and License Manager
``CreateLicenseConversionTaskForResource``.

A deployment's task is a scenario task *held* out of sight until a start call gives it its id
(the ids are *reserved* in the order the deployments start them, per task type); from then on its
timeline plays as any task's. ``CancelImportTask`` cuts the timeline at the call: ``deleting`` now,
``deleted`` ``CANCEL_SECONDS`` later. Images and snapshots are those the scenario's completed
image/snapshot imports report (``imageId`` / ``snapshotId``) until deregistered or deleted; requests
about ids the double did not make go on to moto. Every answer is checked against botocore's model.

Inferred, not documented: the error codes for cancelling an ended import (``IncorrectState``) or an
unknown one (``InvalidParameterValue``), and how long a cancel takes to reach ``deleted``.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import uuid
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any

from localrun.services import ec2_wire, license_wire
from localrun.services.faults import EC2, LICENSE_MANAGER, ServiceFault
from localrun.services.scenario import Entry, Task

Response = tuple[int, dict[str, str], str]
CANCEL_SECONDS = 60.0
IMPORT_IMAGE, IMPORT_SNAPSHOT, LICENSE = "ec2-import-image", "ec2-import-snapshot", "license-conversion"
ACCOUNT = "123456789012"


class ResourceWrites:
    """Thread-safe state of the write operations; ``answer_ec2`` / ``answer_license`` serve requests."""

    def __init__(self, tasks: dict[str, Task], seconds: Callable[[], float]) -> None:
        self.tasks = tasks
        self.seconds = seconds
        self.held: dict[str, Task] = {}
        self.reserved: defaultdict[str, deque[str]] = defaultdict(deque)
        self.tokens: dict[str, str] = {}
        self.deregistered: set[str] = set()
        self.deleted_snapshots: set[str] = set()
        self.tags: defaultdict[str, dict[str, str]] = defaultdict(dict)
        self.cancelled: dict[str, float] = {}
        self._lock = threading.RLock()

    # -- set-up by the deployment player ------------------------------------------------------
    def hold(self, task_id: str) -> None:
        """Take a scenario task out of sight until a start call gives out its id."""
        with self._lock:
            self.held[task_id] = self.tasks.pop(task_id)

    def reserve(self, task_type: str, task_id: str) -> None:
        with self._lock:
            self.reserved[task_type].append(task_id)

    # -- what exists ------------------------------------------------------------------------------
    def images(self) -> dict[str, Entry]:
        """Registered images made by completed image imports: image id -> the task's entry now."""
        return {entry.image_id: entry for entry in self._completed(IMPORT_IMAGE)
                if entry.image_id and entry.image_id not in self.deregistered}

    def snapshots(self) -> set[str]:
        kinds = (IMPORT_IMAGE, IMPORT_SNAPSHOT)
        made = {e.snapshot_id for kind in kinds for e in self._completed(kind) if e.snapshot_id}
        return made - self.deleted_snapshots

    def _completed(self, task_type: str) -> list[Entry]:
        now = self.seconds()
        found = []
        for task in list(self.tasks.values()):
            entry = task.entry_at(now) if task.task_type == task_type else None
            if entry is not None and entry.state == "completed":
                found.append(entry)
        return found

    # -- EC2 ------------------------------------------------------------------------------------------
    def ec2(self, action: str, params: dict[str, list[str]]) -> dict[str, Any] | None:
        """The result of ``action``, or None when the request is not about the double's resources."""
        operation = _EC2.get(action)
        if operation is None:
            return None
        with self._lock:
            return operation(self, params)

    def import_image(self, params: dict[str, list[str]]) -> dict[str, Any]:
        disk = _prefixed(params, "DiskContainer.1.")
        raw = {"description": _one(params, "Description"), "licenseType": _one(params, "LicenseType"),
               "platform": _one(params, "Platform"), "architecture": _one(params, "Architecture"),
               "format": disk.get("Format", "").upper() or None, "s3Bucket": disk.get("UserBucket.S3Bucket"),
               "s3Key": disk.get("UserBucket.S3Key")}
        task, entry = self._start(IMPORT_IMAGE, params, raw, "ImportImage")
        result: dict[str, Any] = {"ImportTaskId": task.task_id, "Status": entry.state,
                                  **{k: v for k, v in (("Description", raw["description"]),
                                                       ("LicenseType", raw["licenseType"]),
                                                       ("Platform", raw["platform"])) if v}}
        if _one(params, "Encrypted") == "true":
            result.update(Encrypted=True, KmsKeyId=_one(params, "KmsKeyId"))
        return result

    def import_snapshot(self, params: dict[str, list[str]]) -> dict[str, Any]:
        disk = _prefixed(params, "DiskContainer.")
        raw = {"description": _one(params, "Description"), "format": disk.get("Format", "").upper() or None,
               "s3Bucket": disk.get("UserBucket.S3Bucket"), "s3Key": disk.get("UserBucket.S3Key")}
        task, entry = self._start(IMPORT_SNAPSHOT, params, raw, "ImportSnapshot")
        result: dict[str, Any] = {"ImportTaskId": task.task_id,
                                  "SnapshotTaskDetail": {"Status": entry.state, "Format": raw["format"] or "VMDK"}}
        if raw["description"]:
            result["Description"] = raw["description"]
        return result

    def _start(self, task_type: str, params: dict[str, list[str]], raw: dict[str, Any],
               call: str) -> tuple[Task, Entry]:
        token = _one(params, "ClientToken")
        if token and token in self.tokens:  # EC2's idempotency: the same token, the same task
            task = self.tasks[self.tokens[token]]
            return task, task.timeline[0]
        return self._take(task_type, call, raw, token)

    def _take(self, task_type: str, call: str, raw: dict[str, Any], token: str | None) -> tuple[Task, Entry]:
        if not self.reserved[task_type]:
            raise ServiceFault("InternalError", f"localrun: the scenario reserves no {task_type} task for this {call}",
                               500)
        task_id = self.reserved[task_type].popleft()
        held = self.held.pop(task_id)
        task = dataclasses.replace(held, raw={**held.raw, **{k: v for k, v in raw.items() if v}})
        self.tasks[task_id] = task
        if token:
            self.tokens[token] = task_id
        return task, task.timeline[0]

    def cancel_import_task(self, params: dict[str, list[str]]) -> dict[str, Any]:
        task_id = _one(params, "ImportTaskId") or ""
        task = self.tasks.get(task_id)
        if task is None or task.task_type not in (IMPORT_IMAGE, IMPORT_SNAPSHOT):
            raise ServiceFault("InvalidParameterValue", f"Invalid import task ID '{task_id}'", 400)
        now = self.seconds()
        entry = task.entry_at(now)
        if entry is None or entry.state in ("completed", "deleting", "deleted"):
            raise ServiceFault("IncorrectState", f"The import task '{task_id}' cannot be cancelled in its state", 400)
        reason = _one(params, "CancelReason")
        kept = tuple(e for e in task.timeline if e.at <= now)
        cut = (dataclasses.replace(entry, at=now + 0.001, state="deleting", status_message=reason, progress=None),
               dataclasses.replace(entry, at=now + CANCEL_SECONDS, state="deleted", status_message=reason,
                                   progress=None, image_id=None, snapshot_id=None))
        self.tasks[task_id] = dataclasses.replace(task, timeline=kept + cut)
        self.cancelled[task_id] = now
        return {"ImportTaskId": task_id, "PreviousState": entry.state, "State": "deleting"}

    def deregister_image(self, params: dict[str, list[str]]) -> dict[str, Any] | None:
        image_id = _one(params, "ImageId") or ""
        if not _ours(image_id, "ami-") or not self._made_image(image_id):
            return None
        if image_id in self.deregistered:
            raise ServiceFault("InvalidAMIID.NotFound", f"The image id '[{image_id}]' does not exist", 400)
        self.deregistered.add(image_id)
        return {"Return": True}

    def _made_image(self, image_id: str) -> bool:
        return any(e.image_id == image_id for t in self.tasks.values() for e in t.timeline)

    def delete_snapshot(self, params: dict[str, list[str]]) -> dict[str, Any] | None:
        snapshot_id = _one(params, "SnapshotId") or ""
        made = {e.snapshot_id for t in self.tasks.values() for e in t.timeline if e.snapshot_id}
        if snapshot_id not in made:
            return None
        if snapshot_id in self.deleted_snapshots:
            raise ServiceFault("InvalidSnapshot.NotFound", f"The snapshot '{snapshot_id}' does not exist.", 400)
        users = [i for i, e in self.images().items() if e.snapshot_id == snapshot_id]
        if users:
            raise ServiceFault("InvalidSnapshot.InUse", f"The snapshot {snapshot_id} is currently in use by {users[0]}",
                               400)
        self.deleted_snapshots.add(snapshot_id)
        return {}

    def describe_images(self, params: dict[str, list[str]]) -> dict[str, Any] | None:
        ids = ec2_wire.list_param(params, "ImageId")
        if not ids or not all(self._made_image(i) for i in ids):
            return None
        images = self.images()
        missing = [i for i in ids if i not in images]
        if missing:
            raise ServiceFault("InvalidAMIID.NotFound", f"The image id '[{missing[0]}]' does not exist", 400)
        return {"Images": [_image(i, images[i]) for i in ids]}

    def describe_snapshots(self, params: dict[str, list[str]]) -> dict[str, Any] | None:
        ids = ec2_wire.list_param(params, "SnapshotId")
        made = {e.snapshot_id for t in self.tasks.values() for e in t.timeline if e.snapshot_id}
        if not ids or not set(ids) <= made:
            return None
        live = self.snapshots()
        missing = [i for i in ids if i not in live]
        if missing:
            raise ServiceFault("InvalidSnapshot.NotFound", f"The snapshot '{missing[0]}' does not exist.", 400)
        return {"Snapshots": [{"SnapshotId": i, "State": "completed", "VolumeSize": 8, "OwnerId": ACCOUNT,
                               "Encrypted": False} for i in ids]}

    def create_tags(self, params: dict[str, list[str]]) -> dict[str, Any] | None:
        ids = ec2_wire.list_param(params, "ResourceId")
        if not ids or not all(self._is_ours(i) for i in ids):
            return None
        tags = _tags(params)
        for resource_id in ids:
            self.tags[resource_id].update(tags)
        return {}

    def delete_tags(self, params: dict[str, list[str]]) -> dict[str, Any] | None:
        ids = ec2_wire.list_param(params, "ResourceId")
        if not ids or not all(self._is_ours(i) for i in ids):
            return None
        for resource_id in ids:
            for key in _tags(params):
                self.tags[resource_id].pop(key, None)
        return {}

    def _is_ours(self, resource_id: str) -> bool:
        made = {x for t in self.tasks.values() for e in t.timeline for x in (e.image_id, e.snapshot_id) if x}
        return resource_id in self.tasks or resource_id in made

    # -- License Manager -------------------------------------------------------------------------
    def create_license_conversion_task_for_resource(self, request: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            raw = {"resourceArn": request.get("ResourceArn"),
                   "sourceUsageOperation": (request.get("SourceLicenseContext") or {}).get("UsageOperation"),
                   "destinationUsageOperation": (request.get("DestinationLicenseContext") or {}).get("UsageOperation")}
            if not self.reserved[LICENSE]:
                raise ServiceFault("ValidationException", "localrun: the scenario reserves no license-conversion task "
                                   "for this CreateLicenseConversionTaskForResource", 400)
            task, _ = self._take(LICENSE, "CreateLicenseConversionTaskForResource", raw, None)
            return {"LicenseConversionTaskId": task.task_id}


_EC2: dict[str, Callable[[ResourceWrites, dict[str, list[str]]], dict[str, Any] | None]] = {
    "ImportImage": ResourceWrites.import_image,
    "ImportSnapshot": ResourceWrites.import_snapshot,
    "CancelImportTask": ResourceWrites.cancel_import_task,
    "DeregisterImage": ResourceWrites.deregister_image,
    "DeleteSnapshot": ResourceWrites.delete_snapshot,
    "DescribeImages": ResourceWrites.describe_images,
    "DescribeSnapshots": ResourceWrites.describe_snapshots,
    "CreateTags": ResourceWrites.create_tags,
    "DeleteTags": ResourceWrites.delete_tags,
}
LICENSE_OPERATIONS = ("CreateLicenseConversionTaskForResource",)


def answer_ec2(double: Any, action: str, params: dict[str, list[str]]) -> Response | None:
    """The double's EC2 write answer (counted and shape-checked), or None to let moto have the request."""
    if action not in _EC2:
        return None
    request_id = str(uuid.uuid4())
    try:
        result = double.writes.ec2(action, params)
    except ServiceFault as fault:
        _count(double, f"{EC2}:{action}")
        return fault.status, ec2_wire.HEADERS, ec2_wire.error_xml(fault.code, fault.message, request_id)
    if result is None:
        return None
    _count(double, f"{EC2}:{action}")
    from localrun.services.shapes import operation_model

    if operation_model("ec2", action).output_shape is None:  # DeleteSnapshot, CreateTags, DeleteTags
        return 200, ec2_wire.HEADERS, (f'<?xml version="1.0" encoding="UTF-8"?>\n<{action}Response '
                                      f'xmlns="{ec2_wire.NAMESPACE}"><requestId>{request_id}</requestId>'
                                      f"<return>true</return></{action}Response>")
    double._validate(EC2, action, result)
    return 200, ec2_wire.HEADERS, ec2_wire.response_xml(action, result, request_id)


def answer_license(double: Any, operation: str, body: str) -> Response:
    request_id = str(uuid.uuid4())
    _count(double, f"{LICENSE_MANAGER}:{operation}")
    try:
        result = double.writes.create_license_conversion_task_for_resource(license_wire.parse_body(body))
    except ServiceFault as fault:
        double._validate_error(LICENSE_MANAGER, operation, fault.code)
        return fault.status, license_wire.headers(request_id), license_wire.error_json(fault.code, fault.message)
    double._validate(LICENSE_MANAGER, operation, result)
    return 200, license_wire.headers(request_id), license_wire.response_json(result)


def _count(double: Any, name: str) -> None:
    with double._lock:
        double.calls[name] += 1


def _image(image_id: str, entry: Entry) -> dict[str, Any]:
    mapping: dict[str, Any] = {"DeviceName": "/dev/sda1"}
    if entry.snapshot_id:
        mapping["Ebs"] = {"SnapshotId": entry.snapshot_id, "DeleteOnTermination": True}
    return {"ImageId": image_id, "State": "available", "OwnerId": ACCOUNT, "Name": image_id,
            "Architecture": "x86_64", "ImageType": "machine", "RootDeviceType": "ebs", "RootDeviceName": "/dev/sda1",
            "VirtualizationType": "hvm", "Public": False, "BlockDeviceMappings": [mapping]}


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    return values[0] if values else None


def _prefixed(params: dict[str, list[str]], prefix: str) -> dict[str, str]:
    return {key[len(prefix):]: values[0] for key, values in params.items() if key.startswith(prefix)}


def _ours(resource_id: str, prefix: str) -> bool:
    return resource_id.startswith(prefix)


_TAG = re.compile(r"^Tag\.(\d+)\.(Key|Value)$")


def _tags(params: dict[str, list[str]]) -> dict[str, str]:
    found: defaultdict[int, dict[str, str]] = defaultdict(dict)
    for key, values in params.items():
        match = _TAG.match(key)
        if match:
            found[int(match.group(1))][match.group(2)] = values[0]
    return {t["Key"]: t.get("Value", "") for _, t in sorted(found.items()) if "Key" in t}
