"""Step "Poll Conversion Task": the task's state (shared snapshot first, see describe.py), one normalized status."""

from functools import partial
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import BaseModel, event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from conversion_watch import aws_clients, cancel_evidence, clock, watch, watch_table
from conversion_watch import contract as c
from conversion_watch.describe import describe_task
from conversion_watch.models import Watch
from conversion_watch.observability import logger, metrics, tracer
from conversion_watch.settings import Settings


class PollEvent(BaseModel):
    watch: Watch


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler
@metrics.log_metrics
@event_parser(model=PollEvent)
def handler(event: PollEvent, context: LambdaContext) -> dict[str, Any]:
    current = event.watch
    # Thread-local keys: the local engine runs many invocations in one process.
    logger.thread_safe_clear_keys()
    logger.thread_safe_append_keys(taskType=current.taskType, taskId=current.taskId)
    metrics.add_dimension(name=c.TASK_TYPE_DIMENSION, value=current.taskType)
    metrics.add_metric(name=c.METRIC_POLLS, unit=MetricUnit.Count, value=1)
    settings = Settings.from_env()
    now = clock.utc_now()
    result = watch.poll(
        current, settings=settings, describe=partial(traced_describe, settings=settings), now=now,
        cancel_marked=partial(cancel_recorded, watch_started_at=current.watchStartedAt, now=now, settings=settings),
    )
    status = result["status"]
    if status["outcome"] == c.OUTCOME_ERROR:
        metrics.add_metric(name=c.METRIC_WATCH_ERRORS, unit=MetricUnit.Count, value=1)
        logger.warning("watch cannot go on", extra={"errorCode": status["errorCode"], "reason": status["message"]})
    elif status["changed"]:
        metrics.add_metric(name=c.METRIC_STATE_CHANGES, unit=MetricUnit.Count, value=1)
        logger.info("task changed", extra={"state": status["state"], "sequence": result["watch"]["sequence"],
                                           "outcomeReason": status.get("outcomeReason")})
        if status["state"] == c.FAILED:
            # The task failed, not the watcher: its own metric, no watcher alarm (operations/).
            metrics.add_metric(name=c.METRIC_TASK_FAILURES, unit=MetricUnit.Count, value=1)
    return result


def cancel_recorded(task_id: str, *, watch_started_at: Any, now: Any, settings: Settings) -> bool:
    """CloudTrail's evidence of a cancel call: the rule's mark, then event history (when on)."""
    return cancel_evidence.cancel_recorded(
        task_id, watch_started_at=watch_started_at, now=now, dynamodb=aws_clients.client("dynamodb"),
        table=watch_table.table_name(),
        cloudtrail_client=aws_clients.client("cloudtrail") if settings.cancel_lookup else None,
    )


@tracer.capture_method(capture_response=False)
def traced_describe(task_type: str, task_id: str, *, settings: Settings) -> Any:
    return describe_task(task_type, task_id, settings, on_ignored=snapshot_part_ignored)


def snapshot_part_ignored(reason: str) -> None:
    """A snapshot part that did not decode, was dated in the future or too old: described instead."""
    metrics.add_metric(name=c.METRIC_SNAPSHOT_PARTS_IGNORED, unit=MetricUnit.Count, value=1)
    logger.warning("snapshot part ignored", extra={"reason": reason})
