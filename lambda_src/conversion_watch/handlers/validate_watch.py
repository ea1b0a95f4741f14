"""Step "Validate Watch Request": check the input and claim the task's watch in the registry
(a first start, a recorded successor's hand-over, or a resume); and step "Confirm Successor"
of a hand-over that found its next name taken."""

import os
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from conversion_watch import aws_clients, clock, naming, watch
from conversion_watch import contract as c
from conversion_watch.observability import logger, metrics, tracer
from conversion_watch.registry import Registry, describe_execution
from conversion_watch.settings import Settings


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if "confirmSuccessor" in event:  # step "Confirm Successor" of the hand-over
        return confirm_successor(event["confirmSuccessor"])
    logger.thread_safe_clear_keys()
    logger.thread_safe_append_keys(execution=event.get("executionName"))
    result = watch.start(
        event.get("input"), settings=Settings.from_env(), now=clock.utc_now(), execution=event.get("executionName"),
        execution_arn=event.get("executionArn"), registry=_registry(),
    )
    status = result["status"]
    if status["outcome"] == c.OUTCOME_ERROR:
        logger.warning("rejected watch request", extra={"errorCode": status["errorCode"], "reason": status["message"]})
        metrics.add_metric(name=c.METRIC_REJECTED_REQUESTS, unit=MetricUnit.Count, value=1)
    else:
        metrics.add_metric(name=c.METRIC_WATCHES_STARTED, unit=MetricUnit.Count, value=1)
        logger.info("watch started", extra={"taskId": result["watch"]["taskId"]})
    return result


def _registry() -> Registry | None:
    """The watch registry (the stack always sets the table; bare unit tests may not)."""
    table = os.environ.get(c.ENV_WATCH_TABLE_NAME)
    if not table:
        return None
    return Registry(aws_clients.client("dynamodb"), aws_clients.client("stepfunctions"), table)


def confirm_successor(request: dict[str, Any]) -> dict[str, Any]:
    """Is the execution holding the next name this watch's successor? The registry decides, never
    that execution's input: it is if it already claimed the watch, or if it is running and was started
    after this execution recorded the name (so its validate step will claim it)."""
    me, name, task_id = str(request.get("executionArn")), str(request.get("name")), str(request.get("taskId"))
    successor_arn = naming.execution_arn(me, name)
    registry = _registry()
    current = registry.read(task_id) if registry is not None else None
    if current is not None and current.holder == successor_arn:
        return {"isSuccessor": True, "reason": f"{name} took the watch over (the registry names it the holder)"}
    status = describe_execution(aws_clients.client("stepfunctions"), successor_arn, "*")
    recorded_at = _moment(current.successor_at) if current is not None and current.successor == name else None
    started_at = status.started_at
    if (current is not None and current.holder == me and recorded_at is not None and status.status == "RUNNING"
            and isinstance(started_at, datetime) and started_at >= recorded_at):
        return {"isSuccessor": True, "reason": f"{name} was started after it was recorded as the successor"}
    logger.warning("hand-over blocked", extra={"successorName": name, "holderStatus": status.status})
    return {"isSuccessor": False, "reason": f"{name} is held by an execution ({status.status}) that the watch "
                                            "registry does not name as this watch's successor"}


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
