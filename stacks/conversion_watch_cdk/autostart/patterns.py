"""The EventBridge pattern for "a conversion task was created", derived from
the Lambda code's table of watched calls so the two cannot drift apart."""

from __future__ import annotations

from aws_cdk import aws_events as events

from conversion_watch.cloudtrail import API_CALL_DETAIL_TYPE, WATCHED_CALLS, event_bridge_source


def api_call_pattern() -> events.EventPattern:
    event_sources = sorted({call.event_source for _, call in WATCHED_CALLS.values()})
    return events.EventPattern(
        source=[event_bridge_source(s) for s in event_sources],
        detail_type=[API_CALL_DETAIL_TYPE],
        detail={
            "eventSource": event_sources,
            "eventName": sorted(WATCHED_CALLS),
            # Successful calls only: a failed call created no task.
            "errorCode": [{"exists": False}],
        },
    )
