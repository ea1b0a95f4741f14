"""What the four VM Import/Export describes share: ids or every task visible now, the documented
``task-state`` filter, ``MaxResults``/``NextToken`` paging, and each API's answer to an unknown id.

Unknown ids: EC2's error-code reference lists ``InvalidExportTaskID.NotFound`` / ``.Malformed`` for
export tasks; it lists none for import tasks, so an unknown import id is simply left out of the
answer (an assumption; the watcher treats an empty answer as not found either way).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from conversion_watch.kinds import kind
from localrun.services import pages
from localrun.services.ec2_wire import list_param
from localrun.services.faults import ServiceFault
from localrun.services.scenario import Entry, Task


@dataclass(frozen=True)
class Api:
    task_type: str
    ids_param: str  # the query parameter of the id list (botocore sends Name.1, Name.2, ...)
    result_key: str
    page_bounds: tuple[int, int] | None = None  # MaxResults limits in the model; None: no paging bound
    paged: bool = True
    task_state_filter: bool = False  # the documented "task-state" filter
    export: bool = False  # unknown / malformed ids answer InvalidExportTaskID.*


APIS = {
    "DescribeImportImageTasks": Api("ec2-import-image", "ImportTaskId", "ImportImageTasks", task_state_filter=True),
    "DescribeImportSnapshotTasks": Api("ec2-import-snapshot", "ImportTaskId", "ImportSnapshotTasks"),
    "DescribeExportImageTasks": Api("ec2-export-image", "ExportImageTaskId", "ExportImageTasks", (1, 500),
                                    task_state_filter=True, export=True),
    "DescribeExportTasks": Api("ec2-export-instance", "ExportTaskId", "ExportTasks", paged=False, export=True),
}
_FILTER_NAME = re.compile(r"^Filters?\.(\d+)\.Name$")


Render = Callable[[Task, Entry], dict[str, Any]]


def operation(name: str, render: Render) -> Callable[..., dict[str, Any]]:
    """The double's ``name`` operation (``(tasks, params, *, seconds, epoch, region) -> result``),
    each visible task drawn by ``render``."""

    def answer(tasks: dict[str, Task], params: dict[str, list[str]], *, seconds: float, epoch: datetime,
               region: str) -> dict[str, Any]:
        return describe(tasks, params, seconds=seconds, region=region, operation=name, render=render)

    answer.__name__ = name
    return answer


def describe(tasks: dict[str, Task], params: dict[str, list[str]], *, seconds: float, region: str,
             operation: str, render: Render) -> dict[str, Any]:
    api = APIS[operation]
    # The filter reads the state where the watcher does: the kind's own state field.
    state_of = kind(api.task_type).raw_state
    ids = list_param(params, api.ids_param)
    _check_ids(api, ids)
    visible = {
        task.task_id: (task, entry)
        for task in tasks.values()
        if task.task_type == api.task_type and task.visible_in(region) and (entry := task.entry_at(seconds)) is not None
    }
    missing = [task_id for task_id in ids if task_id not in visible]
    if missing and api.export:
        raise ServiceFault("InvalidExportTaskID.NotFound", f"The export task ID '{missing[0]}' does not exist", 400)
    chosen = [i for i in ids if i in visible] if ids else sorted(visible, key=lambda i: (visible[i][0].created_at, i))
    rows = [render(*visible[task_id]) for task_id in chosen]
    wanted = _task_states(api, params)
    rows = [row for row in rows if wanted is None or state_of(row) in wanted]
    if not api.paged:
        return {api.result_key: rows}
    return pages.page(rows, max_results=_one(params, "MaxResults"), token=_one(params, "NextToken"),
                      bounds=api.page_bounds, result_key=api.result_key)


def task_fields(task: Task, entry: Entry) -> dict[str, Any]:
    """StatusMessage, Progress, Description and Tags, where the task has them."""
    fields: dict[str, Any] = {}
    if entry.status_message:
        fields["StatusMessage"] = entry.status_message
    if entry.progress is not None:
        fields["Progress"] = entry.progress
    if task.raw.get("description"):
        fields["Description"] = task.raw["description"]
    if task.raw.get("tags"):
        fields["Tags"] = [{"Key": k, "Value": v} for k, v in task.raw["tags"].items()]
    return fields


def _check_ids(api: Api, ids: list[str]) -> None:
    task_kind = kind(api.task_type)
    for task_id in ids:
        if task_kind.matches(task_id):
            continue
        if api.export:
            raise ServiceFault("InvalidExportTaskID.Malformed", f"The export task ID '{task_id}' is malformed", 400)
        raise ServiceFault("InvalidParameterValue", f"Invalid import task ID '{task_id}'", 400)


def _task_states(api: Api, params: dict[str, list[str]]) -> set[str] | None:
    wanted: set[str] | None = None
    for key, values in params.items():
        match = _FILTER_NAME.match(key)
        if not match:
            continue
        if values[0] != "task-state" or not api.task_state_filter:
            raise ServiceFault("InvalidParameterValue", f"The filter '{values[0]}' is invalid", 400)
        prefix = key[: -len("Name")]
        chosen = {v[0] for k, v in params.items() if k.startswith(prefix + "Value")}
        wanted = chosen if wanted is None else wanted & chosen
    return wanted


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    return values[0] if values else None
