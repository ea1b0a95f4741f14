"""Read the conversion task out of an "AWS API Call via CloudTrail" event.

The CloudTrail record sits in the event's ``detail``. Where a call's task id sits
in it is documented for no VM Import/Export call: CloudTrail writes the query API's
lowerCamel element names (``conversionTask.conversionTaskId``), JSON-protocol
services in lower camel case (License Manager's user guide shows
``licenseConversionTaskId``), newer EC2 calls wrapped as ``{"<Operation>Response":
{...}}``, and a member without a wire name may keep its UpperCamel name. So the id
is found by what it is, not where it sits: each kind's known path
(``conversion_watch.kinds``) is read first, then every string of the section
(``responseElements`` for a start, ``requestParameters`` for a cancel) that has
the id pattern of a kind the call can name -- any key, any casing, wrapped or not,
walked no deeper than ``MAX_DEPTH`` and no further than ``MAX_NODES`` values.
docs/task-kinds.md says which paths are documented and which inferred.

Anything else is rejected with a reason, never a crash: CloudTrail omits
``responseElements`` for failed calls and may omit it for large responses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from conversion_watch.contract import RESERVED_SOURCE_PREFIX
from conversion_watch.kinds import TASK_KINDS, ApiCall, TaskKind, cancel_calls, start_calls
from conversion_watch.starter import TaskRef
from conversion_watch.wording import a_task_id

API_CALL_DETAIL_TYPE = "AWS API Call via CloudTrail"
# Event name -> (kind, call), from the registry of kinds.
WATCHED_CALLS = start_calls()
# Event name -> call, of the calls that cancel a task (CancelConversionTask, ...).
CANCEL_CALLS = cancel_calls()
# The search for an id anywhere in a section is bounded: a record nests a few levels, and a
# 256 KB event holds a few thousand values at most.
MAX_DEPTH = 8
MAX_NODES = 2000
MAX_ID_CHARS = 64  # longer strings are no task id of any kind (License Manager's: 50)


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
    value = _find_id(detail, call, (task_kind,), call.event_name)
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
    kinds = [k for k in TASK_KINDS.values() if call in k.cancel_calls]
    value = _find_id(detail, call, kinds, call.event_name)
    task_kind = next(k for k in kinds if k.matches(value))
    event_id = detail.get("eventID")
    return CancelRef(task_kind.task_type, value, call.event_name, event_id if isinstance(event_id, str) else None)


def _find_id(detail: dict[str, Any], call: ApiCall, kinds: Iterable[TaskKind], event_name: str) -> str:
    """The one task id of ``kinds`` in ``detail.<call.section>``: at the known path, else anywhere."""
    kinds = tuple(kinds)
    section = detail.get(call.section)
    where = f"{call.section}." + ".".join(call.id_path)
    known = _at(section, call.id_path)
    if isinstance(known, str) and any(k.matches(known) for k in kinds):
        return known
    found = sorted(set(task_ids_in(section, kinds)))
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        shown = ", ".join(found[:3])
        raise RejectedEvent("AmbiguousTaskId", f"{event_name} record names {len(found)} task ids ({shown}...)")
    if isinstance(known, str) and known:
        expected = " or ".join(a_task_id(k.task_type) for k in kinds)
        raise RejectedEvent("MalformedTaskId", f"{where} is {known[:80]!r}, not {expected}")
    raise RejectedEvent("MissingTaskId", f"{event_name} record has no {where} and no task id anywhere in "
                                         f"{call.section}")


def task_ids_in(section: Any, kinds: Iterable[TaskKind]) -> list[str]:
    """Every string in ``section`` (any key, any depth up to ``MAX_DEPTH``, at most ``MAX_NODES``
    values looked at) that has the id pattern of one of ``kinds``."""
    kinds = tuple(kinds)
    found: list[str] = []
    stack: list[tuple[Any, int]] = [(section, 0)]
    seen = 0
    while stack and seen < MAX_NODES:
        value, depth = stack.pop()
        seen += 1
        if isinstance(value, str):
            if len(value) <= MAX_ID_CHARS and any(k.matches(value) for k in kinds):
                found.append(value)
        elif depth < MAX_DEPTH and isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values())
        elif depth < MAX_DEPTH and isinstance(value, list):
            stack.extend((child, depth + 1) for child in value)
    return found


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
