"""The metrics the dashboard and the alarms read.

The handlers publish Powertools (EMF) metrics in namespace ``ConversionWatch``
with the dimension ``service`` (Powertools' own) and, from the poll step,
``TaskType``. CloudWatch matches a metric only on its exact dimension set, so
these mirror what the handlers emit (checked by a test that runs them).
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch

from conversion_watch import contract as c
from conversion_watch.kinds import TASK_TYPES

NAMESPACE = c.METRIC_NAMESPACE
SERVICE = c.SERVICE_NAME
PERIOD = Duration.minutes(5)

# Metric name -> the dimensions (besides service) it is published with.
HANDLER_METRICS: dict[str, tuple[str, ...]] = {
    c.METRIC_WATCHES_STARTED: (),
    c.METRIC_REJECTED_REQUESTS: (),
    c.METRIC_POLLS: (c.TASK_TYPE_DIMENSION,),
    c.METRIC_STATE_CHANGES: (c.TASK_TYPE_DIMENSION,),
    c.METRIC_WATCH_ERRORS: (c.TASK_TYPE_DIMENSION,),
    # The task failed (FAILED, e.g. an EC2 import cancelled with an error): not a watcher fault.
    c.METRIC_TASK_FAILURES: (c.TASK_TYPE_DIMENSION,),
}

# Counted from the state machine's own log (a metric filter), not printed by a handler: every
# execution that failed for another reason than its task failing ("Task Failed").
WATCHER_FAULTS = c.METRIC_WATCHER_FAULTS
# The error name of the "Task Failed" state is the task's failure, not the watcher's; an execution
# refused because another one holds the task's watch ("Not The Watch Holder") is no fault either.
WATCHER_FAULT_FILTER = (
    f'{{ ($.type = "ExecutionFailed") && ($.details.error != "{c.TASK_FAILED_ERROR}") '
    f'&& ($.details.error != "{c.NOT_THE_WATCH_HOLDER}") }}'
)


def watcher_faults_metric(label: str | None = None) -> cloudwatch.Metric:
    return cloudwatch.Metric(namespace=NAMESPACE, metric_name=WATCHER_FAULTS, statistic="Sum", period=PERIOD,
                             label=label)


def handler_metric(name: str, *, task_type: str | None = None, label: str | None = None) -> cloudwatch.Metric:
    dimensions = {"service": SERVICE}
    if HANDLER_METRICS[name]:
        if task_type is None:
            raise ValueError(f"{name} is published per TaskType: pass task_type")
        dimensions[c.TASK_TYPE_DIMENSION] = task_type
    return cloudwatch.Metric(
        namespace=NAMESPACE,
        metric_name=name,
        dimensions_map=dimensions,
        statistic="Sum",
        period=PERIOD,
        label=label or (f"{name} {task_type}" if task_type else name),
    )


def per_task_type(name: str) -> list[cloudwatch.IMetric]:
    return [handler_metric(name, task_type=task_type, label=task_type) for task_type in TASK_TYPES]
