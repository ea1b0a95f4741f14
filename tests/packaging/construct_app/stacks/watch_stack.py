from aws_cdk import Stack
from aws_cdk import aws_events as events
from constructs import Construct

from conversion_watch_cdk import ConversionWatcher


class WatchStack(Stack):
    """A stack of another app: its own bus, the watcher publishing to it."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        bus = events.EventBus(self, "OpsEvents")
        ConversionWatcher(self, "Watcher", event_bus=bus, event_source="acme.conversions")
