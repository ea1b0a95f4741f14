"""EventBridge rule target: a call recorded by CloudTrail that starts a task of any
kind (every kind's ``start_calls`` in ``conversion_watch.kinds``: ImportInstance,
ImportImage, CreateLicenseConversionTaskForResource, ...) starts the task's watch
(idempotently: the same call seen twice starts one watch); a cancel call (every
kind's ``cancel_calls``: CancelConversionTask, CancelImportTask, ...) leaves a
CANCEL mark in the watch table, read by the poll step when the task ends
(``conversion_watch.outcome``)."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from conversion_watch import aws_clients, cancel_marks, clock, cloudtrail, starter, watch_table
from conversion_watch import contract as c
from conversion_watch.observability import logger, metrics, tracer


@logger.inject_lambda_context(log_event=False, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    metrics.add_dimension(name=c.TRIGGER_DIMENSION, value="CloudTrail")
    try:
        cancel = cloudtrail.cancel_from_event(event)
        if cancel is not None:
            return _record_cancel(cancel)
        task = cloudtrail.task_from_event(event)
    except cloudtrail.RejectedEvent as rejection:
        # Logged and counted, never raised: retrying cannot make the record readable.
        metrics.add_metric(name=c.METRIC_REJECTED_API_CALL_EVENTS, unit=MetricUnit.Count, value=1)
        logger.warning(
            "API call event names no task to watch",
            extra={"reason": rejection.reason, "detail": rejection.message, **cloudtrail.describe_event(event)},
        )
        return {"outcome": "REJECTED", "reason": rejection.reason, "message": rejection.message}
    logger.append_keys(taskType=task.task_type, taskId=task.task_id)
    result = starter.start_watch(
        aws_clients.client("stepfunctions"), starter.state_machine_arn_from_env(), task.task_type, task.task_id
    )
    if result.outcome in ("STARTED", "RESUMED"):
        metrics.add_metric(name=c.METRIC_WATCH_START_REQUESTS, unit=MetricUnit.Count, value=1)
        logger.info("watch started (or already running, same input)", extra={"execution": result.execution_name})
    else:
        metrics.add_metric(name=c.METRIC_ALREADY_WATCHED, unit=MetricUnit.Count, value=1)
        logger.info("task already watched", extra={"execution": result.execution_name})
    return result.as_dict()


def _record_cancel(cancel: cloudtrail.CancelRef) -> dict[str, Any]:
    logger.append_keys(taskType=cancel.task_type, taskId=cancel.task_id)
    recorded = cancel_marks.record_cancel(
        aws_clients.client("dynamodb"), watch_table.table_name(), task_id=cancel.task_id,
        event_name=cancel.event_name, cloudtrail_event_id=cancel.cloudtrail_event_id, now=clock.utc_now(),
    )
    metrics.add_metric(name=c.METRIC_CANCEL_CALLS_SEEN, unit=MetricUnit.Count, value=1)
    logger.info("cancel call recorded" if recorded else "cancel call already recorded",
                extra={"eventName": cancel.event_name})
    return {"outcome": "CANCEL_RECORDED" if recorded else "CANCEL_ALREADY_RECORDED", "taskId": cancel.task_id}
