"""``ConversionWatcher``: state machine + Lambda steps + event bus wiring."""

from __future__ import annotations

from aws_cdk import (
    Acknowledgment,
    ArnFormat,
    Aws,
    CfnResource,
    Duration,
    Fn,
    Names,
    RemovalPolicy,
    Stack,
    Validations,
)
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from conversion_watch import contract as c
from conversion_watch_cdk.task_permissions import grant_cancel_lookup
from conversion_watch_cdk.watcher.definition import RetryPolicy, build_definition
from conversion_watch_cdk.watcher.functions import WatcherFunctions
from conversion_watch_cdk.watcher.table import SNAPSHOT_PREFIX, TASK_PREFIX, allow_writer, grant_items, watch_table

MAX_WATCH_LIMIT = Duration.days(c.MAX_WATCH_DAYS)


class ConversionWatcher(Construct):
    """Watches one EC2 VM Import/Export or License Manager conversion task per
    execution and publishes ``Conversion Task State Change`` / ``Conversion Task
    Watch Error`` events.

    Start an execution with ``{"taskType": <a task type of conversion_watch.kinds,
    e.g. "ec2-import-image">, "taskId": "..."}`` (optional ``maxWatchSeconds``), named ``watch-<taskId>``
    so that a second start of the same watch is refused.

    :param event_bus: bus the events go to. Default: a new bus.
    :param event_source: the events' ``source``. Default: ``conversion-watch``.
    :param min_poll_interval: shortest wait between polls. Default: 30 seconds.
    :param max_poll_interval: longest wait between polls. Default: 5 minutes.
    :param max_watch_time: give up (``WatchTimedOut``) after this long; an
        execution's input may ask for less or more, up to one year. Default: 30 days.
    :param polls_per_execution: polls before the watch hands over to a fresh
        execution, keeping each history far below 25,000 events. Default: 500.
    :param snapshot_max_age: how old a shared snapshot of a kind's tasks a poll may
        use. One paginated list call per kind and half this interval feeds every
        watch, so the account's describe rate does not grow with the number of
        watches; a change is seen at most this much later. ``Duration.seconds(0)``
        describes every task on every poll. Default: 30 seconds (at most 15 minutes).
    :param log_retention: retention of the state machine's and functions' logs.
        Default: one month.
    :param powertools_layer_arn: a Powertools layer version ARN. Default: the
        public layer of exactly the Powertools version the tests install
        (``conversion_watch.contract.POWERTOOLS_VERSION``), resolved at deploy
        time from that version's SSM parameter.
    :param restrict_event_source: add a bus resource policy that denies
        ``events:PutEvents`` of entries with ``event_source`` to every principal
        but this state machine's role, so nobody else can speak for the watcher.
        Turn it off for a bus you bring whose policy you manage. Default: True.
    :param restrict_table_writes: give the watch table a resource policy that denies
        data-plane writes (PutItem, UpdateItem, DeleteItem, BatchWriteItem, PartiQL
        writes) to every principal but the watcher's own roles, so nothing else can
        write a registry item the watcher would act on. Turn it off to manage the
        table's resource policy yourself. Default: True.
    :param cancel_evidence_grace: how long a task that ended cancelled, with no evidence of
        why, waits for its cancel call's CloudTrail record before its end is published with
        ``outcomeReason: unknown`` (the end's event comes that much later). ``Duration.seconds(0)``
        publishes at once. Default: 15 minutes (at most 1 hour); see docs/task-kinds.md.
    :param cancel_lookup: look cancel calls up in CloudTrail's event history (``LookupEvents``,
        no trail needed; about one call a minute per such end, during the grace). Default: True.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        event_bus: events.IEventBus | None = None,
        event_source: str = c.DEFAULT_EVENT_SOURCE,
        min_poll_interval: Duration | None = None,
        max_poll_interval: Duration | None = None,
        max_watch_time: Duration | None = None,
        polls_per_execution: int = c.DEFAULT_POLLS_PER_EXECUTION,
        snapshot_max_age: Duration | None = None,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
        powertools_layer_arn: str | None = None,
        restrict_event_source: bool = True,
        restrict_table_writes: bool = True,
        cancel_evidence_grace: Duration | None = None,
        cancel_lookup: bool = c.DEFAULT_CANCEL_LOOKUP,
    ) -> None:
        super().__init__(scope, construct_id)
        grace = cancel_evidence_grace or Duration.seconds(c.DEFAULT_CANCEL_EVIDENCE_GRACE_SECONDS)
        if not 0 <= grace.to_seconds() <= c.MAX_CANCEL_EVIDENCE_GRACE_SECONDS:
            raise ValueError(f"cancel_evidence_grace must be between 0 and {c.MAX_CANCEL_EVIDENCE_GRACE_SECONDS} "
                             "seconds")
        min_poll_interval = min_poll_interval or Duration.seconds(c.DEFAULT_MIN_POLL_SECONDS)
        max_poll_interval = max_poll_interval or Duration.seconds(c.DEFAULT_MAX_POLL_SECONDS)
        max_watch_time = max_watch_time or Duration.days(c.DEFAULT_MAX_WATCH_DAYS)
        if snapshot_max_age is None:
            snapshot_max_age = Duration.seconds(c.DEFAULT_SNAPSHOT_MAX_AGE_SECONDS)
        _check_props(
            event_source=event_source,
            min_poll_interval=min_poll_interval,
            max_poll_interval=max_poll_interval,
            max_watch_time=max_watch_time,
            polls_per_execution=polls_per_execution,
            snapshot_max_age=snapshot_max_age,
        )
        self.event_bus = event_bus or events.EventBus(self, "EventBus", description="Conversion Watch events")
        self.event_source = event_source
        self.table = watch_table(self, restrict_writes=restrict_table_writes)

        self.functions = WatcherFunctions(
            self,
            "Functions",
            environment={
                c.ENV_MIN_POLL_SECONDS: str(int(min_poll_interval.to_seconds())),
                c.ENV_MAX_POLL_SECONDS: str(int(max_poll_interval.to_seconds())),
                c.ENV_DEFAULT_MAX_WATCH_SECONDS: str(int(max_watch_time.to_seconds())),
                c.ENV_POLLS_PER_EXECUTION: str(polls_per_execution),
                c.ENV_SNAPSHOT_MAX_AGE_SECONDS: str(int(snapshot_max_age.to_seconds())),
                c.ENV_WATCH_TABLE_NAME: self.table.table_name,
                c.ENV_CANCEL_EVIDENCE_GRACE_SECONDS: str(int(grace.to_seconds())),
                c.ENV_CANCEL_LOOKUP: str(cancel_lookup).lower(),
            },
            log_retention=log_retention,
            powertools_layer_arn=powertools_layer_arn,
        )

        # Each role reaches only the item families it needs (dynamodb:LeadingKeys). The poll step writes
        # the shared snapshot (its lease, and its parts in one BatchWriteItem: conversion_watch.task_snapshots)
        # and only reads a task's items (its cancel mark).
        grant_items(self.table, self.functions.poll,
                    ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"], families=[SNAPSHOT_PREFIX])
        grant_items(self.table, self.functions.poll, ["dynamodb:GetItem"], families=[TASK_PREFIX])
        if cancel_lookup:
            grant_cancel_lookup(self.functions.poll)
        # The validate step claims the task's watch in the registry (conditional writes).
        grant_items(self.table, self.functions.validate,
                    ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], families=[TASK_PREFIX])

        self.log_group = logs.LogGroup(
            self,
            "StateMachineLogs",
            log_group_name=vended_log_group_name(self),
            retention=log_retention,
            removal_policy=RemovalPolicy.DESTROY,
        )
        definition = build_definition(
            self,
            validate_function=self.functions.validate,
            poll_function=self.functions.poll,
            event_bus=self.event_bus,
            event_source=event_source,
            retry=RetryPolicy(),
            table=self.table,
        )
        machine_name = state_machine_name(self)
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            state_machine_name=machine_name,
            role=self._state_machine_role(machine_name),
            definition_body=sfn.DefinitionBody.from_chainable(definition),
            state_machine_type=sfn.StateMachineType.STANDARD,
            comment="Conversion Watch: follows one conversion task to its end and publishes EventBridge events.",
            tracing_enabled=True,
            logs=sfn.LogOptions(destination=self.log_group, level=sfn.LogLevel.ALL, include_execution_data=True),
        )
        # Continue-as-new starts this same state machine. A separate policy
        # (not the role's default one, which the state machine depends on)
        # avoids a dependency cycle.
        iam.Policy(
            self,
            "HandOverPolicy",
            roles=[self.state_machine.role],
            statements=[
                iam.PolicyStatement(
                    actions=["states:StartExecution"], resources=[self.state_machine.state_machine_arn]
                )
            ],
        )
        # The validate step (is the registered holder still running? is the next name's holder our
        # successor?) reads this state machine's executions; a separate policy for the same reason.
        registry_checks = iam.Policy(
            self,
            "RegistryChecksPolicy",
            roles=[self.functions.validate.role],  # type: ignore[list-item]
            statements=[
                iam.PolicyStatement(
                    actions=["states:DescribeExecution"], resources=[self.executions_arn()]
                )
            ],
        )
        machine_id = Stack.of(self).resolve(self.state_machine.node.default_child.logical_id)  # type: ignore[union-attr]
        Validations.of(registry_checks).acknowledge(
            Acknowledgment(
                id=f"AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:"
                   f"<AWS::AccountId>:execution:<{machine_id}.Name>:*]",
                reason="states:DescribeExecution on this state machine's own executions (registry holder checks).",
            )
        )
        # The state machine's own DynamoDB steps write the registry.
        allow_writer(self.table, self.state_machine.role)
        self.event_source_policy = self._restrict_event_source() if restrict_event_source else None
        self._acknowledge_unavoidable_wildcards()

    def _state_machine_role(self, machine_name: str) -> iam.Role:
        """Assumable by Step Functions for this state machine only (``aws:SourceArn`` names it,
        ``aws:SourceAccount`` this account: IAM's confused-deputy guidance), not for any state
        machine that may pass the role: the bus policy and the table policy exempt this role."""
        stack = Stack.of(self)
        arn = stack.format_arn(service="states", resource="stateMachine", resource_name=machine_name,
                               arn_format=ArnFormat.COLON_RESOURCE_NAME)
        return iam.Role(
            self,
            "StateMachineRole",
            assumed_by=iam.ServicePrincipal("states.amazonaws.com", conditions={
                "ArnEquals": {"aws:SourceArn": arn},
                "StringEquals": {"aws:SourceAccount": stack.account},
            }),
            description="Conversion Watch: the watcher's state machine (this one only)",
        )

    def _restrict_event_source(self) -> CfnResource:
        """Deny PutEvents of our ``source`` on the bus to all but the publisher (the state machine role).

        ``events:source`` holds one value per entry of the batch, so ``ForAnyValue``: a batch
        with any such entry is refused. Forwarded events (rule -> this bus) are not exempted:
        they would let anyone forward a forged event in through another bus.

        ``ArnNotEquals``, not ``ArnNotEqualsIfExists``: IAM evaluates a negated operator whose key
        is absent from the request as true, and an ``...IfExists`` operator whose key is absent as
        true too (IAM JSON policy reference, condition operators), so for a request without
        ``aws:PrincipalArn`` both forms deny alike. EventBridge's documentation does not say
        whether an archive replay is authorized against the bus policy, nor with which principal;
        replayed events of our source may therefore be refused (docs/reliability.md)."""
        statement = iam.PolicyStatement(
            sid="OnlyTheWatcherPublishesItsSource",
            effect=iam.Effect.DENY,
            principals=[iam.AnyPrincipal()],
            actions=["events:PutEvents"],
            resources=[self.event_bus.event_bus_arn],
            conditions={
                "ForAnyValue:StringEquals": {"events:source": [self.event_source]},
                "ArnNotEquals": {"aws:PrincipalArn": self.state_machine.role.role_arn},
            },
        )
        # The resource itself, not the L1 class: CfnEventBusPolicy reads its deprecated ``principal``
        # property on every synth (a warning), and the L2 EventBusPolicy cannot resolve AnyPrincipal
        # from Python (a circular grantPrincipal).
        return CfnResource(
            self,
            "EventSourcePolicy",
            type="AWS::Events::EventBusPolicy",
            properties={
                "EventBusName": self.event_bus.event_bus_name,
                "StatementId": "OnlyTheWatcherPublishesItsSource",
                "Statement": statement.to_json(),
            },
        )

    def executions_arn(self) -> str:
        """``arn:...:execution:<state machine name>:*``: every execution of this state machine."""
        stack = Stack.of(self)
        return stack.format_arn(
            service="states",
            resource="execution",
            resource_name=f"{self.state_machine.state_machine_name}:*",
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )

    def _acknowledge_unavoidable_wildcards(self) -> None:
        """Each acknowledgment names one finding on one resource, with its reason."""
        Validations.of(self.functions.validate.role).acknowledge(  # type: ignore[arg-type]
            Acknowledgment(
                id="AwsSolutions::AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.",
            )
        )
        state_machine_role = self.state_machine.role
        Validations.of(state_machine_role).acknowledge(
            Acknowledgment(
                id="AwsSolutions::AwsSolutions-IAM5[Resource::*]",
                reason=(
                    "CloudWatch Logs vended delivery (logs:CreateLogDelivery, ...) and X-Ray tracing actions "
                    "support no resource-level permissions."
                ),
            ),
            *[
                Acknowledgment(
                    id=f"AwsSolutions::AwsSolutions-IAM5[Resource::<{self._logical_id(function)}.Arn>:*]",
                    reason="lambda:InvokeFunction on this function's own versions and aliases only.",
                )
                for function in (self.functions.validate, self.functions.poll)
            ],
        )

    def _logical_id(self, function: lambda_.Function) -> str:
        return Stack.of(self).resolve(function.node.default_child.logical_id)  # type: ignore[union-attr]


VENDED_LOGS_PREFIX = "/aws/vendedlogs/states/"
MAX_STATE_MACHINE_NAME = 80
STACK_UUID_CHARS = 36


def state_machine_name(scope: Construct) -> str:
    """``<unique id of the construct>-<the stack's UUID>``: derived, never hand-written, at most 80
    characters, unique per stack and construct. Known before the state machine exists, so its
    role's trust policy can name it (a generated name is not)."""
    stack_uuid = Fn.select(2, Fn.split("/", Aws.STACK_ID))
    prefix = Names.unique_id(scope)[-(MAX_STATE_MACHINE_NAME - STACK_UUID_CHARS - 1):]
    return Fn.join("-", [prefix, stack_uuid])


def vended_log_group_name(scope: Construct) -> str:
    """``/aws/vendedlogs/states/<stack name>-<unique id of the construct>``: derived, never hand-written.

    Step Functions recommends the ``/aws/vendedlogs/`` prefix: CloudWatch Logs then
    does not grow its 5,120-character resource policy for each new log group, which
    fails deployments in accounts with many state machines
    (https://docs.aws.amazon.com/step-functions/latest/dg/bp-cwl.html). The stack
    name (unique per account and region) and the construct's unique id (unique in
    the app) make two watchers never share a group.
    """
    return Fn.join("", [VENDED_LOGS_PREFIX, Aws.STACK_NAME, "-", Names.unique_id(scope)])


def _check_props(
    *,
    event_source: str,
    min_poll_interval: Duration,
    max_poll_interval: Duration,
    max_watch_time: Duration,
    polls_per_execution: int,
    snapshot_max_age: Duration,
) -> None:
    if not event_source or event_source.startswith(c.RESERVED_SOURCE_PREFIX):
        raise ValueError(
            f"event_source must be non-empty and must not start with {c.RESERVED_SOURCE_PREFIX!r} (reserved by AWS)"
        )
    if not 1 <= min_poll_interval.to_seconds() <= max_poll_interval.to_seconds():
        raise ValueError("min_poll_interval must be at least 1 second and at most max_poll_interval")
    if not 60 <= max_watch_time.to_seconds() <= MAX_WATCH_LIMIT.to_seconds():
        raise ValueError("max_watch_time must be between 1 minute and 365 days")
    if not 10 <= polls_per_execution <= 1000:
        raise ValueError("polls_per_execution must be between 10 and 1000 (history limit 25,000 events)")
    if not 0 <= snapshot_max_age.to_seconds() <= c.MAX_SNAPSHOT_MAX_AGE_SECONDS:
        raise ValueError(f"snapshot_max_age must be between 0 and {c.MAX_SNAPSHOT_MAX_AGE_SECONDS} seconds")

