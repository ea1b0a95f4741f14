"""The ``tasks`` part of a scenario file: parsed and checked up front.

Every kind in the registry (``conversion_watch.kinds``) can be a scenario task. The two
conversion kinds have their own fields (volumes, a License Manager resource); every other
kind is parsed by ``vmie_scenario``. Tasks, entries and timelines are ``task_timeline``'s.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from conversion_watch.kinds import TASK_TYPES, ec2_conversion, license_conversion
from localrun.services import vmie_scenario
from localrun.services.shapes import enum_values
from localrun.services.task_timeline import (
    ENTRY_KEYS,
    VMIE_ENTRY_KEYS,
    Entry,
    ScenarioError,
    Task,
    Volume,
    is_int,
    is_number,
    no_unknown_keys,
    parse_timeline,
    stable_hex,
    terminal_raw_states,
)

EC2 = ec2_conversion.KIND.task_type
LICENSE = license_conversion.KIND.task_type
TERMINAL = {task_type: terminal_raw_states(task_type) for task_type in TASK_TYPES}
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
_VOLUME_KEYS = {"volumeId", "volumeSize", "imageSize", "format", "availabilityZone", "description"}


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
    task_type = raw.get("taskType")
    if task_type not in TASK_TYPES:
        raise ScenarioError(f"{where}: taskType must be one of {list(TASK_TYPES)}, got {task_type!r}")
    return _PARSERS.get(task_type, vmie_scenario.parse_task)(raw, where)


def _parse_conversion_task(raw: dict[str, Any], where: str) -> Task:
    task_type = raw["taskType"]
    no_unknown_keys(raw, _EC2_KEYS if task_type == EC2 else _LICENSE_KEYS, where)
    task_id = raw.get("taskId")
    if not isinstance(task_id, str):
        raise ScenarioError(f"{where}: taskId must be a string")
    where = f"{where} ({task_id})"
    region = raw.get("region")
    if region is not None and not isinstance(region, str):
        raise ScenarioError(f"{where}: region must be a string")
    if task_type == LICENSE:
        _check_license_task(raw, task_id, where)
        timeline = parse_timeline(raw.get("timeline"), LICENSE, 0, where)
        return Task(LICENSE, task_id, timeline, region, raw)
    volumes = _parse_ec2_volumes(raw, task_id, where)
    timeline = parse_timeline(raw.get("timeline"), EC2, len(volumes), where)
    return Task(EC2, task_id, timeline, region, raw, volumes)


# The kinds with fields of their own; every other kind of the registry is a VM Import/Export task.
_PARSERS: dict[str, Callable[[dict[str, Any], str], Task]] = {EC2: _parse_conversion_task,
                                                              LICENSE: _parse_conversion_task}


def task_keys(task_type: str) -> frozenset[str]:
    """The fields a scenario task of ``task_type`` may have (docs/service-double.md lists them per kind)."""
    keys = {EC2: _EC2_KEYS, LICENSE: _LICENSE_KEYS}.get(task_type, vmie_scenario.KEYS)
    return frozenset(keys)


def entry_keys(task_type: str) -> frozenset[str]:
    """The fields a timeline entry of a ``task_type`` task may have."""
    if task_type == LICENSE:
        return frozenset(ENTRY_KEYS - {"bytesConverted", "size"})  # License Manager reports no figures
    return frozenset(ENTRY_KEYS if task_type in _PARSERS else VMIE_ENTRY_KEYS)


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
    if expires is not None and (not is_number(expires) or expires <= 0):
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
    no_unknown_keys(raw, _VOLUME_KEYS, where)
    image_format = raw.get("format", "VMDK")
    if image_format not in DISK_FORMATS:
        raise ScenarioError(f"{where}: format must be one of {list(DISK_FORMATS)}")
    for key in ("volumeSize", "imageSize"):
        if key in raw and (not is_int(raw[key]) or raw[key] < 0):
            raise ScenarioError(f"{where}: {key} must be a non-negative integer")
    return Volume(
        volume_id=raw.get("volumeId", "vol-" + stable_hex(f"{task_id}/{index}")),
        volume_size_gib=raw.get("volumeSize", 8),
        image_size=raw.get("imageSize"),
        format=image_format,
        availability_zone=raw.get("availabilityZone", zone),
        description=raw.get("description"),
    )


__all__ = ["DEFAULT_EXPIRES_AFTER", "EC2", "EC2_ID", "LICENSE", "LICENSE_ID", "LICENSE_ID_MAX", "TERMINAL", "Entry",
           "ScenarioError", "Task", "Volume", "conversion_type", "entry_keys", "parse_tasks", "stable_hex", "task_keys"]
