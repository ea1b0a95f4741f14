"""Step "Validate Watch Request": validates the request (``watch.start``), which claims the
task's watch in the registry. The same function serves step "Confirm Successor" of a hand-over
that found its next name taken; the registry answers that (``Registry.confirm_successor``)."""

import os
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from conversion_watch import aws_clients, clock, watch
from conversion_watch import contract as c
from conversion_watch.observability import logger, metrics, tracer
from conversion_watch.registry import Registry
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
    if status["outcome"] in (c.OUTCOME_ERROR, c.OUTCOME_REFUSED):
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
    """Step "Confirm Successor": the registry decides (``Registry.confirm_successor``)."""
    registry = _registry()
    if registry is None:
        return {"isSuccessor": False, "reason": "no watch registry to confirm a successor with", "nextName": None}
    task_id, me, name = str(request.get("taskId")), str(request.get("executionArn")), str(request.get("name"))
    confirmed, reason = registry.confirm_successor(task_id, me=me, name=name)
    if confirmed:
        return {"isSuccessor": True, "reason": reason}
    next_name = registry.free_successor_name(task_id, me=me, taken=name)
    logger.warning("successor name taken", extra={"successorName": name, "reason": reason, "nextName": next_name})
    # The hand-over moves on to the next free name of the line (recorded as the successor first); with none,
    # it is blocked.
    return {"isSuccessor": False, "reason": reason, "nextName": next_name}
