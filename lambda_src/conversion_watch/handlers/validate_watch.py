"""Step "Validate Watch Request": check the input before any API call."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from conversion_watch import clock, watch
from conversion_watch.observability import logger, metrics, tracer
from conversion_watch.settings import Settings


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    logger.thread_safe_clear_keys()
    logger.thread_safe_append_keys(execution=event.get("executionName"))
    result = watch.start(
        event.get("input"), settings=Settings.from_env(), now=clock.utc_now(), execution=event.get("executionName")
    )
    status = result["status"]
    if status["outcome"] == "ERROR":
        logger.warning("rejected watch request", extra={"errorCode": status["errorCode"], "reason": status["message"]})
        metrics.add_metric(name="RejectedRequests", unit=MetricUnit.Count, value=1)
    else:
        metrics.add_metric(name="WatchesStarted", unit=MetricUnit.Count, value=1)
        logger.info("watch started", extra={"taskId": result["watch"]["taskId"]})
    return result
