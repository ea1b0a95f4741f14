"""The scenario's ``apiCalls``: API calls CloudTrail records during a run.

    "apiCalls": [{"at": 60, "eventName": "ImportImage", "taskId": "import-ami-..."},
                 {"at": 900, "eventName": "CancelImportTask", "taskId": "import-ami-...",
                  "trail": false, "historyDelay": 600},
                 {"at": 1200, "detail": {...a raw CloudTrail record...}}]

* ``eventName`` / ``taskId``: a call that starts a task (``ImportImage``, ...) or cancels one
  (``CancelImportTask``, ``CancelExportTask``, ``CancelConversionTask``); its record is built
  from the kinds' table (``localrun.autostart.api_call_event``).
* ``detail``: the raw CloudTrail record to deliver instead, in any shape (``eventName`` and
  ``taskId`` are then optional), so a record as CloudTrail may really write it can be played.
* ``trail`` (default ``true``): the account has a trail, so EventBridge gets a copy of the call
  and the auto-start rule sees it at ``at``; ``false``: no copy, the call is only in event history.
* ``historyDelay`` (seconds, default 300: CloudTrail "typically delivers logs within an average
  of about 5 minutes of an API call"): when ``LookupEvents`` starts returning the call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from localrun.services.event_history import DEFAULT_HISTORY_DELAY_SECONDS

KEYS = {"at", "eventName", "taskId", "detail", "trail", "historyDelay"}


class ApiCallError(ValueError):
    """An ``apiCalls`` entry the run cannot play."""


@dataclass(frozen=True)
class ApiCallAt:
    at: float
    event_name: str
    task_id: str | None = None
    detail: dict[str, Any] | None = None  # the raw record, when the scenario gives one
    trail: bool = True
    history_delay: float = DEFAULT_HISTORY_DELAY_SECONDS


def parse_api_calls(raw: Any) -> tuple[ApiCallAt, ...]:
    from conversion_watch.kinds import cancel_calls, start_calls

    names = sorted({*start_calls(), *cancel_calls()})
    if not isinstance(raw, list):
        raise ApiCallError("'apiCalls' must be a list")
    parsed = []
    for index, call in enumerate(raw):
        where = f"apiCalls[{index}]"
        usage = (f"{where} must be {{'at': seconds, 'eventName': one of {names}, 'taskId': string}} or "
                 "{'at': seconds, 'detail': a CloudTrail record}, with optional 'trail' (bool) and 'historyDelay' "
                 "(seconds)")
        if not isinstance(call, dict) or set(call) - KEYS or not _seconds(call.get("at")):
            raise ApiCallError(usage)
        detail = call.get("detail")
        if detail is not None and (not isinstance(detail, dict) or not isinstance(detail.get("eventName"), str)):
            raise ApiCallError(f"{where}.detail must be a CloudTrail record (an object with its eventName)")
        event_name = call.get("eventName", detail.get("eventName") if detail else None)
        task_id = call.get("taskId")
        if detail is None and (event_name not in names or not isinstance(task_id, str)):
            raise ApiCallError(usage)
        if detail is not None and event_name != detail["eventName"]:
            raise ApiCallError(f"{where}: eventName {event_name!r} is not the detail's {detail['eventName']!r}")
        trail = call.get("trail", True)
        delay = call.get("historyDelay", DEFAULT_HISTORY_DELAY_SECONDS)
        if not isinstance(trail, bool) or not _seconds(delay):
            raise ApiCallError(f"{where}: 'trail' must be true or false and 'historyDelay' seconds >= 0")
        parsed.append(ApiCallAt(float(call["at"]), str(event_name), task_id, detail, trail, float(delay)))
    return tuple(sorted(parsed, key=lambda c: c.at))


def _seconds(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
