"""The EventBridge pattern for "a conversion task was created", derived from
the Lambda code's table of watched calls so the two cannot drift apart."""

from __future__ import annotations

from aws_cdk import aws_events as events

# isort: off
from stacks.watcher.contract import LAMBDA_SRC  # noqa: F401 (puts lambda_src on sys.path first)
from conversion_watch.cloudtrail import API_CALL_DETAIL_TYPE, EVENT_SOURCES, WATCHED_CALLS
# isort: on


def api_call_pattern() -> events.EventPattern:
    event_sources = sorted({call.event_source for call in WATCHED_CALLS.values()})
    return events.EventPattern(
        source=[EVENT_SOURCES[s] for s in event_sources],
        detail_type=[API_CALL_DETAIL_TYPE],
        detail={
            "eventSource": event_sources,
            "eventName": sorted(WATCHED_CALLS),
            # Successful calls only: a failed call created no task.
            "errorCode": [{"exists": False}],
        },
    )
