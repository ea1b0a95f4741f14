"""Alarms an operator acts on: the state machine's executions failing, timing
out or being throttled, and the Lambda steps erroring."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from stacks.operations.metrics import PERIOD


def build_alarms(
    scope: Construct,
    *,
    state_machine: sfn.StateMachine,
    functions: Sequence[tuple[str, lambda_.IFunction]],
    alarm_topic: sns.ITopic | None,
) -> list[cloudwatch.Alarm]:
    checks: list[tuple[str, cloudwatch.IMetric, str]] = [
        (
            "ExecutionsFailed",
            state_machine.metric_failed(period=PERIOD, statistic="Sum"),
            "A watch execution failed: a conversion task FAILED, or the watcher stopped (see the "
            "'Conversion Task Watch Error' event and the execution's error name).",
        ),
        (
            "ExecutionsTimedOut",
            state_machine.metric_timed_out(period=PERIOD, statistic="Sum"),
            "A watch execution hit the Step Functions time limit: the watch did not hand over or give up in time.",
        ),
        (
            "ExecutionsThrottled",
            state_machine.metric_throttled(period=PERIOD, statistic="Sum"),
            "Step Functions throttled the state machine: watches are delayed; check account quotas.",
        ),
    ]
    checks += [
        (
            f"{name}Errors",
            function.metric_errors(period=PERIOD, statistic="Sum"),
            f"The {name} Lambda step raised errors (the state machine retries them; repeated errors end watches).",
        )
        for name, function in functions
    ]
    alarms = []
    for alarm_id, metric, description in checks:
        alarm = cloudwatch.Alarm(
            scope,
            f"{alarm_id}Alarm",
            metric=metric,
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=f"Conversion Watch: {description}",
        )
        if alarm_topic is not None:
            alarm.add_alarm_action(cloudwatch_actions.SnsAction(alarm_topic))
        alarms.append(alarm)
    return alarms
