"""A small dashboard: watches running, state changes, polls, errors."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from conversion_watch_cdk.operations.metrics import (
    PERIOD,
    TASK_TYPES,
    handler_metric,
    per_task_type,
    watcher_faults_metric,
)

ENDED = '["ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"]'
# No CloudWatch metric counts open executions of one state machine; the
# state machine's own log (level ALL) does: an execution whose latest event is
# not an end is running. A running watch logs at least once per poll interval,
# so any dashboard range longer than the maximum poll interval sees them all.
RUNNING_WATCHES_QUERY = [
    "fields @timestamp, execution_arn, type",
    "stats latest(type) as lastEvent by execution_arn",
    f"filter lastEvent not in {ENDED}",
    "stats count(*) as watchesRunning",
]


def build_dashboard(
    scope: Construct,
    *,
    dashboard_name: str | None,
    state_machine: sfn.StateMachine,
    state_machine_logs: logs.ILogGroup,
    functions: Sequence[tuple[str, lambda_.IFunction]],
    alarms: Sequence[cloudwatch.IAlarm],
) -> cloudwatch.Dashboard:
    dashboard = cloudwatch.Dashboard(
        scope,
        "Dashboard",
        dashboard_name=dashboard_name,
        default_interval=Duration.hours(3),
    )
    dashboard.add_widgets(
        cloudwatch.LogQueryWidget(
            title="Watches running",
            log_group_names=[state_machine_logs.log_group_name],
            query_lines=RUNNING_WATCHES_QUERY,
            view=cloudwatch.LogQueryVisualizationType.TABLE,
            width=6,
            height=6,
        ),
        cloudwatch.GraphWidget(
            title="Watches started / rejected requests",
            left=[handler_metric("WatchesStarted"), handler_metric("RejectedRequests")],
            width=9,
            height=6,
        ),
        cloudwatch.GraphWidget(
            title="Executions ended",
            left=[
                state_machine.metric_succeeded(period=PERIOD, statistic="Sum", label="succeeded (incl. hand-overs)"),
                state_machine.metric_failed(period=PERIOD, statistic="Sum", label="failed"),
                state_machine.metric_aborted(period=PERIOD, statistic="Sum", label="aborted"),
                state_machine.metric_timed_out(period=PERIOD, statistic="Sum", label="timed out"),
            ],
            width=9,
            height=6,
        ),
    )
    dashboard.add_widgets(
        cloudwatch.GraphWidget(title="State changes (events published)", left=per_task_type("StateChanges"),
                               width=8, height=6),
        cloudwatch.GraphWidget(title="Polls", left=per_task_type("Polls"), width=8, height=6),
        cloudwatch.GraphWidget(
            title="Errors",
            left=[
                *[handler_metric("WatchErrors", task_type=task_type, label=f"watch errors {task_type}")
                  for task_type in TASK_TYPES],
                *[function.metric_errors(period=PERIOD, statistic="Sum", label=f"{name} Lambda errors")
                  for name, function in functions],
                state_machine.metric_throttled(period=PERIOD, statistic="Sum", label="executions throttled"),
            ],
            width=8,
            height=6,
        ),
    )
    dashboard.add_widgets(
        cloudwatch.GraphWidget(title="Task failures (the tasks' outcome, not the watcher's)",
                               left=per_task_type("TaskFailures"), width=12, height=6),
        cloudwatch.GraphWidget(title="Watcher faults (alarmed)", left=[watcher_faults_metric("watcher faults")],
                               width=12, height=6),
    )
    dashboard.add_widgets(cloudwatch.AlarmStatusWidget(title="Alarms", alarms=list(alarms), width=24, height=3))
    return dashboard
