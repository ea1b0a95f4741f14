"""The watcher's events for one resource's task (its rule's target): on the task's end, signal the
resource's wait condition SUCCESS (with its attributes) or FAILURE (``conversion_watch.resources.signal``).

The rule's input is ``{"waitHandle": <the handle's presigned URL>, "detail": <the event's detail>}``
(``conversion_watch.resources.rules``); the deadline schedule's is ``{"waitHandle": ..., "deadline":
{"taskType", "taskId", "timeoutSeconds"}}`` (``conversion_watch.resources.deadline``).
"""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from conversion_watch import aws_clients
from conversion_watch.kinds import TASK_KINDS
from conversion_watch.observability import logger, tracer
from conversion_watch.resources import provider, signal


@logger.inject_lambda_context(log_event=False, clear_state=True)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    reader = provider.attribute_reader(aws_clients.client)
    if "deadline" in event:  # the deadline schedule fired (conversion_watch.resources.deadline)
        due = event["deadline"]
        task_kind = TASK_KINDS[str(due["taskType"])]
        snapshot = task_kind.describe(aws_clients.client(task_kind.service), str(due["taskId"]))
        ended: signal.Signal | None = signal.at_deadline(task_kind.task_type, str(due["taskId"]), snapshot,
                                                         due.get("timeoutSeconds"), reader)
    else:
        ended = signal.from_event(event.get("detail") or {}, reader)
    if ended is None:
        return {"signalled": False}
    signal.send(str(event["waitHandle"]), ended)
    logger.info("signalled the wait condition", extra=ended.body())
    return {"signalled": True, **ended.body()}
