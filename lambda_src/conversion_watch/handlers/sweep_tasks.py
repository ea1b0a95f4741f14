"""Reconcile the watches: on schedule, every open watch and every running task without
one (covers tasks started before the stack existed and API calls CloudTrail missed);
on a "Step Functions Execution Status Change" of the watcher's own state machine
(FAILED / TIMED_OUT / ABORTED), that execution's task, within a minute of its end."""

import os
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from conversion_watch import aws_clients, starter, sweeper
from conversion_watch import contract as c
from conversion_watch.naming import task_id_of
from conversion_watch.observability import logger, metrics, tracer
from conversion_watch.registry import Registry


@logger.inject_lambda_context(log_event=False, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    registry = _registry()
    sfn = aws_clients.client("stepfunctions")
    state_machine_arn = starter.state_machine_arn_from_env()
    if event.get("detail-type") == c.SFN_STATUS_CHANGE and registry is not None:
        metrics.add_dimension(name=c.TRIGGER_DIMENSION, value="ExecutionEnded")
        detail = event.get("detail") or {}
        task_id = task_id_of(str(detail.get("name", "")))
        if not task_id or detail.get("stateMachineArn") != state_machine_arn:
            return {"ignored": str(detail.get("executionArn"))}
        report = sweeper.reconcile_task(task_id, registry=registry, sfn=sfn, state_machine_arn=state_machine_arn,
                                        ended=str(detail.get("executionArn")))
    else:
        metrics.add_dimension(name=c.TRIGGER_DIMENSION, value="Sweep")
        report = sweeper.sweep(clients=aws_clients.client, sfn=sfn, state_machine_arn=state_machine_arn,
                               registry=registry)
    metrics.add_metric(name=c.METRIC_RUNNING_TASKS, unit=MetricUnit.Count, value=report.running)
    metrics.add_metric(name=c.METRIC_WATCH_START_REQUESTS, unit=MetricUnit.Count, value=len(report.started))
    metrics.add_metric(name=c.METRIC_WATCHES_RESUMED, unit=MetricUnit.Count, value=len(report.resumed))
    metrics.add_metric(name=c.METRIC_SWEEP_FAILURES, unit=MetricUnit.Count, value=len(report.failures))
    summary = report.as_dict()
    if report.failures:
        # Not raised: the next sweep retries everything anyway, at the same cost.
        logger.error("sweep incomplete", extra=summary)
    else:
        logger.info("sweep done", extra=summary)
    return summary


def _registry() -> Registry | None:
    """The watch registry, when the stack gives the sweeper the watcher's table."""
    table = os.environ.get(c.ENV_WATCH_TABLE_NAME)
    if not table:
        return None
    return Registry(aws_clients.client("dynamodb"), aws_clients.client("stepfunctions"), table)
