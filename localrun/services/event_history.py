"""CloudTrail's event history in the service double: ``LookupEvents`` over the API calls a run
recorded (``EventHistory.record``), each visible only ``delay`` seconds after it was made.

What the double holds to, from CloudTrail's API reference
(https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html):
"management events ... that occurred in a Region within the last 90 days"; "Currently the list
can contain only one item" (``LookupAttributes``); ``MaxResults`` "Possible values are 1 through
50. The default is 50"; events come newest first (inferred: the console and the CLI list them so);
a ``NextToken`` must come back "with the same parameters". Each event carries the record as the
JSON string ``CloudTrailEvent``. Errors are the ones the operation's model lists. The request
quota ("two per second, per account, per Region") is not simulated.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from localrun.services.faults import ServiceFault
from localrun.services.pages import next_token, token_offset

OPERATION = "LookupEvents"
TARGET_PREFIX = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."
MAX_RESULTS = 50
HISTORY_DAYS = 90
# Seconds from a call to its appearance in event history when the scenario does not say
# (apiCalls[].historyDelay): CloudTrail "typically delivers logs within an average of about
# 5 minutes of an API call. This time is not guaranteed."
DEFAULT_HISTORY_DELAY_SECONDS = 300.0
# The attributes a record is matched on, by lookup attribute key.
_FIELDS = {"EventId": "eventID", "EventName": "eventName", "EventSource": "eventSource", "ReadOnly": "readOnly"}


@dataclass(frozen=True)
class Recorded:
    made_at: float  # seconds since the run's epoch
    visible_at: float
    detail: dict[str, Any]  # the CloudTrail record


class EventHistory:
    """Thread-safe: deliveries record from the engine's thread, polls look up from executions'."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[Recorded] = []

    def record(self, detail: dict[str, Any], *, at: float, delay: float = DEFAULT_HISTORY_DELAY_SECONDS) -> None:
        record = {"eventID": str(uuid.uuid4()), "eventType": "AwsApiCall", "managementEvent": True, **detail}
        with self._lock:
            self._records.append(Recorded(at, at + max(0.0, delay), record))

    @property
    def records(self) -> list[Recorded]:
        with self._lock:
            return list(self._records)

    def lookup_events(self, request: dict[str, Any], *, seconds: float, epoch: datetime) -> dict[str, Any]:
        attribute = _attribute(request.get("LookupAttributes"))
        size = request.get("MaxResults", MAX_RESULTS)
        if not isinstance(size, int) or not 1 <= size <= MAX_RESULTS:
            raise ServiceFault("InvalidMaxResultsException", f"MaxResults must be 1 through {MAX_RESULTS}", 400)
        now = epoch + timedelta(seconds=seconds)
        start = _time(request.get("StartTime"), default=now - timedelta(days=HISTORY_DAYS))
        end = _time(request.get("EndTime"), default=now)
        if start > end:
            raise ServiceFault("InvalidTimeRangeException", "StartTime is after EndTime", 400)
        oldest = now - timedelta(days=HISTORY_DAYS)
        found = [r for r in self.records if r.visible_at <= seconds
                 and max(start, oldest) <= epoch + timedelta(seconds=r.made_at) <= end
                 and (attribute is None or str(r.detail.get(_FIELDS[attribute[0]])) == attribute[1])]
        found.sort(key=lambda r: r.made_at, reverse=True)
        offset = token_offset(request.get("NextToken"),
                              invalid=ServiceFault("InvalidNextTokenException", "The NextToken is not valid.", 400))
        result: dict[str, Any] = {"Events": [_event(r, epoch) for r in found[offset: offset + size]]}
        if offset + size < len(found):
            result["NextToken"] = next_token(offset + size)
        return result


def _attribute(raw: Any) -> tuple[str, str] | None:
    if raw is None or raw == []:
        return None
    if not isinstance(raw, list) or len(raw) != 1 or not isinstance(raw[0], dict):
        raise ServiceFault("InvalidLookupAttributesException", "LookupAttributes can contain only one item", 400)
    key, value = raw[0].get("AttributeKey"), raw[0].get("AttributeValue")
    if key not in _FIELDS or not isinstance(value, str):
        raise ServiceFault("InvalidLookupAttributesException",
                           f"the double looks up only by {sorted(_FIELDS)}, got {key!r}", 400)
    return key, value


def _time(raw: Any, *, default: datetime) -> datetime:
    if raw is None:
        return default
    if isinstance(raw, int | float):
        return datetime.fromtimestamp(raw, tz=UTC)
    raise ServiceFault("InvalidTimeRangeException", f"not a timestamp: {raw!r}", 400)




def _event(recorded: Recorded, epoch: datetime) -> dict[str, Any]:
    detail = recorded.detail
    event: dict[str, Any] = {
        "EventId": str(detail.get("eventID")),
        "EventName": str(detail.get("eventName")),
        "ReadOnly": str(bool(detail.get("readOnly", False))).lower(),
        "EventTime": epoch + timedelta(seconds=recorded.made_at),
        "EventSource": str(detail.get("eventSource")),
        "Resources": [],
        "CloudTrailEvent": json.dumps(detail),
    }
    return event


def _installed_double() -> Any:
    from localrun.moto_patches import targets

    process_request = getattr(targets.botocore_stubber(), "process_request", None)
    return getattr(process_request, "__conversion_task_double__", None)


def installed_history() -> EventHistory | None:
    """The event history of the service double installed now (``ConversionTaskDouble.install``), if any."""
    history = getattr(_installed_double(), "history", None)
    return history if isinstance(history, EventHistory) else None


def installed_double_seconds() -> float:
    """Seconds since the run's epoch on the installed double's clock (0 without one)."""
    double = _installed_double()
    return float(double.seconds_since_epoch()) if double is not None else 0.0
