"""The sweep: reconcile every open watch, and start a watch for every running task not yet watched.

Level-triggered, as a Kubernetes controller reconciles: every registry item of
an open watch (the table's sparse open-watches index: one ``Query``) whose
holder is not running is resumed, whatever its task's state now -- running,
ended or vanished -- so a watch that died near its task's end still delivers
the end. The same reconcile runs for one task when this state machine reports
an execution FAILED / TIMED_OUT / ABORTED (``reconcile_task``), within a minute
of the holder's death; the scheduled sweep is the backstop.

Cost per sweep, whatever the number of tasks:

* per task kind: one paginated read of every task (``TaskKind.list_tasks``:
  ``DescribeConversionTasks`` and ``DescribeExportTasks`` without ids, which have
  no pagination; ``ListLicenseConversionTasks``, ``DescribeImportImageTasks``,
  ``DescribeImportSnapshotTasks`` and ``DescribeExportImageTasks`` plus one call
  per further page).
* the watch table: one ``Query`` of the open-watches index (plus pages), one
  ``ListExecutions`` of RUNNING executions (pages of 1,000), then per open watch
  one consistent ``GetItem``, and a ``DescribeExecution`` only of a holder not
  listed as running; a resume is a ``StartExecution`` under the first free name
  after the holder's. Per running task that has no open watch, one ``GetItem`` (is its
  watch closed?) and, if none, the shared starter (``starter.start_watch``).
* Without the table (``registry=None``): one ``ListExecutions`` of RUNNING watches
  instead, and the starter for each running task without one.

A sweep that finds nothing new makes no ``StartExecution`` call at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from conversion_watch.errors import TransientError, WatchError
from conversion_watch.kinds import TASK_KINDS, TaskKind
from conversion_watch.registry import Registry
from conversion_watch.service_errors import translate
from conversion_watch.starter import StartResult, TaskRef, resume_after, start_watch, task_id_of_execution


@dataclass
class SweepReport:
    running: int = 0
    already_running_watch: int = 0
    started: list[str] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)  # its watch had ended without the task's outcome
    already_watched: list[str] = field(default_factory=list)  # start refused: watch ended earlier
    failures: list[str] = field(default_factory=list)
    open_watches: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "runningTasks": self.running,
            "skippedRunningWatches": self.already_running_watch,
            "started": self.started,
            "resumed": self.resumed,
            "alreadyWatched": self.already_watched,
            "failures": self.failures,
            "openWatches": self.open_watches,
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
    return {task_id for name in _running(sfn, state_machine_arn).values() if (task_id := task_id_of_execution(name))}


def running_executions(sfn: Any, state_machine_arn: str) -> set[str]:
    """The ARNs of the state machine's RUNNING executions."""
    return set(_running(sfn, state_machine_arn))


def _running(sfn: Any, state_machine_arn: str) -> dict[str, str]:
    found: dict[str, str] = {}
    try:
        for page in sfn.get_paginator("list_executions").paginate(
            stateMachineArn=state_machine_arn, statusFilter="RUNNING"
        ):
            for execution in page.get("executions", []):
                found[execution.get("executionArn", "")] = execution.get("name", "")
    except Exception as error:
        raise translate(error, operation="states:ListExecutions", task_id="*") from error
    return found


def sweep(*, clients: Callable[[str], Any], sfn: Any, state_machine_arn: str,
          registry: Registry | None = None) -> SweepReport:
    """``clients(service)`` gives the SDK client of a kind's service. One kind failing to
    list does not stop the other kinds' tasks being watched, nor the open watches reconciled."""
    report = SweepReport()
    open_ids: set[str] = set()
    table_failed = False
    if registry is not None:
        try:
            open_ids = set(registry.open_task_ids())
        except (TransientError, WatchError) as error:
            report.failures.append(f"open watches: {error}")
            table_failed = True
        report.open_watches = len(open_ids)
        running_holders: set[str] = set()
        if open_ids:
            try:  # one call (per 1,000) instead of a DescribeExecution per live holder
                running_holders = running_executions(sfn, state_machine_arn)
            except (TransientError, WatchError) as error:
                report.failures.append(f"running executions: {error}")
        for task_id in sorted(open_ids):
            _reconcile(report, task_id, registry=registry, sfn=sfn, state_machine_arn=state_machine_arn,
                       running=running_holders)
    tasks: list[TaskRef] = []
    for task_kind in TASK_KINDS.values():
        try:
            tasks += running_tasks(task_kind, clients(task_kind.service))
        except (TransientError, WatchError) as error:
            report.failures.append(f"{task_kind.task_type}: {error}")
    report.running = len(tasks)
    if not tasks:
        return report
    if registry is None:
        watched = tasks_with_running_watch(sfn, state_machine_arn)
    elif table_failed:
        return report  # the table did not answer: a start now could only fail to claim the watch
    else:
        watched = open_ids  # reconciled above
    for task in tasks:
        if task.task_id in watched:
            if registry is None:  # with the registry, the reconcile above counted it
                report.already_running_watch += 1
            continue
        try:
            if registry is not None and registry.read(task.task_id) is not None:
                report.already_watched.append(task.task_id)  # closed: its end was delivered
                continue
            result: StartResult = start_watch(sfn, state_machine_arn, task.task_type, task.task_id)
        except (TransientError, WatchError) as error:
            report.failures.append(f"{task.task_id}: {error}")
            continue
        {"STARTED": report.started, "RESUMED": report.resumed}.get(result.outcome, report.already_watched).append(
            task.task_id
        )
    return report


def reconcile_task(task_id: str, *, registry: Registry, sfn: Any, state_machine_arn: str,
                   ended: str | None = None) -> SweepReport:
    """Reconcile one task's watch (``ended``: only if that execution is still its registered holder,
    so an execution that never held the watch -- a refused start -- triggers nothing)."""
    report = SweepReport()
    _reconcile(report, task_id, registry=registry, sfn=sfn, state_machine_arn=state_machine_arn, ended=ended)
    return report


def _reconcile(report: SweepReport, task_id: str, *, registry: Registry, sfn: Any, state_machine_arn: str,
               ended: str | None = None, running: set[str] | frozenset[str] = frozenset()) -> None:
    """Resume the task's watch if it is open and its holder is not running (``running``: holders
    listed RUNNING a moment before; any other is described)."""
    try:
        current = registry.read(task_id)  # consistent: the index may lag behind the item
        if current is None or not current.open or (ended is not None and current.holder != ended):
            return
        if current.holder in running:
            report.already_running_watch += 1
            return
        holder = registry.holder_status(current.holder)
        if holder.status in ("RUNNING", "PENDING_REDRIVE"):
            report.already_running_watch += 1
            return
        result = resume_after(sfn, state_machine_arn, task_id, current.holder)
    except (TransientError, WatchError) as error:
        report.failures.append(f"{task_id}: {error}")
        return
    (report.resumed if result.outcome != "ALREADY_WATCHED" else report.already_watched).append(task_id)
