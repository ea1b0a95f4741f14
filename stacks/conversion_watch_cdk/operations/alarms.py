"""Alarms an operator acts on: the watcher failing (an execution that failed for
any reason but its task failing), executions timing out or being throttled, and
the Lambda steps erroring. A task that FAILED is the task's news, not the
watcher's: it is counted (``TaskFailures`` per task type, on the dashboard) and
published as an event, never alarmed on here."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from conversion_watch_cdk.operations.metrics import (
    NAMESPACE,
    PERIOD,
    WATCHER_FAULT_FILTER,
    WATCHER_FAULTS,
    watcher_faults_metric,
)

SUSTAINED_PERIODS = 3


def build_alarms(
    scope: Construct,
    *,
    state_machine: sfn.StateMachine,
    state_machine_logs: logs.ILogGroup,
    functions: Sequence[tuple[str, lambda_.IFunction]],
    alarm_topic: sns.ITopic | None,
) -> list[cloudwatch.Alarm]:
    # ExecutionsFailed counts the watcher's faults and the tasks' failures alike ("Task Failed"
    # is a Fail state too): count the watcher's alone from the state machine's log.
    logs.MetricFilter(
        scope,
        "WatcherFaultsFilter",
        log_group=state_machine_logs,
        filter_pattern=logs.FilterPattern.literal(WATCHER_FAULT_FILTER),
        metric_namespace=NAMESPACE,
        metric_name=WATCHER_FAULTS,
        metric_value="1",
        default_value=0,
    )
    # (id, metric, description, periods): a failed or throttled execution is news at once;
    # Lambda errors are mostly throttling the state machine retries away, so only
    # errors in every one of SUSTAINED_PERIODS periods in a row mean trouble.
    checks: list[tuple[str, cloudwatch.IMetric, str, int]] = [
        (
            WATCHER_FAULTS,
            watcher_faults_metric(),
            "A watch stopped because of the watcher, not its task: bad input, task not found, watch time "
            "exceeded, repeated API failures, an event EventBridge did not accept (see the 'Conversion Task "
            "Watch Error' event and the execution's error name). Tasks that FAILED are counted in TaskFailures.",
            1,
        ),
        (
            "ExecutionsTimedOut",
            state_machine.metric_timed_out(period=PERIOD, statistic="Sum"),
            "A watch execution hit the Step Functions time limit: the watch did not hand over or give up in time.",
            1,
        ),
        (
            "ExecutionsThrottled",
            state_machine.metric_throttled(period=PERIOD, statistic="Sum"),
            "Step Functions throttled the state machine: watches are delayed; check account quotas.",
            1,
        ),
    ]
    checks += [
        (
            f"{name}Errors",
            function.metric_errors(period=PERIOD, statistic="Sum"),
            f"The {name} Lambda step raised errors for {SUSTAINED_PERIODS} periods in a row (single throttles are "
            "retried by the state machine; sustained errors end watches).",
            SUSTAINED_PERIODS,
        )
        for name, function in functions
    ]
    alarms = []
    for alarm_id, metric, description, periods in checks:
        alarm = cloudwatch.Alarm(
            scope,
            f"{alarm_id}Alarm",
            metric=metric,
            threshold=1,
            evaluation_periods=periods,
            datapoints_to_alarm=periods,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=f"Conversion Watch: {description}",
        )
        if alarm_topic is not None:
            alarm.add_alarm_action(cloudwatch_actions.SnsAction(alarm_topic))
        alarms.append(alarm)
    return alarms
