"""``WatchNotifications``: terminal outcomes and watcher errors, by e-mail
(or to any SNS topic), readable in an inbox."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Acknowledgment, Annotations, Stack, Validations
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from conversion_watch.contract import STATE_CHANGE, WATCH_ERROR
from conversion_watch_cdk.notifications.messages import (
    OUTCOME_VERBS,
    STATE_CHANGE_PATHS,
    TASK_LABELS,
    WATCH_ERROR_PATHS,
    WATCH_ERROR_TEMPLATE,
    PlainTextMessage,
    outcome_template,
)


class WatchNotifications(Construct):
    """Sends every terminal ``Conversion Task State Change`` and every
    ``Conversion Task Watch Error`` to an SNS topic, one rule per task type and
    outcome so that the message reads "VM import import-i-… completed after 3 h 12 min".

    :param event_bus: the bus the watcher publishes to.
    :param event_source: the events' ``source``.
    :param email_addresses: subscribed to the topic (each confirms by e-mail). Default: none.
    :param topic: an existing topic (same account) to publish to instead of a
        new one; its policies (and key policy, if encrypted) must let the
        rules' publisher role and ``cloudwatch.amazonaws.com`` publish. Default: a new topic,
        encrypted with a new customer managed KMS key, SSL-only.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        event_bus: events.IEventBus,
        event_source: str,
        email_addresses: Sequence[str] = (),
        topic: sns.ITopic | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        if topic is None and not email_addresses:
            raise ValueError("WatchNotifications needs email_addresses or an existing topic")
        bad = [address for address in email_addresses if "@" not in address.strip()]
        if bad:
            raise ValueError(f"not e-mail addresses: {bad}")
        self.imported_topic = topic is not None
        self.topic = topic or self._encrypted_topic()
        for address in email_addresses:
            self.topic.add_subscription(subscriptions.EmailSubscription(address.strip()))

        # One role every rule publishes with.
        self.publisher = iam.Role(
            self,
            "PublisherRole",
            assumed_by=iam.ServicePrincipal("events.amazonaws.com"),
            description="Conversion Watch: EventBridge rules publish notifications with this role",
        )
        if not self.imported_topic:
            Validations.of(self.publisher).acknowledge(
                Acknowledgment(
                    id="AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]",
                    reason=(
                        "CDK's publish grant for a KMS-encrypted topic: GenerateDataKey and its "
                        "WithoutPlaintext variant, on this topic's own key only."
                    ),
                )
            )
        self.rules: list[events.Rule] = []
        for task_type, label in TASK_LABELS.items():
            for state in OUTCOME_VERBS:
                self._rule(
                    f"{label.title().replace(' ', '')}{state.title()}Rule",
                    description=f"Conversion Watch: {label} tasks that end {state} -> notification topic",
                    pattern=events.EventPattern(
                        source=[event_source],
                        detail_type=[STATE_CHANGE],
                        detail={"taskType": [task_type], "state": [state], "terminal": [True]},
                    ),
                    message=PlainTextMessage(outcome_template(task_type, state), STATE_CHANGE_PATHS),
                    event_bus=event_bus,
                )
        self._rule(
            "WatchErrorRule",
            description="Conversion Watch: watcher errors -> notification topic",
            pattern=events.EventPattern(source=[event_source], detail_type=[WATCH_ERROR]),
            message=PlainTextMessage(WATCH_ERROR_TEMPLATE, WATCH_ERROR_PATHS),
            event_bus=event_bus,
        )

    def _rule(
        self,
        construct_id: str,
        *,
        description: str,
        pattern: events.EventPattern,
        message: events.RuleTargetInput,
        event_bus: events.IEventBus,
    ) -> None:
        rule = events.Rule(self, construct_id, event_bus=event_bus, event_pattern=pattern, description=description)
        # Publish through an IAM role of this account, not a topic-policy grant to
        # events.amazonaws.com (which any account's rule could use).
        rule.add_target(targets.SnsTopic(self.topic, message=message, role=self.publisher))
        if self.imported_topic:
            Annotations.of(rule).acknowledge_warning(
                "@aws-cdk/aws-events:ruleUnresolvedEnvironment",
                "The stack is environment-agnostic; the given topic ARN names its own account and region.",
            )
        self.rules.append(rule)

    def _encrypted_topic(self) -> sns.Topic:
        self.key = kms.Key(
            self,
            "TopicKey",
            description="Conversion Watch notification topic encryption",
            enable_key_rotation=True,
        )
        topic = sns.Topic(
            self,
            "Topic",
            display_name="Conversion Watch",
            master_key=self.key,
            enforce_ssl=True,
        )
        # The rules publish through their own role; alarms publish as CloudWatch.
        cloudwatch = iam.ServicePrincipal("cloudwatch.amazonaws.com")
        same_account = {"StringEquals": {"aws:SourceAccount": Stack.of(self).account}}
        # The key statement AWS documents for CloudWatch alarms on encrypted topics:
        # KMS is called by SNS on CloudWatch's behalf, without the source-account key.
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                principals=[cloudwatch],
                resources=["*"],
            )
        )
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                actions=["sns:Publish"], principals=[cloudwatch], resources=[topic.topic_arn], conditions=same_account
            )
        )
        return topic
