"""The registry of task kinds: the one table that the state machine, IAM, the
CloudTrail rule, the sweeper, the CLI, the schemas and the local run read.

Adding a kind: write its module (a ``KIND``), list it in ``_MODULES``, give the
local run a service double for its API, and test and document it.
"""

from __future__ import annotations

from conversion_watch.kinds import (
    ec2_conversion,
    ec2_export_image,
    ec2_export_instance,
    ec2_import_image,
    ec2_import_snapshot,
    license_conversion,
)
from conversion_watch.kinds.base import ApiCall, TaskKind

_MODULES = (
    ec2_conversion,
    license_conversion,
    ec2_import_image,
    ec2_import_snapshot,
    ec2_export_image,
    ec2_export_instance,
)

TASK_KINDS: dict[str, TaskKind] = {module.KIND.task_type: module.KIND for module in _MODULES}
TASK_TYPES: tuple[str, ...] = tuple(TASK_KINDS)


def kind(task_type: str) -> TaskKind:
    """The kind of ``task_type``; ``KeyError`` names the known ones."""
    try:
        return TASK_KINDS[task_type]
    except KeyError:
        raise KeyError(f"unknown task type {task_type!r} (expected one of {', '.join(TASK_TYPES)})") from None


def kind_of_task_id(task_id: str) -> TaskKind | None:
    """Task ids of different kinds never look alike, so the id tells the kind."""
    return next((k for k in TASK_KINDS.values() if k.matches(task_id)), None)


def start_calls() -> dict[str, tuple[TaskKind, ApiCall]]:
    """CloudTrail event name -> (kind, call) of every call that starts a task (one kind each)."""
    found: dict[str, tuple[TaskKind, ApiCall]] = {}
    for k in TASK_KINDS.values():
        for call in k.start_calls:
            if call.event_name in found:
                other = found[call.event_name][0].task_type
                raise ValueError(f"{call.event_name} starts both {other} and {k.task_type}")
            found[call.event_name] = (k, call)
    return found


def cancel_calls() -> dict[str, ApiCall]:
    """CloudTrail event name -> call, of every call that cancels a task. One call may cancel
    tasks of several kinds (CancelExportTask: export-i-... and export-ami-...); the task id
    tells which (``kind_of_task_id``)."""
    found: dict[str, ApiCall] = {}
    for k in TASK_KINDS.values():
        for call in k.cancel_calls:
            if found.setdefault(call.event_name, call) != call:
                raise ValueError(f"kinds disagree on where {call.event_name} names the task")
    return found


__all__ = ["TASK_KINDS", "TASK_TYPES", "ApiCall", "TaskKind", "cancel_calls", "kind", "kind_of_task_id", "start_calls"]
