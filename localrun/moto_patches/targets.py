"""The moto objects the local run routes through (see the package docstring)."""

from __future__ import annotations

from typing import Any


def lambda_simple_backend() -> Any:
    """``lambda:invoke`` without Docker lands in ``LambdaSimpleBackend.invoke`` (replaced by localrun.lambdas)."""
    from moto.awslambda_simple.models import LambdaSimpleBackend

    return LambdaSimpleBackend


def lambda_task_invoke() -> tuple[Any, str]:
    """Where a ``lambda:invoke`` Task state calls Lambda (module, attribute): through a boto3
    client, a full HTTP round trip into moto's Lambda API (replaced by localrun.lambdas)."""
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

    return lambda_eval_utils, "_invoke_lambda_function"


def lambda_function(function_name: str, qualifier: str | None, region: str) -> Any:
    """moto's function for a name or ARN (moto raises for an unknown one, as Lambda does)."""
    from moto.awslambda_simple.models import lambda_simple_backends  # Lambda without Docker
    from moto.core import DEFAULT_ACCOUNT_ID

    account = function_name.split(":")[4] if function_name.startswith("arn:") else DEFAULT_ACCOUNT_ID
    return lambda_simple_backends[account][region].get_function(function_name, qualifier)


def botocore_stubber() -> Any:
    """moto's one ``before-send`` handler: every botocore request passes its ``process_request``."""
    from moto.core.models import botocore_stubber as stubber

    return stubber


def events_backend() -> Any:
    """``EventsBackend.put_events``: where the fault tap decides per entry."""
    from moto.events.models import EventsBackend

    return EventsBackend


def dynamodb_handler() -> Any:
    """``DynamoHandler.call_action``: every DynamoDB request, the SDK's and the state machine's
    DynamoDB steps' alike (where localrun.injected_faults answers a table outage)."""
    from moto.dynamodb.responses import DynamoHandler

    return DynamoHandler


def state_base() -> Any:
    """The base class of every ASL state; its ``_eval_body`` runs one state (bench/engine_profile.py times it)."""
    from moto.stepfunctions.parser.asl.component.state.state import CommonStateField

    return CommonStateField


def event_pattern(pattern: str | dict[str, Any]) -> Any:
    """moto's EventBridge pattern matcher (``.matches_event(event)``) for a rule's ``EventPattern``:
    JSON text is parsed and checked as ``PutRule`` parses it; a dict (a synthesized rule's) is taken as is."""
    from moto.events.models import EventPattern

    return EventPattern.load(pattern) if isinstance(pattern, str) else EventPattern(None, pattern)


def step_functions_backend() -> Any:
    """The Step Functions backend class whose ``start_execution`` the API and the
    ``states:startExecution`` integration call (a test refuses a start there)."""
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    return StepFunctionsParserBackend


def invalid_execution_name(message: str) -> Exception:
    """The error Step Functions' ``StartExecution`` raises for a name it refuses (``InvalidName``)."""
    from moto.stepfunctions.exceptions import InvalidName

    return InvalidName(message)  # type: ignore[no-any-return]


def events_rule() -> Any:
    """``Rule.send_to_targets``: where a rule hands a matched event to its targets (the CloudFormation
    double routes Lambda targets to the real signaller, localrun.cloudformation)."""
    from moto.events.models import Rule

    return Rule
