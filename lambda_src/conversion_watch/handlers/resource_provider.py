"""CloudFormation custom resources ``Custom::ImportedImage``, ``Custom::ImportedSnapshot``,
``Custom::LicenseTypeConversion`` and ``Custom::ConversionTaskFollow``: start the task (or its
watch) and answer at once; the wait condition waits (``conversion_watch.resources``)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from conversion_watch import aws_clients, starter
from conversion_watch.observability import logger, tracer
from conversion_watch.resources import provider


@logger.inject_lambda_context(log_event=False, clear_state=True)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    body = provider.handle(event, clients=aws_clients.client, state_machine_arn=starter.state_machine_arn_from_env())
    logger.info("answered CloudFormation", extra={key: body[key] for key in (
        "Status", "Reason", "PhysicalResourceId", "LogicalResourceId")} | {"requestType": event.get("RequestType")})
    return body
