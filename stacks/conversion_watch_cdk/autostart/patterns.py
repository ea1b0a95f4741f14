"""The EventBridge pattern for "a conversion task was created" (and, when the
watch table is there, "a conversion task was cancelled on request"), derived
from the registry of kinds so the rule and the Lambda code cannot drift apart."""

from __future__ import annotations

from typing import Any

from aws_cdk import aws_events as events

from conversion_watch.cloudtrail import API_CALL_DETAIL_TYPE, CANCEL_CALLS, WATCHED_CALLS, event_bridge_source


def api_call_pattern(*, include_cancels: bool = False) -> events.EventPattern:
    """Matched on the call's source and name only: where a record holds the task id is known for
    no VM Import/Export call (docs/task-kinds.md), so no field of it may decide the match. The
    starter finds the id by its pattern and rejects, counted, a record that names none."""
    calls = [call for _, call in WATCHED_CALLS.values()] + (list(CANCEL_CALLS.values()) if include_cancels else [])
    event_sources = sorted({call.event_source for call in calls})
    detail: dict[str, Any] = {
        "eventSource": event_sources,
        "eventName": sorted({call.event_name for call in calls}),
        # Successful calls only: a failed call created (or cancelled) no task.
        "errorCode": [{"exists": False}],
    }
    return events.EventPattern(
        source=[event_bridge_source(s) for s in event_sources], detail_type=[API_CALL_DETAIL_TYPE], detail=detail
    )
