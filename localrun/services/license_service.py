"""License Manager ``GetLicenseConversionTask`` / ``ListLicenseConversionTasks`` over the scenario's timelines."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID

from localrun.services.faults import ServiceFault
from localrun.services.pages import next_token, token_offset
from localrun.services.scenario import LICENSE, LICENSE_ID, LICENSE_ID_MAX, TERMINAL, Entry, Task, stable_hex

DEFAULT_PAGE_SIZE = 10  # the service documents none; small enough that callers must paginate
# No bound is documented for this MaxResults; every bound License Manager's model documents for
# one is 1..100, so the double refuses more (inferred, docs/task-kinds.md).
MAX_PAGE_SIZE = 100
FILTERS = {"ResourceArns", "Status"}  # what the model's documentation lists as valid


def get_license_conversion_task(
    tasks: dict[str, Task], *, request: dict[str, Any], seconds: float, epoch: datetime, region: str
) -> dict[str, Any]:
    task_id = request.get("LicenseConversionTaskId")
    if not isinstance(task_id, str) or not LICENSE_ID.match(task_id) or len(task_id) > LICENSE_ID_MAX:
        raise _invalid(
            f"1 validation error detected: Value '{task_id}' at 'licenseConversionTaskId' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: ^lct-[a-zA-Z0-9]* and have length <= 50"
        )
    task = tasks.get(task_id)
    entry = task.entry_at(seconds) if task and task.task_type == LICENSE and task.visible_in(region) else None
    if task is None or entry is None:
        raise _invalid(f"License conversion task {task_id} does not exist.")
    return render(task, entry, epoch, region)


def list_license_conversion_tasks(
    tasks: dict[str, Task], *, request: dict[str, Any], seconds: float, epoch: datetime, region: str
) -> dict[str, Any]:
    page_size = request.get("MaxResults", DEFAULT_PAGE_SIZE)
    if not isinstance(page_size, int) or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise _invalid(f"MaxResults must be an integer from 1 to {MAX_PAGE_SIZE}, got {page_size!r}.")
    matches = _filter(request.get("Filters") or [])
    rows = []
    for task in sorted(tasks.values(), key=lambda t: (t.created_at, t.task_id)):
        entry = task.entry_at(seconds)
        if task.task_type == LICENSE and task.visible_in(region) and entry is not None:
            rendered = render(task, entry, epoch, region)
            if matches(rendered):
                rows.append(rendered)
    start = token_offset(request.get("NextToken"), invalid=_invalid("The NextToken is not valid."))
    result: dict[str, Any] = {"LicenseConversionTasks": rows[start : start + page_size]}
    if start + page_size < len(rows):
        result["NextToken"] = next_token(start + page_size)
    return result


def render(task: Task, entry: Entry, epoch: datetime, region: str) -> dict[str, Any]:
    raw = task.raw
    result: dict[str, Any] = {
        "LicenseConversionTaskId": task.task_id,
        "ResourceArn": raw.get(
            "resourceArn", f"arn:aws:ec2:{region}:{DEFAULT_ACCOUNT_ID}:instance/i-{stable_hex(task.task_id)}"
        ),
        "SourceLicenseContext": {"UsageOperation": raw.get("sourceUsageOperation", "RunInstances:0800")},
        "DestinationLicenseContext": {"UsageOperation": raw.get("destinationUsageOperation", "RunInstances:0002")},
        "Status": entry.state,
        "StartTime": epoch + timedelta(seconds=task.created_at),
    }
    if entry.status_message:
        result["StatusMessage"] = entry.status_message
    if entry.state in TERMINAL[LICENSE]:
        result["EndTime"] = epoch + timedelta(seconds=entry.at)
    return result


def _filter(filters: Any) -> Any:
    if not isinstance(filters, list):
        raise _invalid("Filters must be a list.")
    wanted: list[tuple[str, set[str]]] = []
    for item in filters:
        name = item.get("Name") if isinstance(item, dict) else None
        if name not in FILTERS:
            raise _invalid(f"Invalid filter name {name!r}. Valid filters are {sorted(FILTERS)}.")
        wanted.append((name, set(item.get("Values") or [])))

    def matches(task: dict[str, Any]) -> bool:
        field = {"ResourceArns": "ResourceArn", "Status": "Status"}
        return all(task[field[name]] in values for name, values in wanted)

    return matches


def _invalid(message: str) -> ServiceFault:
    return ServiceFault("InvalidParameterValueException", message, 400)
