"""The deployable stack: thin, it composes constructs from its settings
(``StackSettings``: the ``conversionWatch:*`` context, read and checked once)."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_sns as sns
from constructs import Construct

from conversion_watch_cdk.autostart import WatchAutoStart
from conversion_watch_cdk.event_contract import EventContract
from conversion_watch_cdk.notifications import WatchNotifications
from conversion_watch_cdk.operations import WatchOperations
from conversion_watch_cdk.settings import StackSettings
from conversion_watch_cdk.watcher import ConversionWatcher


class ConversionWatchStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.settings = settings = StackSettings.from_context(self.node)
        self.watcher = ConversionWatcher(
            self,
            "Watcher",
            event_source=settings.event_source,
            min_poll_interval=Duration.seconds(settings.min_poll_seconds),
            max_poll_interval=Duration.seconds(settings.max_poll_seconds),
            max_watch_time=Duration.days(settings.max_watch_days),
            log_retention=settings.log_retention,
            powertools_layer_arn=settings.powertools_layer_arn,
            cancel_evidence_grace=Duration.seconds(settings.cancel_evidence_grace_seconds),
            cancel_lookup=settings.cancel_lookup,
        )
        # Every conversion task gets a watch: CloudTrail-driven start + sweeper.
        self.autostart = WatchAutoStart(
            self,
            "AutoStart",
            state_machine=self.watcher.state_machine,
            powertools_layer=self.watcher.functions.powertools_layer,
            architecture=self.watcher.functions.validate.architecture,
            start_on_api_calls=settings.start_on_api_calls,
            sweep_interval=Duration.minutes(settings.sweep_minutes) if settings.sweep_minutes else None,
            log_retention=settings.log_retention,
            watch_table=self.watcher.table,
        )
        # Subscribers: schemas + archive. Operators: optional notifications, alarms, dashboard.
        self.event_contract = EventContract(
            self,
            "EventContract",
            event_bus=self.watcher.event_bus,
            event_source=self.watcher.event_source,
            registry_name=settings.schema_registry_name,
            archive_retention=Duration.days(settings.archive_retention_days),
        )
        self.notifications = None
        if settings.notifications_wanted:
            topic_arn = settings.notification_topic_arn
            self.notifications = WatchNotifications(
                self,
                "Notifications",
                event_bus=self.watcher.event_bus,
                event_source=self.watcher.event_source,
                email_addresses=list(settings.notification_emails),
                topic=sns.Topic.from_topic_arn(self, "NotificationTopic", topic_arn) if topic_arn else None,
            )
            CfnOutput(self, "NotificationTopicArn", value=self.notifications.topic.topic_arn,
                      description="Terminal outcomes, watcher errors and alarms are sent here")
        if self.notifications and self.autostart.failed_starts_alarm:
            self.autostart.failed_starts_alarm.add_alarm_action(cloudwatch_actions.SnsAction(self.notifications.topic))
        self.operations = WatchOperations(
            self,
            "Operations",
            watcher=self.watcher,
            alarm_topic=self.notifications.topic if self.notifications else None,
            dashboard_name=settings.dashboard_name,
        )
        CfnOutput(self, "SchemaRegistryName", value=self.event_contract.registry.attr_registry_name,
                  description="EventBridge Schema Registry with one schema per detail-type")
        CfnOutput(self, "EventArchiveArn", value=self.event_contract.archive.archive_arn,
                  description="Replay missed events from here: aws events start-replay --event-source-arn")
        CfnOutput(self, "DashboardName", value=self.operations.dashboard.dashboard_name,
                  description="CloudWatch dashboard of the watcher")
        CfnOutput(self, "StateMachineArn", value=self.watcher.state_machine.state_machine_arn,
                  description="Start a watch here: input {taskType, taskId}, name watch-<taskId>")
        CfnOutput(self, "EventBusName", value=self.watcher.event_bus.event_bus_name,
                  description="Subscribe to Conversion Watch events with rules on this bus")
        CfnOutput(self, "EventSource", value=self.watcher.event_source,
                  description="The source field of every Conversion Watch event")
