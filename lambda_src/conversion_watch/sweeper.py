"""The sweep: start a watch for every running conversion task not yet watched.

Cost per sweep, whatever the number of tasks:

* EC2: one ``DescribeConversionTasks`` without ids (it returns every task; the
  API has no pagination).
* License Manager: one ``ListLicenseConversionTasks``, plus one call per
  further page (``NextToken``).
* Step Functions: one ``ListExecutions`` of RUNNING watches (plus pages of
  1,000), then one ``StartExecution`` only per running task without a running
  watch. A task whose watch already ended (e.g. timed out) gets a refused
  start (``ExecutionAlreadyExists``) on each sweep for the 90 days its name
  stays taken: counted as already watched.

A sweep that finds nothing new makes no ``StartExecution`` call at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conversion_watch import ec2_tasks, license_tasks
from conversion_watch.errors import TransientError, WatchError
from conversion_watch.models import TERMINAL_STATES
from conversion_watch.service_errors import translate
from conversion_watch.starter import StartResult, TaskRef, start_watch, task_id_of_execution

# The raw states the normalizers map to a non-terminal state: one table, not two.
EC2_RUNNING = frozenset(raw for raw, state in ec2_tasks.STATES.items() if state not in TERMINAL_STATES)
LICENSE_RUNNING = frozenset(raw for raw, state in license_tasks.STATES.items() if state not in TERMINAL_STATES)
LICENSE_PAGE_SIZE = 100


@dataclass
class SweepReport:
    running: int = 0
    already_running_watch: int = 0
    started: list[str] = field(default_factory=list)
    already_watched: list[str] = field(default_factory=list)  # start refused: watch ended earlier
    failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "runningTasks": self.running,
            "skippedRunningWatches": self.already_running_watch,
            "started": self.started,
            "alreadyWatched": self.already_watched,
            "failures": self.failures,
        }


def running_ec2_tasks(ec2: Any) -> list[TaskRef]:
    try:
        response = ec2.describe_conversion_tasks()
    except Exception as error:
        raise translate(error, operation="ec2:DescribeConversionTasks", task_id="*") from error
    return [
        TaskRef("ec2-conversion", task["ConversionTaskId"])
        for task in response.get("ConversionTasks", [])
        if task.get("State") in EC2_RUNNING and task.get("ConversionTaskId")
    ]


def running_license_tasks(license_manager: Any) -> list[TaskRef]:
    # Finished tasks stay listed: the documented Status filter keeps the pages few.
    # The status is checked again below, in case the filter is ignored.
    # No botocore paginator exists for this operation: follow NextToken by hand.
    found: list[TaskRef] = []
    kwargs: dict[str, Any] = {"Filters": [{"Name": "Status", "Values": sorted(LICENSE_RUNNING)}],
                              "MaxResults": LICENSE_PAGE_SIZE}
    while True:
        try:
            page = license_manager.list_license_conversion_tasks(**kwargs)
        except Exception as error:
            raise translate(error, operation="license-manager:ListLicenseConversionTasks", task_id="*") from error
        found += [
            TaskRef("license-conversion", task["LicenseConversionTaskId"])
            for task in page.get("LicenseConversionTasks", [])
            if task.get("Status") in LICENSE_RUNNING and task.get("LicenseConversionTaskId")
        ]
        token = page.get("NextToken")
        if not token:
            return found
        kwargs["NextToken"] = token


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


def sweep(*, ec2: Any, license_manager: Any, sfn: Any, state_machine_arn: str) -> SweepReport:
    """One service failing to list does not stop the other's tasks being watched."""
    report = SweepReport()
    tasks: list[TaskRef] = []
    for lister, client in ((running_ec2_tasks, ec2), (running_license_tasks, license_manager)):
        try:
            tasks += lister(client)
        except (TransientError, WatchError) as error:
            report.failures.append(f"{lister.__name__}: {error}")
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
        (report.started if result.outcome == "STARTED" else report.already_watched).append(task.task_id)
    return report
