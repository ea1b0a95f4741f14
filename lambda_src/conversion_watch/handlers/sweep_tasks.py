"""Scheduled sweep: one paginated read per task kind finds every running
task; each one without a watch gets one (covers tasks started before the stack
existed and API calls CloudTrail missed)."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from conversion_watch import aws_clients, starter, sweeper
from conversion_watch import contract as c
from conversion_watch.observability import logger, metrics, tracer


@logger.inject_lambda_context(log_event=False, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    metrics.add_dimension(name=c.TRIGGER_DIMENSION, value="Sweep")
    report = sweeper.sweep(
        clients=aws_clients.client,
        sfn=aws_clients.client("stepfunctions"),
        state_machine_arn=starter.state_machine_arn_from_env(),
    )
    metrics.add_metric(name=c.METRIC_RUNNING_TASKS, unit=MetricUnit.Count, value=report.running)
    metrics.add_metric(name=c.METRIC_WATCH_START_REQUESTS, unit=MetricUnit.Count, value=len(report.started))
    metrics.add_metric(name=c.METRIC_SWEEP_FAILURES, unit=MetricUnit.Count, value=len(report.failures))
    summary = report.as_dict()
    if report.failures:
        # Not raised: the next sweep retries everything anyway, at the same cost.
        logger.error("sweep incomplete", extra=summary)
    else:
        logger.info("sweep done", extra=summary)
    return summary
