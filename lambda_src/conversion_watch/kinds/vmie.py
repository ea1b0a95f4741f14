"""What the four VM Import/Export task kinds (``ec2-import-image``, ``ec2-import-snapshot``,
``ec2-export-image``, ``ec2-export-instance``) share: one-task describes by id, paginated
listing, the ``Progress`` percent string, and the CloudTrail calls.

The VM Import/Export user guide and EC2 API reference pages each rule rests on are cited in
docs/issue-13-task-kinds.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from conversion_watch.errors import TaskNotFound, UnknownServiceState
from conversion_watch.facts import Progress
from conversion_watch.kinds.base import ApiCall
from conversion_watch.service_errors import translate

EC2_SOURCE = "ec2.amazonaws.com"
# EC2 ids: a prefix, then 8 (older) to 17 (current) lowercase alphanumerics.
ID_BODY = r"[0-9a-z]{8,17}"
# The page size of a list call: DescribeExportImageTasks accepts 1..500; the import
# describes' MaxResults has no documented bound, so they use the same size.
PAGE_SIZE = 500


def task_id_pattern(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(prefix)}-{ID_BODY}$")


def start_call(event_name: str, *id_path: str) -> ApiCall:
    """A call that starts a task; CloudTrail keeps the query API's lowerCamel element names."""
    return ApiCall(event_source=EC2_SOURCE, event_name=event_name, id_path=id_path)


# CancelImportTask cancels import image and import snapshot tasks; CancelExportTask both
# export kinds ("the ID returned by the CreateInstanceExportTask and ExportImage operations").
CANCEL_IMPORT = ApiCall(event_source=EC2_SOURCE, event_name="CancelImportTask",
                        id_path=("importTaskId",), section="requestParameters")
CANCEL_EXPORT = ApiCall(event_source=EC2_SOURCE, event_name="CancelExportTask",
                        id_path=("exportTaskId",), section="requestParameters")


def describe_one(client: Any, *, method: str, ids_param: str, result_key: str, id_key: str,
                 task_id: str, operation: str) -> dict[str, Any]:
    """The raw task ``task_id`` from a describe call limited to it; ``TaskNotFound`` when absent."""
    try:
        response = getattr(client, method)(**{ids_param: [task_id]})
    except Exception as error:
        raise translate(error, operation=operation, task_id=task_id) from error
    found = [t for t in response.get(result_key, []) if t.get(id_key) == task_id]
    if not found:
        raise TaskNotFound(f"no task {task_id!r} ({operation.split(':')[-1]} returned none)")
    return found[0]


def paginate(client: Any, *, method: str, result_key: str, operation: str) -> Iterator[dict[str, Any]]:
    """Every task, one botocore-paginated describe (``MaxResults``/``NextToken``)."""
    try:
        pages = client.get_paginator(method).paginate(PaginationConfig={"PageSize": PAGE_SIZE})
        for page in pages:
            yield from page.get(result_key, [])
    except Exception as error:
        raise translate(error, operation=operation, task_id="*") from error


def known_state(raw_state: str | None, states: Mapping[str, str], what: str) -> str:
    if raw_state not in states:
        raise UnknownServiceState(f"EC2 reported {what} {raw_state!r}, which this watcher does not know")
    return raw_state  # type: ignore[return-value]


def percent(raw: Any) -> Progress | None:
    """``Progress`` is a percent string ("35"); anything else is left out, not guessed."""
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return Progress(percent=value) if 0.0 <= value <= 100.0 else None

