"""What the four VM Import/Export task kinds (``ec2-import-image``, ``ec2-import-snapshot``,
``ec2-export-image``, ``ec2-export-instance``) share: one-task describes by id, paginated
listing, the ``Progress`` percent string, the snapshot, and the CloudTrail calls. ``vmie_kind``
builds a kind from what differs; each kind's module declares only that.

The VM Import/Export user guide and EC2 API reference pages each rule rests on are cited in
docs/task-kinds.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from conversion_watch.errors import TaskNotFound
from conversion_watch.facts import Progress, TaskFacts
from conversion_watch.kinds.base import ApiCall, TaskKind, describe_error, dig, observed
from conversion_watch.service_errors import translate
from conversion_watch.snapshot import TaskSnapshot

EC2_SOURCE = "ec2.amazonaws.com"
# EC2 ids: a prefix, then 8 (older) to 17 (current) lowercase alphanumerics.
ID_BODY = r"[0-9a-z]{8,17}"
# The page size of a list call. DescribeExportImageTasks documents 1..500; the import describes
# document no bound (botocore's model, EC2's reference), so the size is one inside the bounds most
# EC2 describes document (5..1000, 1..1000, 5..500, 1..100, 5..100, ...): inferred, not documented.
PAGE_SIZE = 100


def task_id_pattern(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(prefix)}-{ID_BODY}$")


def start_call(event_name: str, *id_path: str) -> ApiCall:
    """A call that starts a task; CloudTrail keeps the query API's lowerCamel element names."""
    return ApiCall(event_source=EC2_SOURCE, event_name=event_name, id_path=id_path)


# CancelImportTask cancels import image and import snapshot tasks; CancelExportTask both
# export kinds ("the ID returned by the CreateInstanceExportTask and ExportImage operations").
# CancelImportTask's ImportTaskId member has no wire name of its own in EC2's model, so the
# query API (and so, inferred, CloudTrail) uses the member name; the id is found wherever it sits.
CANCEL_IMPORT = ApiCall(event_source=EC2_SOURCE, event_name="CancelImportTask",
                        id_path=("ImportTaskId",), section="requestParameters")
CANCEL_EXPORT = ApiCall(event_source=EC2_SOURCE, event_name="CancelExportTask",
                        id_path=("exportTaskId",), section="requestParameters")


def describe_one(client: Any, *, method: str, ids_param: str, result_key: str, id_key: str,
                 task_id: str, operation: str, id_pattern: re.Pattern[str]) -> dict[str, Any]:
    """The raw task ``task_id`` from a describe call limited to it; ``TaskNotFound`` when absent,
    whichever way the API says so (``describe_error``)."""
    try:
        response = getattr(client, method)(**{ids_param: [task_id]})
    except Exception as error:
        raise describe_error(error, operation=operation, task_id=task_id, id_pattern=id_pattern) from error
    found = [t for t in response.get(result_key, []) if t.get(id_key) == task_id]
    if not found:
        raise TaskNotFound(f"no task {task_id!r} ({operation.split(':')[-1]} returned none)")
    return found[0]


def read_all(client: Any, *, method: str, result_key: str, operation: str) -> Iterator[dict[str, Any]]:
    """Every task, in one call: for describes without pagination, which return all tasks without ids."""
    try:
        response = getattr(client, method)()
    except Exception as error:
        raise translate(error, operation=operation, task_id="*") from error
    yield from response.get(result_key, [])


def paginate(client: Any, *, method: str, result_key: str, operation: str) -> Iterator[dict[str, Any]]:
    """Every task, one botocore-paginated describe (``MaxResults``/``NextToken``)."""
    try:
        pages = client.get_paginator(method).paginate(PaginationConfig={"PageSize": PAGE_SIZE})
        for page in pages:
            yield from page.get(result_key, [])
    except Exception as error:
        raise translate(error, operation=operation, task_id="*") from error


def percent(raw: Any) -> Progress | None:
    """``Progress`` is a percent string ("35"); anything else is left out, not guessed."""
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return Progress(percent=value) if 0.0 <= value <= 100.0 else None



def fields(section: Mapping[str, Any] | None, *names: str) -> dict[str, Any]:
    """The EC2 fields ``names`` of ``section``, keyed by their ``TaskFacts`` (lowerCamel) names. An
    empty string is no value: a snapshot import in progress reports ``SnapshotId: ""``
    (aws/aws-cli#9118), and no event may carry an empty id."""
    section = section or {}
    return {name[0].lower() + name[1:]: section.get(name) if section.get(name) != "" else None for name in names}


def _snake(api: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", api).lower()


def _words(result_key: str) -> str:
    """What error messages call a task's kind: "ImportImageTasks" -> "import image", "ExportTasks" -> "export task"."""
    words = _snake(result_key.removesuffix("s")).split("_")
    return " ".join(words[:-1] if len(words) > 2 else words)


def vmie_kind(*, task_type: str, label: str, id_prefix: str, api: str, states: Mapping[str, str], start: ApiCall,
              facts: Callable[[dict[str, Any]], dict[str, Any]], detail: tuple[str, ...] = (),
              state_key: str = "Status", paginated: bool = True,
              cancel_request_states: frozenset[str] = frozenset()) -> TaskKind:
    """A VM Import/Export kind read with the EC2 describe ``api`` (e.g. "DescribeImportImageTasks")
    and started by the call ``start`` (whose name is the ``conversionType``).

    The describe's method, result list (``api`` without "Describe") and id filter follow from its
    name; the raw task's id key is the UpperCamel of the start call's id element (CloudTrail keeps
    the query API's lowerCamel). Import tasks are cancelled by CancelImportTask, export tasks by
    CancelExportTask. ``detail`` leads to the section holding ``state_key``, ``StatusMessage`` and
    ``Progress`` (the task itself when empty); ``facts`` picks the kind's other raw fields.
    """
    id_key = start.id_path[-1][0].upper() + start.id_path[-1][1:]
    cancel = CANCEL_IMPORT if api.startswith("DescribeImport") else CANCEL_EXPORT
    operation, method, result_key = f"ec2:{api}", _snake(api), api.removeprefix("Describe")
    state_field = (*detail, state_key)
    state_name = f"{_words(result_key)} {state_key.lower()}"

    def snapshot(task: dict[str, Any]) -> TaskSnapshot:
        section = (dig(task, detail) if detail else task) or {}
        return observed(dig(task, state_field), states, what=f"EC2 reported {state_name}",
                        status_message=section.get("StatusMessage"),
                        facts=TaskFacts(conversionType=start.event_name, **facts(task)),  # type: ignore[arg-type]
                        progress=percent(section.get("Progress")))

    def describe(client: Any, task_id: str) -> TaskSnapshot:
        return snapshot(describe_one(client, method=method, ids_param=f"{id_key}s", result_key=result_key,
                                     id_key=id_key, task_id=task_id, operation=operation,
                                     id_pattern=task_id_pattern(id_prefix)))

    def list_tasks(client: Any) -> Iterator[dict[str, Any]]:
        read = paginate if paginated else read_all
        return read(client, method=method, result_key=result_key, operation=operation)

    return TaskKind(task_type=task_type, label=label, id_pattern=task_id_pattern(id_prefix),
                    id_example=f"{id_prefix}-1234567890abcdef0", describe_action=operation, raw_states=states,
                    start_calls=(start,), cancel_calls=(cancel,), cancel_request_states=cancel_request_states,
                    describe=describe, list_tasks=list_tasks, snapshot=snapshot,
                    id_field=(id_key,), state_field=state_field)
