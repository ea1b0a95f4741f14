"""Fixes to moto's Step Functions engine that the real service does not need.

``states:startExecution`` (the state machine's continue-as-new step): ASL
passes the API's parameters in Step Functions casing (``StateMachineArn``,
``Name``, ``Input``), but moto 5.2 hands them to boto3 unchanged, whose
``start_execution`` wants ``stateMachineArn`` / ``name`` / ``input``; the call
fails with a ``KeyError`` turned into ``States.Runtime``. moto already carries
LocalStack's converter (``_to_boto_request`` / ``_from_boto_response``); its
``_normalise_parameters`` just never calls it. Here it does, for the
Step Functions integration only, against botocore's own service model
(response timestamps become epoch milliseconds, as the service returns them).
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from collections.abc import Iterator
from functools import cache
from typing import Any
from unittest import mock


@cache
def _operation_model(service: str, snake_action: str) -> Any:
    import botocore.session

    model = botocore.session.get_session().get_service_model(service)
    for name in model.operation_names:
        if name.lower() == snake_action.replace("_", "").lower():
            return model.operation_model(name)
    raise LookupError(f"{service} has no operation {snake_action!r}")


@contextlib.contextmanager
def step_functions_integration_casing() -> Iterator[None]:
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sfn import (
        StateTaskServiceSfn,
    )

    original_parameters = StateTaskServiceSfn._normalise_parameters
    original_response = StateTaskServiceSfn._normalise_response

    def normalise_parameters(self: Any, parameters: dict[str, Any], boto_service_name: str | None = None,
                             service_action_name: str | None = None) -> None:
        original_parameters(self, parameters, boto_service_name, service_action_name)
        operation = _operation_model(self._get_boto_service_name(boto_service_name),
                                     self._get_boto_service_action(service_action_name))
        self._to_boto_request(parameters, operation.input_shape)

    def normalise_response(self: Any, response: Any, boto_service_name: str | None = None,
                           service_action_name: str | None = None) -> None:
        original_response(self, response, boto_service_name, service_action_name)
        operation = _operation_model(self._get_boto_service_name(boto_service_name),
                                     self._get_boto_service_action(service_action_name))
        self._from_boto_response(response, operation.output_shape)
        if isinstance(response, dict):
            for key, value in response.items():
                if isinstance(value, datetime):  # boto3 parses it; the state's JSON cannot hold it
                    response[key] = int(value.timestamp() * 1000)

    with mock.patch.object(StateTaskServiceSfn, "_normalise_parameters", normalise_parameters), \
            mock.patch.object(StateTaskServiceSfn, "_normalise_response", normalise_response):
        yield
