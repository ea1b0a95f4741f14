"""What the four VM Import/Export describes share: ids or every task visible now, the documented
``task-state`` filter, ``MaxResults``/``NextToken`` paging, retention, and each API's answer to an
unknown id. The table of APIs is derived from the registry of kinds and botocore's model; only what
neither says is stated here.

* Retention: ``DescribeImportImageTasks`` / ``DescribeImportSnapshotTasks`` list "tasks that are
  active or were completed or canceled in the previous 7 days" (botocore's documentation of the
  results): a finished import vanishes from them 7 days after it ended (``RETENTION``). Nothing is
  documented for the export describes, which keep their tasks.
* Unknown ids: EC2's error-code reference documents ``InvalidExportTaskID.NotFound`` /
  ``.Malformed`` for export tasks and nothing for import tasks; a public report (openstack's
  nodepool, whose AWS driver reads it as "the task no longer exists") shows
  ``InvalidConversionTaskId.Malformed`` for a well-formed ``import-ami-`` id of a task gone after
  its retention, so the import describes answer an unknown or malformed id with that code.
* Page sizes: ``MaxResults`` within the bounds the model documents; where it documents none (the
  import describes), within ``UNDOCUMENTED_PAGE_BOUNDS``, the bound of the largest page the
  watcher may ask for (``conversion_watch.kinds.vmie.PAGE_SIZE``, docs/task-kinds.md says why).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from conversion_watch.contract import TERMINAL_STATES
from conversion_watch.kinds import TASK_KINDS, TaskKind, kind
from localrun.services import pages
from localrun.services.ec2_wire import list_param
from localrun.services.faults import ServiceFault
from localrun.services.scenario import Entry, Task
from localrun.services.shapes import operation_model

RETENTION_SECONDS = 7 * 24 * 3600
UNDOCUMENTED_PAGE_BOUNDS = (1, 100)
# The "task-state" filter, documented for these describes only.
_TASK_STATE_FILTER = frozenset({"DescribeImportImageTasks", "DescribeExportImageTasks"})
# "tasks that are active or were completed or canceled in the previous 7 days"
_RETAINED_SEVEN_DAYS = frozenset({"DescribeImportImageTasks", "DescribeImportSnapshotTasks"})


@dataclass(frozen=True)
class Api:
    task_type: str
    ids_param: str  # the query parameter of the id list (botocore sends Name.1, Name.2, ...)
    result_key: str
    page_bounds: tuple[int, int] | None = None  # MaxResults limits; None: the API does not page
    task_state_filter: bool = False  # the documented "task-state" filter
    export: bool = False  # unknown / malformed ids answer InvalidExportTaskID.*
    retention_seconds: float | None = None  # finished tasks vanish this long after they ended

    @property
    def paged(self) -> bool:
        return self.page_bounds is not None


def _api(task_kind: TaskKind) -> Api:
    name = task_kind.describe_action.split(":", 1)[1]
    max_results = operation_model("ec2", name).input_shape.members.get("MaxResults")
    bounds = None
    if max_results is not None:
        documented = (max_results.metadata.get("min"), max_results.metadata.get("max"))
        bounds = documented if None not in documented else UNDOCUMENTED_PAGE_BOUNDS
    return Api(task_kind.task_type, task_kind.id_field[0], name.removeprefix("Describe"), bounds,
               task_state_filter=name in _TASK_STATE_FILTER, export=name.startswith("DescribeExport"),
               retention_seconds=RETENTION_SECONDS if name in _RETAINED_SEVEN_DAYS else None)


# Describe API name -> Api, for every EC2 kind but the legacy conversion tasks (ec2_service).
APIS = {k.describe_action.split(":", 1)[1]: _api(k) for k in TASK_KINDS.values()
        if k.service == "ec2" and k.describe_action != "ec2:DescribeConversionTasks"}
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
        and not _retired(api, entry, seconds)
    }
    missing = [task_id for task_id in ids if task_id not in visible]
    if missing and api.export:
        raise ServiceFault("InvalidExportTaskID.NotFound", f"The export task ID '{missing[0]}' does not exist", 400)
    if missing:
        raise _unknown_import_id(missing[0])
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


def _retired(api: Api, entry: Entry, seconds: float) -> bool:
    """Ended (a terminal raw state, in force since ``entry.at``) longer ago than the API keeps tasks."""
    if api.retention_seconds is None or kind(api.task_type).raw_states.get(entry.state) not in TERMINAL_STATES:
        return False
    return seconds - entry.at >= api.retention_seconds


def _unknown_import_id(task_id: str) -> ServiceFault:
    return ServiceFault("InvalidConversionTaskId.Malformed",
                        f"The import task ID '{task_id}' is malformed or does not exist", 400)


def _check_ids(api: Api, ids: list[str]) -> None:
    task_kind = kind(api.task_type)
    for task_id in ids:
        if task_kind.matches(task_id):
            continue
        if api.export:
            raise ServiceFault("InvalidExportTaskID.Malformed", f"The export task ID '{task_id}' is malformed", 400)
        raise _unknown_import_id(task_id)


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
