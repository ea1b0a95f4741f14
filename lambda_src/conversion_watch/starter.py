"""Start a watch the one idempotent way every starter uses (CloudTrail rule,
sweeper, ``convwatch start``).

The execution is named ``watch-<taskId>`` and its input is always the same
canonical ``{"taskType": ..., "taskId": ...}`` string, so Step Functions itself
de-duplicates: a second start while the watch runs returns the running
execution (identical name and input), and any later start is refused with
``ExecutionAlreadyExists`` (names stay taken for 90 days, also after a
continue-as-new hand-over) -- which means "already watched", not a failure.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import Any, Literal

from botocore.exceptions import ClientError

from conversion_watch.contract import ENV_STATE_MACHINE_ARN
from conversion_watch.errors import InvalidInput
from conversion_watch.kinds import TASK_KINDS, TASK_TYPES, kind_of_task_id
from conversion_watch.naming import execution_name
from conversion_watch.service_errors import translate

START_OPERATION = "states:StartExecution"
ALREADY_EXISTS = "ExecutionAlreadyExists"
STATE_MACHINE_ARN_ENV = ENV_STATE_MACHINE_ARN
# watch-<taskId> or watch-<taskId>-g<N>; task ids never end in -g<digits>.
_EXECUTION_NAME = re.compile(r"^watch-(?P<task_id>.+?)(?:-g(?P<generation>\d+))?$")

Outcome = Literal["STARTED", "ALREADY_WATCHED"]


@dataclass(frozen=True)
class TaskRef:
    """A conversion task a starter found: its type and id."""

    task_type: str
    task_id: str


@dataclass(frozen=True)
class StartResult:
    task_type: str
    task_id: str
    execution_name: str
    outcome: Outcome
    execution_arn: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "taskType": self.task_type,
            "taskId": self.task_id,
            "executionName": self.execution_name,
            "outcome": self.outcome,
            "executionArn": self.execution_arn,
        }


def check_task(task_type: str, task_id: str) -> TaskRef:
    """The same rules as the state machine's validate step, applied before starting."""
    task_kind = TASK_KINDS.get(task_type)
    if task_kind is None:
        raise InvalidInput(f"unknown task type {task_type!r} (expected one of {', '.join(TASK_TYPES)})")
    if not task_kind.matches(task_id):
        raise InvalidInput(f"{task_id!r} is not a {task_type} task id (expected e.g. {task_kind.id_example})")
    return TaskRef(task_type=task_type, task_id=task_id)


def watch_input(task_type: str, task_id: str) -> str:
    """Byte-identical for every starter, so a duplicate start is a no-op."""
    return json.dumps({"taskType": task_type, "taskId": task_id}, separators=(",", ":"))


def start_watch(sfn: Any, state_machine_arn: str, task_type: str, task_id: str) -> StartResult:
    """Start ``watch-<taskId>``; an existing watch of that task is reported, not raised.

    Other failures are raised as the watcher's named errors (``Throttled``,
    ``AccessDenied``, ``ServiceUnavailable``...) so the caller's retry applies.
    """
    task = check_task(task_type, task_id)
    name = execution_name(task.task_id)
    try:
        response = sfn.start_execution(
            stateMachineArn=state_machine_arn, name=name, input=watch_input(task.task_type, task.task_id)
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == ALREADY_EXISTS:
            return StartResult(task.task_type, task.task_id, name, "ALREADY_WATCHED")
        raise translate(error, operation=START_OPERATION, task_id=task.task_id) from error
    return StartResult(task.task_type, task.task_id, name, "STARTED", response.get("executionArn"))


def task_id_of_execution(name: str) -> str | None:
    """The task a watch execution belongs to (any generation), or ``None``."""
    match = _EXECUTION_NAME.fullmatch(name)
    return match.group("task_id") if match else None


def task_type_of(task_id: str) -> str | None:
    """Task ids of different kinds never look alike, so the id tells the type."""
    task_kind = kind_of_task_id(task_id)
    return task_kind.task_type if task_kind else None


def state_machine_arn_from_env() -> str:
    arn = os.environ.get(STATE_MACHINE_ARN_ENV, "")
    if not arn:
        raise RuntimeError(f"{STATE_MACHINE_ARN_ENV} is not set: the stack passes the watcher's state machine ARN")
    return arn
