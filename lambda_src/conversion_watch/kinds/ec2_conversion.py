"""``ec2-conversion``: EC2's legacy VM Import conversion tasks (``ImportInstance`` /
``ImportVolume``), read with ``DescribeConversionTasks``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from conversion_watch.errors import TaskNotFound
from conversion_watch.facts import Progress, TaskFacts, VolumeFacts
from conversion_watch.kinds import vmie
from conversion_watch.kinds.base import ApiCall, TaskKind, describe_error, observed
from conversion_watch.snapshot import TaskSnapshot

STATES = {
    "active": "IN_PROGRESS",
    "cancelling": "CANCELLING",
    "cancelled": "CANCELLED",
    "completed": "COMPLETED",
}
OPERATION = "ec2:DescribeConversionTasks"
# ImportInstance tasks are import-i-..., ImportVolume tasks import-vol-...
TASK_ID = re.compile(r"^import-(i|vol)-[0-9a-z]{8,32}$")


def describe(client: Any, task_id: str) -> TaskSnapshot:
    try:
        response = client.describe_conversion_tasks(ConversionTaskIds=[task_id])
    except Exception as error:
        raise describe_error(error, operation=OPERATION, task_id=task_id, id_pattern=TASK_ID) from error
    tasks = [t for t in response.get("ConversionTasks", []) if t.get("ConversionTaskId") == task_id]
    if not tasks:
        raise TaskNotFound(f"no conversion task {task_id!r} (DescribeConversionTasks returned none)")
    return snapshot(tasks[0])


def snapshot(task: dict[str, Any]) -> TaskSnapshot:
    volumes = _volumes(task)
    facts = TaskFacts(
        conversionType="ImportInstance" if "ImportInstance" in task else "ImportVolume",
        description=(task.get("ImportInstance") or task.get("ImportVolume") or {}).get("Description"),
        instanceId=task.get("ImportInstance", {}).get("InstanceId"),
        platform=task.get("ImportInstance", {}).get("Platform"),
        availabilityZone=task.get("ImportVolume", {}).get("AvailabilityZone"),
        volumes=volumes,
        expirationTime=task.get("ExpirationTime"),
    )
    return observed(task.get("State", ""), STATES, what="EC2 reported state", status_message=task.get("StatusMessage"),
                    facts=facts, progress=progress(volumes), expires_at=_parse_time(task.get("ExpirationTime")))


def _volumes(task: dict[str, Any]) -> list[VolumeFacts]:
    if "ImportInstance" in task:
        raw_volumes = task["ImportInstance"].get("Volumes", [])
    elif "ImportVolume" in task:
        raw_volumes = [task["ImportVolume"]]
    else:
        raw_volumes = []
    return [
        VolumeFacts(
            volumeId=v.get("Volume", {}).get("Id"),
            availabilityZone=v.get("AvailabilityZone"),
            status=v.get("Status"),
            statusMessage=v.get("StatusMessage"),
            bytesConverted=v.get("BytesConverted"),
            imageSize=v.get("Image", {}).get("Size"),
            imageFormat=v.get("Image", {}).get("Format"),
        )
        for v in raw_volumes
    ]


GIB = 1024**3
# EC2's reference documents the image ``Size`` in GiB, next to ``BytesConverted``
# in bytes. A disk image is never under 1 MiB, and never 1 PiB or more: a
# smaller figure can only be a GiB count, a larger one only bytes.
SMALLEST_IMAGE_BYTES = 1024**2


def image_bytes(size: int) -> int:
    return size * GIB if 0 < size < SMALLEST_IMAGE_BYTES else size


def progress(volumes: list[VolumeFacts]) -> Progress | None:
    """Bytes converted over image size (in bytes, see ``image_bytes``), summed over volumes.

    ``percent`` is given only when every volume reports both figures and they
    are consistent (0 <= converted <= size); otherwise only the raw sums are.
    """
    converted = [v.bytesConverted for v in volumes]
    sizes = [v.imageSize for v in volumes]
    if not volumes or all(c is None for c in converted):
        return None
    total_converted = sum(c or 0 for c in converted)
    complete_sizes = all(s is not None for s in sizes)
    total_size = sum(image_bytes(s or 0) for s in sizes) if complete_sizes else None
    percent = None
    complete_figures = complete_sizes and all(c is not None for c in converted)
    if total_size and complete_figures and 0 <= total_converted <= total_size:
        percent = round(100.0 * total_converted / total_size, 1)
    return Progress(bytesConverted=total_converted, totalBytes=total_size, percent=percent)


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None  # a free-form expiration string only loses the schedule hint


def list_tasks(client: Any) -> Iterator[dict[str, Any]]:
    """Every conversion task of the region: the API has no pagination and, without ids, returns all."""
    return vmie.read_all(client, method="describe_conversion_tasks", result_key="ConversionTasks", operation=OPERATION)


def _start(event_name: str) -> ApiCall:
    # EC2's query API answers with a conversionTask element (CloudTrail keeps its lowerCamel names).
    return ApiCall(event_source="ec2.amazonaws.com", event_name=event_name,
                   id_path=("conversionTask", "conversionTaskId"))


KIND = TaskKind(
    task_type="ec2-conversion",
    label="VM import",
    id_pattern=TASK_ID,
    id_example="import-i-ffvko9js or import-vol-ffut5xv4",
    describe_action=OPERATION,
    raw_states=STATES,
    start_calls=(_start("ImportInstance"), _start("ImportVolume")),
    # CancelConversionTask: "Cancels an active conversion task" -- the one way into "cancelling".
    cancel_request_states=frozenset({"cancelling"}),
    cancel_calls=(
        ApiCall(event_source="ec2.amazonaws.com", event_name="CancelConversionTask",
                id_path=("conversionTaskId",), section="requestParameters"),
    ),
    describe=describe,
    list_tasks=list_tasks,
    id_field=("ConversionTaskId",),
    state_field=("State",),
    snapshot=snapshot,
)
