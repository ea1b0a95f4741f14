"""Start a watch the one idempotent way every starter uses (CloudTrail rule,
sweeper, ``convwatch start``).

The input is always the same canonical ``{"taskType": ..., "taskId": ...}``
string and the name the first free one of the task's watch names
(``naming``): ``watch-<taskId>``, then ``watch-<taskId>-r2``, ``-r3``... A
taken name is looked at (``DescribeExecution``), following its hand-overs to
the newest execution of that line:

* running -> ``ALREADY_WATCHED`` (Step Functions also answers a same-name,
  same-input start while it runs with the running execution);
* ended with the task's outcome (or a final watch error) -> ``ALREADY_WATCHED``;
* ended any other way (it failed validation -- a mistyped start --, or it
  ended on ``RetriesExhausted``, ``HandOverFailed``, ``HandOverBlocked``,
  ``EventDeliveryFailed``, a crash) -> the next restart name is tried and,
  once free, started: ``RESUMED``. The new execution's validate step then
  claims the watch registry and continues the watch where it stopped.

Only Step Functions calls: every starter needs ``states:StartExecution`` and
``states:DescribeExecution`` on the watcher, nothing else.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Literal

from botocore.exceptions import ClientError

from conversion_watch.contract import ENV_STATE_MACHINE_ARN
from conversion_watch.errors import InvalidInput
from conversion_watch.kinds import TASK_KINDS, TASK_TYPES, kind_of_task_id
from conversion_watch.naming import MAX_RESTART, execution_arn_of, execution_name, parse, task_id_of
from conversion_watch.registry import HolderStatus, describe_execution, ended_with_outcome, handed_over_to
from conversion_watch.service_errors import error_code, translate
from conversion_watch.wording import a_task_id

START_OPERATION = "states:StartExecution"
ALREADY_EXISTS = "ExecutionAlreadyExists"
STATE_MACHINE_ARN_ENV = ENV_STATE_MACHINE_ARN
DESCRIBE_OPERATION = "states:DescribeExecution"
MAX_HAND_OVERS_FOLLOWED = 1000  # a year of hand-overs is ~200

Outcome = Literal["STARTED", "RESUMED", "ALREADY_WATCHED"]


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
        raise InvalidInput(f"{task_id!r} is not {a_task_id(task_type)} (expected e.g. {task_kind.id_example})")
    return TaskRef(task_type=task_type, task_id=task_id)


def watch_input(task_type: str, task_id: str) -> str:
    """Byte-identical for every starter, so a duplicate start is a no-op."""
    return json.dumps({"taskType": task_type, "taskId": task_id}, separators=(",", ":"))


def start_watch(sfn: Any, state_machine_arn: str, task_type: str, task_id: str, *,
                first_restart: int = 1) -> StartResult:
    """Start the task's watch under its first free name from restart ``first_restart`` on; a live or
    finished watch is reported, not raised. Names never run out: a taken name moves to the next
    (``naming`` allows restarts up to 99,999,999; a resume starts past its holder's, ``resume_after``).

    Other failures are raised as the watcher's named errors (``Throttled``,
    ``AccessDenied``, ``ServiceUnavailable``...) so the caller's retry applies.
    """
    task = check_task(task_type, task_id)
    for restart in range(max(1, first_restart), MAX_RESTART + 1):
        name = execution_name(task.task_id, restart=restart)
        started = _try_start(sfn, state_machine_arn, task, name)
        if started is not None:
            return started if restart == 1 else StartResult(
                task.task_type, task.task_id, name, "RESUMED", started.execution_arn)
        newest, status = _newest_of_line(sfn, state_machine_arn, name, task.task_id)
        if status.status in ("RUNNING", "PENDING_REDRIVE") or ended_with_outcome(status):
            return StartResult(task.task_type, task.task_id, newest, "ALREADY_WATCHED",
                               execution_arn_of(state_machine_arn, newest))
    raise InvalidInput(f"{task.task_id}: every watch name up to restart {MAX_RESTART} is taken")


def resume_after(sfn: Any, state_machine_arn: str, task_id: str, holder_arn: str) -> StartResult:
    """Resume an open watch whose holder ``holder_arn`` ended: the first free name after the holder's
    restart (the registry names the holder, so no earlier name is looked at again)."""
    lineage = parse(holder_arn.rsplit(":", 1)[-1], task_id)
    task_type = task_type_of(task_id)
    if task_type is None:
        raise InvalidInput(f"{task_id!r} is not the id of any task kind")
    after = lineage.restart if lineage else 1
    return start_watch(sfn, state_machine_arn, task_type, task_id, first_restart=after + 1)


def _try_start(sfn: Any, state_machine_arn: str, task: TaskRef, name: str) -> StartResult | None:
    """``STARTED``, or None when the name is taken."""
    try:
        response = sfn.start_execution(
            stateMachineArn=state_machine_arn, name=name, input=watch_input(task.task_type, task.task_id)
        )
    except ClientError as error:
        if error_code(error) == ALREADY_EXISTS:
            return None
        raise translate(error, operation=START_OPERATION, task_id=task.task_id) from error
    return StartResult(task.task_type, task.task_id, name, "STARTED", response.get("executionArn"))


def _newest_of_line(sfn: Any, state_machine_arn: str, name: str, task_id: str) -> tuple[str, HolderStatus]:
    """Follow ``name``'s hand-overs to the newest execution of its line, and its status."""
    for _ in range(MAX_HAND_OVERS_FOLLOWED):
        status = describe_execution(sfn, execution_arn_of(state_machine_arn, name), task_id)
        successor = handed_over_to(status)
        if successor is None or (status.status == "MISSING" and name != successor):
            return name, status
        name = successor
    return name, status


def task_id_of_execution(name: str) -> str | None:
    """The task a watch execution belongs to (any generation), or ``None``."""
    return task_id_of(name)


def task_type_of(task_id: str) -> str | None:
    """Task ids of different kinds never look alike, so the id tells the type."""
    task_kind = kind_of_task_id(task_id)
    return task_kind.task_type if task_kind else None


def state_machine_arn_from_env() -> str:
    arn = os.environ.get(STATE_MACHINE_ARN_ENV, "")
    if not arn:
        raise RuntimeError(f"{STATE_MACHINE_ARN_ENV} is not set: the stack passes the watcher's state machine ARN")
    return arn
