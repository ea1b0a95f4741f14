"""The ``tasks`` part of a scenario file: parsed and checked up front.

A task exists from its first timeline entry's ``at`` (seconds after the
simulated epoch); at time ``t`` it is in the state of the last entry with
``at <= t``. ``bytesConverted`` and ``size`` (conversion tasks) and ``imageId`` /
``snapshotId`` (VM Import/Export results) carry over to later entries that omit them;
``statusMessage`` and ``progress`` belong to their entry only.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from typing import Any

from localrun.services.shapes import enum_values

EC2 = "ec2-conversion"
LICENSE = "license-conversion"

EC2_STATES = enum_values("ec2", "ConversionTaskState")  # active, cancelling, cancelled, completed
LICENSE_STATES = enum_values("license-manager", "LicenseConversionTaskStatus")  # IN_PROGRESS, SUCCEEDED, FAILED
TERMINAL = {EC2: frozenset({"cancelled", "completed"}), LICENSE: frozenset({"SUCCEEDED", "FAILED"})}
DISK_FORMATS = enum_values("ec2", "DiskImageFormat")

# EC2 names ImportInstance tasks import-i-..., ImportVolume tasks import-vol-...
EC2_ID = re.compile(r"^import-(i|vol)-[0-9a-z]{8,}$")
EC2_PREFIX_TYPE = {"i": "ImportInstance", "vol": "ImportVolume"}
# License Manager's model: pattern ^lct-[a-zA-Z0-9]*, at most 50 characters.
LICENSE_ID = re.compile(r"^lct-[a-zA-Z0-9]*$")
LICENSE_ID_MAX = 50

DEFAULT_EXPIRES_AFTER = 7 * 24 * 3600

_COMMON_KEYS = {"taskType", "taskId", "timeline", "region"}
_EC2_KEYS = _COMMON_KEYS | {
    "conversionType",
    "description",
    "instanceId",
    "platform",
    "availabilityZone",
    "volumes",
    "expiresAfter",
    "tags",
}
_LICENSE_KEYS = _COMMON_KEYS | {"resourceArn", "sourceUsageOperation", "destinationUsageOperation"}
_ENTRY_KEYS = {"at", "state", "statusMessage", "bytesConverted", "size"}
_VMIE_ENTRY_KEYS = {"at", "state", "statusMessage", "progress", "imageId", "snapshotId"}
_VOLUME_KEYS = {"volumeId", "volumeSize", "imageSize", "format", "availabilityZone", "description"}


class ScenarioError(ValueError):
    """The scenario's ``tasks`` cannot be simulated as written."""


@dataclass(frozen=True)
class Entry:
    at: float
    state: str
    status_message: str | None
    bytes_converted: tuple[int, ...] | None  # one figure per volume (EC2 only)
    size: tuple[int, ...] | None
    progress: str | None = None  # VM Import/Export: the service's percent string
    image_id: str | None = None
    snapshot_id: str | None = None


@dataclass(frozen=True)
class Volume:
    volume_id: str
    volume_size_gib: int
    image_size: int | None
    format: str
    availability_zone: str
    description: str | None


@dataclass(frozen=True)
class Task:
    task_type: str
    task_id: str
    timeline: tuple[Entry, ...]
    region: str | None
    raw: dict[str, Any]  # the scenario entry, for the service-specific fields
    volumes: tuple[Volume, ...] = ()

    @property
    def created_at(self) -> float:
        return self.timeline[0].at

    def entry_at(self, seconds: float) -> Entry | None:
        """The entry in force ``seconds`` after the epoch (None: the task does not exist yet)."""
        current = None
        for entry in self.timeline:
            if entry.at > seconds:
                break
            current = entry
        return current

    def visible_in(self, region: str) -> bool:
        return self.region is None or self.region == region


def parse_tasks(tasks: Any) -> dict[str, Task]:
    if tasks is None:
        return {}
    if not isinstance(tasks, list):
        raise ScenarioError(f"'tasks' must be a list, got {type(tasks).__name__}")
    parsed: dict[str, Task] = {}
    for index, raw in enumerate(tasks):
        where = f"tasks[{index}]"
        task = _parse_task(raw, where)
        if task.task_id in parsed:
            raise ScenarioError(f"{where}: taskId {task.task_id!r} appears twice")
        parsed[task.task_id] = task
    return parsed


def _parse_task(raw: Any, where: str) -> Task:
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: a task must be an object")
    from localrun.services import vmie_scenario  # it builds on this module's parsers

    task_type = raw.get("taskType")
    if task_type in vmie_scenario.TASK_TYPES:
        return vmie_scenario.parse_task(raw, where)
    if task_type not in (EC2, LICENSE):
        known = [EC2, LICENSE, *vmie_scenario.TASK_TYPES]
        raise ScenarioError(f"{where}: taskType must be one of {known}, got {task_type!r}")
    _no_unknown_keys(raw, _EC2_KEYS if task_type == EC2 else _LICENSE_KEYS, where)
    task_id = raw.get("taskId")
    if not isinstance(task_id, str):
        raise ScenarioError(f"{where}: taskId must be a string")
    where = f"{where} ({task_id})"
    region = raw.get("region")
    if region is not None and not isinstance(region, str):
        raise ScenarioError(f"{where}: region must be a string")
    if task_type == LICENSE:
        _check_license_task(raw, task_id, where)
        timeline = _parse_timeline(raw.get("timeline"), LICENSE_STATES, TERMINAL[LICENSE], 0, where)
        return Task(LICENSE, task_id, timeline, region, raw)
    volumes = _parse_ec2_volumes(raw, task_id, where)
    timeline = _parse_timeline(raw.get("timeline"), EC2_STATES, TERMINAL[EC2], len(volumes), where)
    return Task(EC2, task_id, timeline, region, raw, volumes)


def _check_license_task(raw: dict[str, Any], task_id: str, where: str) -> None:
    if not LICENSE_ID.match(task_id) or len(task_id) > LICENSE_ID_MAX:
        raise ScenarioError(f"{where}: a License Manager task id matches ^lct-[a-zA-Z0-9]* (max 50 characters)")
    for key in ("resourceArn", "sourceUsageOperation", "destinationUsageOperation"):
        if key in raw and not isinstance(raw[key], str):
            raise ScenarioError(f"{where}: {key} must be a string")


def conversion_type(task: Task) -> str:
    return EC2_PREFIX_TYPE[task.task_id.split("-")[1]]


def _parse_ec2_volumes(raw: dict[str, Any], task_id: str, where: str) -> tuple[Volume, ...]:
    match = EC2_ID.match(task_id)
    if not match:
        raise ScenarioError(f"{where}: an EC2 conversion task id looks like import-i-xxxxxxxx or import-vol-xxxxxxxx")
    kind = EC2_PREFIX_TYPE[match.group(1)]
    declared = raw.get("conversionType", kind)
    if declared != kind:
        raise ScenarioError(f"{where}: conversionType {declared!r} does not fit the id (EC2 names {kind} tasks so)")
    if kind == "ImportVolume" and "platform" in raw:
        raise ScenarioError(f"{where}: platform belongs to ImportInstance tasks")
    if raw.get("platform") not in (None, *enum_values("ec2", "PlatformValues")):
        raise ScenarioError(f"{where}: platform must be 'Windows' or omitted (EC2's PlatformValues)")
    expires = raw.get("expiresAfter", DEFAULT_EXPIRES_AFTER)
    if expires is not None and (not _is_number(expires) or expires <= 0):
        raise ScenarioError(f"{where}: expiresAfter must be positive seconds or null")
    tags = raw.get("tags", {})
    if not isinstance(tags, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in tags.items()):
        raise ScenarioError(f"{where}: tags must map strings to strings")
    raw_volumes = raw.get("volumes", [{}])
    if not isinstance(raw_volumes, list) or not raw_volumes:
        raise ScenarioError(f"{where}: volumes must be a non-empty list")
    if kind == "ImportVolume" and len(raw_volumes) != 1:
        raise ScenarioError(f"{where}: an ImportVolume task has exactly one volume")
    zone = raw.get("availabilityZone", "us-east-1a")
    return tuple(_parse_volume(v, task_id, i, zone, f"{where}.volumes[{i}]") for i, v in enumerate(raw_volumes))


def _parse_volume(raw: Any, task_id: str, index: int, zone: str, where: str) -> Volume:
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: a volume must be an object")
    _no_unknown_keys(raw, _VOLUME_KEYS, where)
    image_format = raw.get("format", "VMDK")
    if image_format not in DISK_FORMATS:
        raise ScenarioError(f"{where}: format must be one of {list(DISK_FORMATS)}")
    for key in ("volumeSize", "imageSize"):
        if key in raw and (not _is_int(raw[key]) or raw[key] < 0):
            raise ScenarioError(f"{where}: {key} must be a non-negative integer")
    return Volume(
        volume_id=raw.get("volumeId", "vol-" + stable_hex(f"{task_id}/{index}")),
        volume_size_gib=raw.get("volumeSize", 8),
        image_size=raw.get("imageSize"),
        format=image_format,
        availability_zone=raw.get("availabilityZone", zone),
        description=raw.get("description"),
    )


def _parse_timeline(
    raw: Any, states: tuple[str, ...], terminal: frozenset[str], volumes: int, where: str, *, vmie: bool = False
) -> tuple[Entry, ...]:
    if not isinstance(raw, list) or not raw:
        raise ScenarioError(f"{where}: timeline must be a non-empty list")
    entries: list[Entry] = []
    carried: dict[str, tuple[int, ...] | None] = {"bytesConverted": None, "size": None}
    results: dict[str, str | None] = {"imageId": None, "snapshotId": None}
    for index, item in enumerate(raw):
        at_where = f"{where}.timeline[{index}]"
        if not isinstance(item, dict):
            raise ScenarioError(f"{at_where}: an entry must be an object")
        _no_unknown_keys(item, _VMIE_ENTRY_KEYS if vmie else _ENTRY_KEYS, at_where)
        raw_at = item.get("at")
        if isinstance(raw_at, bool) or not isinstance(raw_at, int | float) or not 0 <= raw_at < math.inf:
            raise ScenarioError(f"{at_where}: at must be seconds >= 0")
        at = float(raw_at)
        if entries and at <= entries[-1].at:
            raise ScenarioError(f"{at_where}: at must increase ({at} follows {entries[-1].at})")
        if entries and entries[-1].state in terminal:
            raise ScenarioError(f"{at_where}: {entries[-1].state!r} is terminal; nothing may follow it")
        state = item.get("state")
        if state not in states:
            raise ScenarioError(f"{at_where}: state {state!r} is not a state of this service {list(states)}")
        message = item.get("statusMessage")
        if message is not None and not isinstance(message, str):
            raise ScenarioError(f"{at_where}: statusMessage must be a string")
        for key in carried:
            if key in item:
                if not volumes:
                    raise ScenarioError(f"{at_where}: {key} is an EC2 figure; License Manager reports none")
                carried[key] = _figures(item[key], volumes, f"{at_where}.{key}")
        for key in results:
            if key in item:
                results[key] = _string(item[key], f"{at_where}.{key}")
        progress = _percent(item.get("progress"), f"{at_where}.progress")
        entries.append(Entry(at, state, message, carried["bytesConverted"], carried["size"], progress,
                             results["imageId"], results["snapshotId"]))
    return tuple(entries)


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise ScenarioError(f"{where}: a non-empty string is required")
    return value


def _percent(value: Any, where: str) -> str | None:
    """``progress`` is the service's own percent string, e.g. "35"."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.isdigit() or not 0 <= int(value) <= 100:
        raise ScenarioError(f"{where}: progress is a percent string from \"0\" to \"100\", got {value!r}")
    return value


def _figures(value: Any, volumes: int, where: str) -> tuple[int, ...]:
    figures = [value] if _is_int(value) else value
    if not isinstance(figures, list) or not all(_is_int(f) and f >= 0 for f in figures):
        raise ScenarioError(f"{where}: a non-negative integer (or one per volume) is required")
    if len(figures) != volumes:
        raise ScenarioError(f"{where}: {len(figures)} figure(s) for {volumes} volume(s); give one per volume")
    return tuple(figures)


def _no_unknown_keys(raw: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ScenarioError(f"{where}: unknown field(s) {unknown}; allowed: {sorted(allowed)}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def stable_hex(seed: str) -> str:
    """17 hex digits derived from the task id: the same scenario always shows the same ids."""
    return hashlib.sha256(seed.encode()).hexdigest()[:17]
