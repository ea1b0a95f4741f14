"""EC2 ``DescribeConversionTasks`` over the scenario's timelines."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from localrun.services.ec2_wire import iso_z
from localrun.services.faults import ServiceFault
from localrun.services.scenario import DEFAULT_EXPIRES_AFTER, EC2, EC2_ID, Entry, Task, conversion_type, stable_hex

OPERATION = "DescribeConversionTasks"


def describe_conversion_tasks(
    tasks: dict[str, Task], *, ids: list[str], seconds: float, epoch: datetime, region: str
) -> dict[str, Any]:
    """All tasks that exist now when ``ids`` is empty; else exactly those, or an error for the request."""
    for task_id in ids:
        if not EC2_ID.match(task_id):
            raise ServiceFault(
                "InvalidConversionTaskId.Malformed",
                f"The conversion task ID '{task_id}' is malformed. Ensure that you've specified the ID in the "
                "form import-i-xxxxxxxx.",
                400,
            )
    visible = {
        task.task_id: (task, entry)
        for task in tasks.values()
        if task.task_type == EC2 and task.visible_in(region) and (entry := task.entry_at(seconds)) is not None
    }
    missing = [task_id for task_id in ids if task_id not in visible]
    if missing:
        raise ServiceFault("InvalidConversionTaskId", f"The conversion task ID '{missing[0]}' does not exist", 400)
    chosen = dict.fromkeys(ids) if ids else dict.fromkeys(sorted(visible, key=lambda i: (visible[i][0].created_at, i)))
    return {"ConversionTasks": [render(*visible[task_id], epoch) for task_id in chosen]}


def render(task: Task, entry: Entry, epoch: datetime) -> dict[str, Any]:
    raw = task.raw
    result: dict[str, Any] = {"ConversionTaskId": task.task_id, "State": entry.state}
    expires = raw.get("expiresAfter", DEFAULT_EXPIRES_AFTER)
    if expires is not None:
        result["ExpirationTime"] = iso_z(epoch + timedelta(seconds=task.created_at + expires))
    if entry.status_message:
        result["StatusMessage"] = entry.status_message
    if raw.get("tags"):
        result["Tags"] = [{"Key": k, "Value": v} for k, v in raw["tags"].items()]
    volumes = [_volume(task, entry, index) for index in range(len(task.volumes))]
    details: dict[str, Any]
    if conversion_type(task) == "ImportInstance":
        for volume in volumes:
            volume["Status"] = entry.state  # each disk reports its own import status
            if entry.status_message:
                volume["StatusMessage"] = entry.status_message
        details = {"InstanceId": raw.get("instanceId", "i-" + stable_hex(task.task_id)), "Volumes": volumes}
        if raw.get("platform"):
            details["Platform"] = raw["platform"]
        result["ImportInstance"] = _with_description(details, raw)
    else:
        result["ImportVolume"] = _with_description(volumes[0], raw)
    return result


def _volume(task: Task, entry: Entry, index: int) -> dict[str, Any]:
    spec = task.volumes[index]
    image: dict[str, Any] = {"Format": spec.format}
    size = entry.size[index] if entry.size else spec.image_size
    if size is not None:
        image["Size"] = size
    volume: dict[str, Any] = {
        "AvailabilityZone": spec.availability_zone,
        "Image": image,
        "Volume": {"Id": spec.volume_id, "Size": spec.volume_size_gib},
    }
    if entry.bytes_converted is not None:
        volume["BytesConverted"] = entry.bytes_converted[index]
    if spec.description:
        volume["Description"] = spec.description
    return volume


def _with_description(details: dict[str, Any], raw: dict[str, Any]) -> dict[str, Any]:
    if raw.get("description"):
        details["Description"] = raw["description"]
    return details
