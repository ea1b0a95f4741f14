"""The EventBridge pattern for "a conversion task was created" (and, when the
watch table is there, "a conversion task was cancelled on request"), derived
from the registry of kinds so the rule and the Lambda code cannot drift apart."""

from __future__ import annotations

from typing import Any

from aws_cdk import aws_events as events

from conversion_watch.cloudtrail import API_CALL_DETAIL_TYPE, CANCEL_CALLS, WATCHED_CALLS, event_bridge_source


def api_call_pattern(*, include_cancels: bool = False) -> events.EventPattern:
    calls = [call for _, call in WATCHED_CALLS.values()] + (list(CANCEL_CALLS.values()) if include_cancels else [])
    event_sources = sorted({call.event_source for call in calls})
    detail: dict[str, Any] = {
        "eventSource": event_sources,
        # Successful calls only: a failed call created (or cancelled) no task.
        "errorCode": [{"exists": False}],
    }
    if include_cancels:
        detail["$or"] = [{"eventName": sorted(WATCHED_CALLS)}, *cancel_branches()]
    else:
        detail["eventName"] = sorted(WATCHED_CALLS)
    return events.EventPattern(
        source=[event_bridge_source(s) for s in event_sources], detail_type=[API_CALL_DETAIL_TYPE], detail=detail
    )


def cancel_branches() -> list[dict[str, Any]]:
    """One ``$or`` branch per place a cancel call names its task: the call's name and that
    request parameter present (``requestParameters.conversionTaskId`` for CancelConversionTask)."""
    by_path: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for name, call in CANCEL_CALLS.items():
        by_path.setdefault((call.section, call.id_path), []).append(name)
    branches = []
    for (section, path), names in sorted(by_path.items()):
        present: Any = [{"exists": True}]
        for key in reversed(path):
            present = {key: present}
        branches.append({"eventName": sorted(names), section: present})
    return branches
