"""Scenario tasks of the VM Import/Export kinds: every kind of the registry
(``conversion_watch.kinds``) but the two conversion kinds, which ``scenario`` parses itself.

A timeline's states are the kind's raw states (its ``raw_states`` table); entries may carry
``progress`` (the service's percent string), and ``imageId`` / ``snapshotId`` once the task
has produced them.
"""

from __future__ import annotations

from typing import Any

from conversion_watch.kinds import kind
from conversion_watch.wording import a_task_id
from localrun.services.shapes import enum_values
from localrun.services.task_timeline import ScenarioError, Task, no_unknown_keys, parse_timeline

# Task-level fields, each used by the kinds whose API reports it.
_STRING_KEYS = {"description", "imageId", "instanceId", "s3Bucket", "s3Key", "s3Prefix", "format",
                "architecture", "licenseType", "platform", "targetEnvironment"}
KEYS = {"taskType", "taskId", "timeline", "region", "tags"} | _STRING_KEYS
_ENUMS = {"format": "DiskImageFormat", "targetEnvironment": "ExportEnvironment",
          "architecture": "ArchitectureValues", "platform": "PlatformValues"}


def parse_task(raw: dict[str, Any], where: str) -> Task:
    task_type = raw["taskType"]
    no_unknown_keys(raw, KEYS, where)
    task_kind = kind(task_type)
    task_id = raw.get("taskId")
    if not isinstance(task_id, str) or not task_kind.matches(task_id):
        raise ScenarioError(f"{where}: {a_task_id(task_type)} looks like {task_kind.id_example}")
    where = f"{where} ({task_id})"
    region = raw.get("region")
    if region is not None and not isinstance(region, str):
        raise ScenarioError(f"{where}: region must be a string")
    for key in _STRING_KEYS & set(raw):
        if not isinstance(raw[key], str):
            raise ScenarioError(f"{where}: {key} must be a string")
        if key in _ENUMS and raw[key] not in enum_values("ec2", _ENUMS[key]):
            raise ScenarioError(f"{where}: {key} must be one of {list(enum_values('ec2', _ENUMS[key]))}")
    tags = raw.get("tags", {})
    if not isinstance(tags, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in tags.items()):
        raise ScenarioError(f"{where}: tags must map strings to strings")
    timeline = parse_timeline(raw.get("timeline"), task_type, 0, where, vmie=True)
    return Task(task_type, task_id, timeline, region, raw)
