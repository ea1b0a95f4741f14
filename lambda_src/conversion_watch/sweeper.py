"""The sweep: start a watch for every running conversion task not yet watched.

Cost per sweep, whatever the number of tasks:

* per task kind: one paginated read of every task (``TaskKind.list_tasks``:
  ``DescribeConversionTasks`` and ``DescribeExportTasks`` without ids, which have
  no pagination; ``ListLicenseConversionTasks``, ``DescribeImportImageTasks``,
  ``DescribeImportSnapshotTasks`` and ``DescribeExportImageTasks`` plus one call
  per further page).
* Step Functions: one ``ListExecutions`` of RUNNING watches (plus pages of
  1,000), then, only per running task without a running watch, the shared
  starter (``starter.start_watch``): a ``StartExecution``, and when the name
  is taken a ``DescribeExecution`` per execution of the task's watch line
  (following hand-overs). A watch that ended without its task's outcome is
  resumed (``resumed``); one that ended with it is counted as already watched.

A sweep that finds nothing new makes no ``StartExecution`` call at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from conversion_watch.errors import TransientError, WatchError
from conversion_watch.kinds import TASK_KINDS, TaskKind
from conversion_watch.service_errors import translate
from conversion_watch.starter import StartResult, TaskRef, start_watch, task_id_of_execution


@dataclass
class SweepReport:
    running: int = 0
    already_running_watch: int = 0
    started: list[str] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)  # its watch had ended without the task's outcome
    already_watched: list[str] = field(default_factory=list)  # start refused: watch ended earlier
    failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "runningTasks": self.running,
            "skippedRunningWatches": self.already_running_watch,
            "started": self.started,
            "resumed": self.resumed,
            "alreadyWatched": self.already_watched,
            "failures": self.failures,
        }


def running_tasks(task_kind: TaskKind, client: Any) -> list[TaskRef]:
    """One paginated read of every task of the kind; only running ones are kept."""
    running = task_kind.running_raw_states
    found = []
    for task in task_kind.list_tasks(client):
        task_id = task_kind.raw_task_id(task)
        if task_id and task_kind.raw_state(task) in running:
            found.append(TaskRef(task_kind.task_type, task_id))
    return found


def tasks_with_running_watch(sfn: Any, state_machine_arn: str) -> set[str]:
    watched: set[str] = set()
    try:
        for page in sfn.get_paginator("list_executions").paginate(
            stateMachineArn=state_machine_arn, statusFilter="RUNNING"
        ):
            for execution in page.get("executions", []):
                task_id = task_id_of_execution(execution.get("name", ""))
                if task_id:
                    watched.add(task_id)
    except Exception as error:
        raise translate(error, operation="states:ListExecutions", task_id="*") from error
    return watched


def sweep(*, clients: Callable[[str], Any], sfn: Any, state_machine_arn: str) -> SweepReport:
    """``clients(service)`` gives the SDK client of a kind's service. One kind failing to
    list does not stop the other kinds' tasks being watched."""
    report = SweepReport()
    tasks: list[TaskRef] = []
    for task_kind in TASK_KINDS.values():
        try:
            tasks += running_tasks(task_kind, clients(task_kind.service))
        except (TransientError, WatchError) as error:
            report.failures.append(f"{task_kind.task_type}: {error}")
    report.running = len(tasks)
    if not tasks:
        return report
    watched = tasks_with_running_watch(sfn, state_machine_arn)
    for task in tasks:
        if task.task_id in watched:
            report.already_running_watch += 1
            continue
        try:
            result: StartResult = start_watch(sfn, state_machine_arn, task.task_type, task.task_id)
        except (TransientError, WatchError) as error:
            report.failures.append(f"{task.task_id}: {error}")
            continue
        {"STARTED": report.started, "RESUMED": report.resumed}.get(result.outcome, report.already_watched).append(
            task.task_id
        )
    return report
