"""Read the conversion task out of an "AWS API Call via CloudTrail" event.

The CloudTrail record sits in the event's ``detail``. Its ``responseElements``
use each API's own wire names: EC2 (query API) answers ``ImportInstance`` /
``ImportVolume`` with ``conversionTask.conversionTaskId``, ``ImportImage`` /
``ImportSnapshot`` with ``importTaskId``, ``ExportImage`` with
``exportImageTaskId``, ``CreateInstanceExportTask`` with
``exportTask.exportTaskId`` (the VM Import/Export names are inferred from the
query API, see docs/issue-13-task-kinds.md); License Manager (JSON API) answers
``CreateLicenseConversionTaskForResource`` with ``LicenseConversionTaskId``.
Each kind declares its calls (``conversion_watch.kinds``). Anything else is rejected with a reason, never a
crash: CloudTrail omits ``responseElements`` for failed calls and may omit it
for large responses.
"""

from __future__ import annotations

from typing import Any

from conversion_watch.kinds import start_calls
from conversion_watch.starter import TaskRef

API_CALL_DETAIL_TYPE = "AWS API Call via CloudTrail"
# Event name -> (kind, call), from the registry of kinds.
WATCHED_CALLS = start_calls()


def event_bridge_source(event_source: str) -> str:
    """EventBridge's ``source`` for a CloudTrail ``eventSource``: ec2.amazonaws.com -> aws.ec2."""
    return "aws." + event_source.removesuffix(".amazonaws.com")


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
    value: Any = detail.get(call.section)
    for key in call.id_path:
        value = value.get(key) if isinstance(value, dict) else None
    where = f"{call.section}." + ".".join(call.id_path)
    if not isinstance(value, str) or not value:
        raise RejectedEvent("MissingTaskId", f"{event_name} record has no {where}")
    if not task_kind.matches(value):
        raise RejectedEvent("MalformedTaskId", f"{where} is {value[:80]!r}, not a {task_kind.task_type} task id")
    return TaskRef(task_type=task_kind.task_type, task_id=value)


def describe_event(event: Any) -> dict[str, Any]:
    """A few identifying fields for the rejection log line (all optional)."""
    detail = _object(event, "detail") if isinstance(event, dict) else None
    detail = detail or {}
    return {key: detail.get(key) for key in ("eventID", "eventName", "eventSource", "awsRegion", "recipientAccountId")}


def _object(container: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = container.get(key)
    return value if isinstance(value, dict) else None
