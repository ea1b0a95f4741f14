"""The wait condition's signal: what the watcher's terminal event (or a final watch error) says.

SUCCESS only when the task completed and its own describe shows what it made; the Data is the
task id and the resource kind's attributes joined by ``SIGNAL_FIELD_SEPARATOR`` (the construct
reads them back with ``Fn::Select`` / ``Fn::Split`` from the wait condition's ``Data``). Anything
else is FAILURE, with the task id, ``outcomeReason`` and the status message in the reason, which
CloudFormation shows in the wait condition's stack event.

CloudFormation's wait condition signal: ``{"Status": "SUCCESS" | "FAILURE", "Reason", "UniqueId",
"Data"}`` PUT to the handle's presigned URL
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-waitcondition.html).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conversion_watch.contract import (
    COMPLETED,
    FINAL_WATCH_ERRORS,
    SIGNAL_FIELD_SEPARATOR,
    STATE_CHANGE,
    WATCH_ERROR,
)
from conversion_watch.kinds import kind
from conversion_watch.resources.http_put import clip, put_json

MAX_REASON = 1024


@dataclass(frozen=True)
class Signal:
    status: str  # SUCCESS | FAILURE
    reason: str
    unique_id: str
    data: str

    def body(self) -> dict[str, str]:
        return {"Status": self.status, "Reason": self.reason, "UniqueId": self.unique_id, "Data": self.data}


def from_event(detail: dict[str, Any], attributes: Any) -> Signal | None:
    """The signal a watcher event calls for, or None (not the end: a change on the way, or a watch error
    after which the watch resumes). ``attributes(task_type, task_id)`` reads the completed task's
    attributes from its own describe."""
    task_id = str(detail.get("taskId") or "")
    detail_type = WATCH_ERROR if "errorCode" in detail else STATE_CHANGE
    if detail_type == STATE_CHANGE and detail.get("terminal"):
        if detail.get("state") == COMPLETED:
            return _completed(str(detail.get("taskType")), task_id, attributes)
        return failure(task_id, f"{detail.get('state')} (outcomeReason {detail.get('outcomeReason')})",
                       detail.get("statusMessage"))
    if detail_type == WATCH_ERROR and detail.get("errorCode") in FINAL_WATCH_ERRORS:
        return failure(task_id, f"watch ended {detail.get('errorCode')} (last known state "
                                f"{detail.get('lastKnownState')})", detail.get("message"))
    return None


def from_snapshot(task_type: str, task_id: str, snapshot: Any, attributes: Any) -> Signal | None:
    """The signal for a task already ended when the follow step looks (its terminal event may have
    been published before the rule existed), or None while it runs."""
    if not snapshot.terminal:
        return None
    if snapshot.state == COMPLETED:
        return _completed(task_type, task_id, attributes)
    reason = kind(task_type).label  # the outcome's finer reason needs the watcher's evidence; the state is sure
    return failure(task_id, f"{snapshot.state} ({reason} {snapshot.service_state})", snapshot.status_message)


def at_deadline(task_type: str, task_id: str, snapshot: Any, timeout_seconds: Any, attributes: Any) -> Signal:
    """The deadline fired: a task still running fails the deployment with its state; one that ended is signalled
    as its end would have been (a second signal for the same end is harmless)."""
    ended = from_snapshot(task_type, task_id, snapshot, attributes)
    if ended is not None:
        return ended
    progress = snapshot.progress.percent if snapshot.progress and snapshot.progress.percent is not None else None
    where = ", ".join(p for p in (f"service state {snapshot.service_state}",
                                  f"{progress:g}%" if progress is not None else None) if p)
    return failure(task_id, f"still {snapshot.state} near the resource's {timeout_seconds} s timeout ({where})",
                   snapshot.status_message)


def _completed(task_type: str, task_id: str, attributes: Any) -> Signal:
    try:
        return success(task_id, attributes(task_type, task_id))
    except Exception as error:  # noqa: BLE001 - no attributes, no success: a failure never looks like one
        return failure(task_id, "COMPLETED but its attributes could not be read", f"{type(error).__name__}: {error}")


def success(task_id: str, fields: list[str]) -> Signal:
    return Signal("SUCCESS", f"{task_id} completed", task_id, SIGNAL_FIELD_SEPARATOR.join([task_id, *fields]))


def failure(task_id: str, what: str, message: Any) -> Signal:
    reason = f"{task_id} {what}" + (f": {message}" if message else "")
    return Signal("FAILURE", clip(reason, MAX_REASON), task_id, task_id)


def send(url: str, signal: Signal) -> int:
    return put_json(url, signal.body())
