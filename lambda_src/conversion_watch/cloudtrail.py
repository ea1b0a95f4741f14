"""Read the conversion task out of an "AWS API Call via CloudTrail" event.

The CloudTrail record sits in the event's ``detail``. Its ``responseElements``
use each API's own wire names: EC2 (query API) answers ``ImportInstance`` /
``ImportVolume`` with ``conversionTask.conversionTaskId``, ``ImportImage`` /
``ImportSnapshot`` with ``importTaskId``, ``ExportImage`` with
``exportImageTaskId``, ``CreateInstanceExportTask`` with
``exportTask.exportTaskId`` (the VM Import/Export names are inferred from the
query API, see docs/task-kinds.md); License Manager (JSON API) answers
``CreateLicenseConversionTaskForResource`` with ``LicenseConversionTaskId``.
Each kind declares its calls (``conversion_watch.kinds``). Anything else is rejected with a reason, never a
crash: CloudTrail omits ``responseElements`` for failed calls and may omit it
for large responses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conversion_watch.contract import RESERVED_SOURCE_PREFIX
from conversion_watch.kinds import cancel_calls, kind_of_task_id, start_calls
from conversion_watch.starter import TaskRef

API_CALL_DETAIL_TYPE = "AWS API Call via CloudTrail"
# Event name -> (kind, call), from the registry of kinds.
WATCHED_CALLS = start_calls()
# Event name -> call, of the calls that cancel a task (CancelConversionTask, ...).
CANCEL_CALLS = cancel_calls()


@dataclass(frozen=True)
class CancelRef:
    """A successful cancel call for a task: the poll step reads it as "cancelled on request"."""

    task_type: str
    task_id: str
    event_name: str
    cloudtrail_event_id: str | None


def event_bridge_source(event_source: str) -> str:
    """EventBridge's ``source`` for a CloudTrail ``eventSource``: ec2.amazonaws.com -> aws.ec2."""
    return RESERVED_SOURCE_PREFIX + event_source.removesuffix(".amazonaws.com")


class RejectedEvent(Exception):
    """The event names no task to watch; ``reason`` is a short code for logs and metrics."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message


def task_from_event(event: Any) -> TaskRef:
    detail = _object(event, "detail") if isinstance(event, dict) else None
    if detail is None or event.get("detail-type") != API_CALL_DETAIL_TYPE:
        raise RejectedEvent("NotAnApiCallEvent", f"expected detail-type {API_CALL_DETAIL_TYPE!r} with a detail object")
    event_name = detail.get("eventName")
    watched = WATCHED_CALLS.get(event_name) if isinstance(event_name, str) else None
    if watched is None or detail.get("eventSource") != watched[1].event_source:
        raise RejectedEvent(
            "UnsupportedCall", f"{detail.get('eventSource')!r} {event_name!r} does not start a conversion task"
        )
    if detail.get("errorCode") is not None:
        raise RejectedEvent("FailedCall", f"{event_name} failed ({detail.get('errorCode')}): no task was created")
    task_kind, call = watched
    value = _at(detail.get(call.section), call.id_path)
    where = f"{call.section}." + ".".join(call.id_path)
    if not isinstance(value, str) or not value:
        raise RejectedEvent("MissingTaskId", f"{event_name} record has no {where}")
    if not task_kind.matches(value):
        raise RejectedEvent("MalformedTaskId", f"{where} is {value[:80]!r}, not a {task_kind.task_type} task id")
    return TaskRef(task_type=task_kind.task_type, task_id=value)


def cancel_from_event(event: Any) -> CancelRef | None:
    """The cancel call an event records, ``None`` when it records no cancel call at all;
    :class:`RejectedEvent` for a cancel call that names no task of a known kind."""
    detail = _object(event, "detail") if isinstance(event, dict) else None
    if detail is None or event.get("detail-type") != API_CALL_DETAIL_TYPE:
        return None
    event_name = detail.get("eventName")
    call = CANCEL_CALLS.get(event_name) if isinstance(event_name, str) else None
    if call is None or detail.get("eventSource") != call.event_source:
        return None
    if detail.get("errorCode") is not None:
        raise RejectedEvent("FailedCall", f"{event_name} failed ({detail.get('errorCode')}): nothing was cancelled")
    value = _at(detail.get(call.section), call.id_path)
    where = f"{call.section}." + ".".join(call.id_path)
    if not isinstance(value, str) or not value:
        raise RejectedEvent("MissingTaskId", f"{event_name} record has no {where}")
    task_kind = kind_of_task_id(value)
    if task_kind is None or call not in task_kind.cancel_calls:
        raise RejectedEvent("MalformedTaskId", f"{where} is {value[:80]!r}, not a task {event_name} cancels")
    event_id = detail.get("eventID")
    return CancelRef(task_kind.task_type, value, call.event_name, event_id if isinstance(event_id, str) else None)


def _at(value: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def describe_event(event: Any) -> dict[str, Any]:
    """A few identifying fields for the rejection log line (all optional)."""
    detail = _object(event, "detail") if isinstance(event, dict) else None
    detail = detail or {}
    return {key: detail.get(key) for key in ("eventID", "eventName", "eventSource", "awsRegion", "recipientAccountId")}


def _object(container: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = container.get(key)
    return value if isinstance(value, dict) else None
