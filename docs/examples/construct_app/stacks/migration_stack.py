from aws_cdk import Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from conversion_watch_cdk import ConversionWatcher


class MigrationStack(Stack):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        bus = events.EventBus(self, "MigrationEvents")
        watcher = ConversionWatcher(self, "Watcher", event_bus=bus, max_watch_time=Duration.days(7))
        # Every terminal outcome of every watched task, into a queue of this app.
        events.Rule(self, "TaskEnded", event_bus=bus, targets=[targets.SqsQueue(sqs.Queue(self, "Outcomes"))],
                    event_pattern=events.EventPattern(source=[watcher.event_source], detail={"terminal": [True]}))
