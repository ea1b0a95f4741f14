"""The deployable stack: thin, it reads context and composes constructs."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_logs as logs
from constructs import Construct

from stacks.watcher import ConversionWatcher


class ConversionWatchStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        context = self.node.try_get_context
        self.watcher = ConversionWatcher(
            self,
            "Watcher",
            event_source=context("conversionWatch:eventSource") or "conversion-watch",
            min_poll_interval=Duration.seconds(int(context("conversionWatch:minPollSeconds") or 30)),
            max_poll_interval=Duration.seconds(int(context("conversionWatch:maxPollSeconds") or 300)),
            max_watch_time=Duration.days(int(context("conversionWatch:maxWatchDays") or 30)),
            log_retention=logs.RetentionDays[context("conversionWatch:logRetention") or "ONE_MONTH"],
            powertools_layer_arn=context("conversionWatch:powertoolsLayerArn"),
        )
        CfnOutput(self, "StateMachineArn", value=self.watcher.state_machine.state_machine_arn,
                  description="Start a watch here: input {taskType, taskId}, name watch-<taskId>")
        CfnOutput(self, "EventBusName", value=self.watcher.event_bus.event_bus_name,
                  description="Subscribe to Conversion Watch events with rules on this bus")
        CfnOutput(self, "EventSource", value=self.watcher.event_source,
                  description="The source field of every Conversion Watch event")
