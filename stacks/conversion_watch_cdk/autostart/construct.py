"""``WatchAutoStart``: every conversion task gets a watch without anyone starting it.

* An EventBridge rule on the **default** bus (where AWS service events go)
  matches the successful ``ImportInstance`` / ``ImportVolume`` /
  ``CreateLicenseConversionTaskForResource`` calls that CloudTrail records and
  starts the task's watch. It needs a CloudTrail trail recording management
  events in the account and region.
* A scheduled sweeper lists every running task (one list call per service)
  and starts a watch for each one not yet watched.

``CancelConversionTask`` is deliberately not matched: a running watch is in
its Wait state, which nothing can cut short, and the next poll (at most
``max_poll_interval`` later) sees ``cancelling`` and publishes the change.
"""

from __future__ import annotations

from functools import partial

from aws_cdk import Acknowledgment, Duration, Stack, Token, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as lambda_destinations
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from conversion_watch.contract import (
    DEFAULT_SWEEP_MINUTES,
    ENV_STATE_MACHINE_ARN,
    ENV_WATCH_TABLE_NAME,
    RESUMED_STATUSES,
    SFN_STATUS_CHANGE,
)
from conversion_watch_cdk.autostart.patterns import api_call_pattern
from conversion_watch_cdk.lambda_asset import lambda_code
from conversion_watch_cdk.task_permissions import XRAY_ACTIONS, acknowledge_wildcards, grant_task_reads, list_actions
from conversion_watch_cdk.watcher.functions import project_function
from conversion_watch_cdk.watcher.table import TASK_PREFIX, grant_items, grant_open_watches_query

MIN_SWEEP = Duration.minutes(1)
MAX_SWEEP = Duration.days(1)


class WatchAutoStart(Construct):
    """Starts watches on the given watcher state machine automatically.

    :param state_machine: the ``ConversionWatcher`` state machine.
    :param powertools_layer: the Powertools layer the watcher's functions use.
    :param architecture: the architecture that layer was built for.
    :param start_on_api_calls: create the CloudTrail-driven rule. Default: True.
    :param sweep_interval: how often the sweeper runs; ``None`` turns it off.
        Default: 15 minutes.
    :param log_retention: retention of the functions' logs. Default: one month.
    :param watch_table: the watcher's table (``ConversionWatcher.table``). When given,
        the API-call rule also matches successful cancel calls (CancelConversionTask, ...)
        and the starter records them there (``dynamodb:PutItem`` only), so a task
        cancelled on request ends CANCELLED, not FAILED. Default: none (cancels are
        still told by an observed ``cancelling`` state).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        state_machine: sfn.IStateMachine,
        powertools_layer: lambda_.ILayerVersion,
        architecture: lambda_.Architecture,
        start_on_api_calls: bool = True,
        sweep_interval: Duration | None = Duration.minutes(DEFAULT_SWEEP_MINUTES),  # noqa: B008 (immutable value)
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
        watch_table: dynamodb.ITable | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        if sweep_interval is not None and not (
            MIN_SWEEP.to_seconds() <= sweep_interval.to_seconds() <= MAX_SWEEP.to_seconds()
        ):
            raise ValueError("sweep_interval must be between 1 minute and 1 day (or None to turn the sweeper off)")
        self._state_machine = state_machine
        self._make_function = partial(
            project_function,
            self,
            code=lambda_code(),
            architecture=architecture,
            environment={ENV_STATE_MACHINE_ARN: state_machine.state_machine_arn},
            log_retention=log_retention,
            powertools_layer=powertools_layer,
        )
        self.starter: lambda_.Function | None = None
        self.api_call_rule: events.Rule | None = None
        self.failed_starts: sqs.Queue | None = None
        self.failed_starts_alarm: cloudwatch.Alarm | None = None
        if start_on_api_calls:
            self._start_on_api_calls(watch_table)
        self.sweeper: lambda_.Function | None = None
        self.sweep_rule: events.Rule | None = None
        self.resume_rule: events.Rule | None = None
        if sweep_interval is not None:
            self._sweep_every(sweep_interval, watch_table)

    def _start_on_api_calls(self, watch_table: dynamodb.ITable | None) -> None:
        """The CloudTrail rule -> the starter; what fails lands in an alarmed queue."""
        self.starter = starter = self._function(
            "StartFromApiCallFunction",
            "conversion_watch.handlers.start_from_cloudtrail.handler",
            "Conversion Watch: starts a watch when CloudTrail records a conversion task being created",
            {ENV_WATCH_TABLE_NAME: watch_table.table_name} if watch_table is not None else None,
        )
        if watch_table is not None:
            # Recording a cancel mark (a conditional put) is all it does with the table.
            grant_items(watch_table, starter, ["dynamodb:PutItem"], families=[TASK_PREFIX])
        self.failed_starts = failed_starts = self._failed_starts_queue()
        # EventBridge retries delivering the event; Lambda retries a failing
        # invocation twice. What fails both lands in the queue (and its alarm),
        # and the sweeper starts the watch on its next round anyway.
        starter.configure_async_invoke(retry_attempts=2, on_failure=lambda_destinations.SqsDestination(failed_starts))
        self.api_call_rule = events.Rule(
            self,
            "ApiCallRule",
            description="Conversion Watch: a conversion task was created (CloudTrail) -> start its watch",
            event_pattern=api_call_pattern(include_cancels=watch_table is not None),
            targets=[
                targets.LambdaFunction(
                    starter, retry_attempts=4, max_event_age=Duration.hours(1), dead_letter_queue=failed_starts
                )
            ],
        )
        self.failed_starts_alarm = self._failed_starts_alarm(failed_starts)
        acknowledge_wildcards(starter, [XRAY_ACTIONS])

    def _sweep_every(self, sweep_interval: Duration, watch_table: dynamodb.ITable | None) -> None:
        """A schedule -> the sweeper: every open watch reconciled, one paginated read per task kind,
        a start per unwatched task. With the table, also the watcher's own executions that ended
        without finishing -> the sweeper, for that task, within a minute."""
        self.sweeper = sweeper = self._function(
            "SweepFunction",
            "conversion_watch.handlers.sweep_tasks.handler",
            "Conversion Watch: resumes every open watch whose execution ended; starts a watch for every running "
            "conversion task not yet watched",
            {ENV_WATCH_TABLE_NAME: watch_table.table_name} if watch_table is not None else None,
        )
        grant_task_reads(sweeper, list_actions())
        # Which watches run (one call per 1,000): only holders not listed are described.
        sweeper.add_to_role_policy(iam.PolicyStatement(
            actions=["states:ListExecutions"], resources=[self._state_machine.state_machine_arn]))
        if watch_table is not None:
            # Reads only: the registry items (is the watch open? who holds it?) and the open-watches index.
            grant_items(watch_table, sweeper, ["dynamodb:GetItem"], families=[TASK_PREFIX])
            grant_open_watches_query(watch_table, sweeper)
            self.resume_rule = events.Rule(
                self,
                "ResumeOnExecutionEnd",
                description="Conversion Watch: a watch execution failed, timed out or was aborted -> resume its watch",
                event_pattern=events.EventPattern(
                    source=["aws.states"],
                    detail_type=[SFN_STATUS_CHANGE],
                    detail={"status": list(RESUMED_STATUSES),
                            "stateMachineArn": [self._state_machine.state_machine_arn]},
                ),
                # A missed event is caught by the next sweep; a retry does the same work.
                targets=[targets.LambdaFunction(sweeper, retry_attempts=2, max_event_age=Duration.minutes(15))],
            )
        self.sweep_rule = events.Rule(
            self,
            "SweepSchedule",
            description="Conversion Watch: periodic sweep for running conversion tasks without a watch",
            schedule=events.Schedule.rate(sweep_interval),
            # A missed sweep is not worth retrying: the next one does the same work.
            targets=[targets.LambdaFunction(sweeper, retry_attempts=0)],
        )

    def _function(self, construct_id: str, handler: str, description: str,
                  environment: dict[str, str] | None = None) -> lambda_.Function:
        created: lambda_.Function = self._make_function(construct_id, handler=handler, description=description)
        for name, value in (environment or {}).items():
            created.add_environment(name, value)
        # Starting executions of the watcher, and looking at the one holding a watch name
        # (is it watching the task?), is all either function may do in Step Functions.
        self._state_machine.grant_start_execution(created)
        self._state_machine.grant_execution(created, "states:DescribeExecution")
        _acknowledge_executions_wildcard(created, self._state_machine)
        return created

    def _failed_starts_alarm(self, queue: sqs.Queue) -> cloudwatch.Alarm:
        return cloudwatch.Alarm(
            self,
            "FailedStartsAlarm",
            metric=queue.metric_approximate_number_of_messages_visible(period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "Conversion Watch: an API-call event could not start its watch (see the failed-starts queue); "
                "the sweeper starts it within one sweep interval."
            ),
        )

    def _failed_starts_queue(self) -> sqs.Queue:
        queue = sqs.Queue(
            self,
            "FailedStartsQueue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        Validations.of(queue).acknowledge(
            Acknowledgment(
                id="AwsSolutions::AwsSolutions-SQS3",
                reason="This queue is itself the dead-letter queue of the API-call rule and of the starter's "
                "failed asynchronous invocations.",
            )
        )
        return queue


def _acknowledge_executions_wildcard(function: lambda_.Function, state_machine: sfn.IStateMachine) -> None:
    """``grant_execution`` grants on ``execution:<state machine name>:*``: the watcher's executions only."""
    machine = state_machine.node.default_child
    if machine is None:  # imported by ARN: cdk-nag shows its literal region, account and name
        arn = state_machine.state_machine_arn
        if Token.is_unresolved(arn):
            return
        parts = arn.split(":")
        resource = f"arn:<AWS::Partition>:states:{parts[3]}:{parts[4]}:execution:{parts[6]}:*"
    else:
        logical_id = Stack.of(state_machine).resolve(machine.logical_id)  # type: ignore[attr-defined]
        name = '{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"' + logical_id + '"}]}]}'
        resource = f"arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{name}:*"
    Validations.of(function.role).acknowledge(  # type: ignore[arg-type]
        Acknowledgment(
            id=f"AwsSolutions::AwsSolutions-IAM5[Resource::{resource}]",
            reason="states:DescribeExecution on the watcher's own executions (which one holds a watch name).",
        )
    )
