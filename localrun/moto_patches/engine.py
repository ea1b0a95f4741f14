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
import threading
from collections.abc import Iterator
from datetime import datetime
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


@contextlib.contextmanager
def faster_engine() -> Iterator[None]:
    """Costs that dominate a long simulated watch, removed without changing behaviour:
    moto builds a new boto3 client for every Task state (~45 ms each), re-parses
    every JSONPath with a freshly generated parser (~3 ms each, several per state:
    paths, ResultPath, and EventBridge's input paths for every delivered event),
    and parses the definition anew for every execution (~0.7 s; a watch hands over
    to a new execution every few hundred polls). Clients are reused for the run
    (botocore clients are thread-safe); parsed paths are cached (matching does not
    mutate them); the parsed program is shared, which moto's design allows: its
    components keep per-execution state in the execution's own ``env``."""
    import importlib
    import sys

    import jsonpath_ng
    import jsonpath_ng.ext
    from moto.core import responses as moto_responses
    from moto.stepfunctions.parser.asl.component.common.path import result_path
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
    from moto.stepfunctions.parser.asl.utils import boto_client, json_path
    from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

    original_client_for = boto_client.boto_client_for
    cached_parse = cache(jsonpath_ng.ext.parse)
    cached_plain_parse = cache(jsonpath_ng.parse)
    clients: dict[tuple[str, str], Any] = {}

    def client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        key = (region, service)
        if key not in clients:
            clients[key] = original_client_for(region=region, service=service, state_credentials=state_credentials)
        return clients[key]

    programs: dict[str, Any] = {}
    programs_lock = threading.Lock()

    def entrypoint(worker: Any) -> Any:
        definition = worker._evaluation_details.state_machine_details.definition
        with programs_lock:
            if definition not in programs:
                program = AmazonStateLanguageParser.parse(definition)[0]
                _assign_heap_keys(program, set())
                programs[definition] = program
            return programs[definition]

    # Modules that imported the function by name hold their own reference.
    importlib.import_module("moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_factory")
    holders = [module for name, module in list(sys.modules.items())
               if name.startswith("moto.stepfunctions.parser") and
               getattr(module, "boto_client_for", None) is original_client_for]
    with contextlib.ExitStack() as stack:
        for module in holders:
            stack.enter_context(mock.patch.object(module, "boto_client_for", client_for))
        stack.enter_context(mock.patch.object(json_path, "parse", cached_parse))
        # Every API call lists its response class's methods with inspect.getmembers to find the action.
        stack.enter_context(mock.patch.object(moto_responses, "method_names_from_class",
                                              cache(moto_responses.method_names_from_class)))
        stack.enter_context(mock.patch.object(result_path, "parse", cached_plain_parse))
        # moto.events imports it inside the function that renders each target's input.
        stack.enter_context(mock.patch.object(jsonpath_ng.ext, "parse", cached_parse))
        stack.enter_context(mock.patch.object(ExecutionWorker, "_get_evaluation_entrypoint", entrypoint))
        yield


def _assign_heap_keys(component: Any, seen: set[int]) -> None:
    """Components create their heap key lazily; do it now, in one thread, so that
    executions sharing the program cannot race to create two different keys."""
    from moto.stepfunctions.parser.asl.component.eval_component import EvalComponent

    if id(component) in seen:
        return
    seen.add(id(component))
    if isinstance(component, EvalComponent):
        _ = component.heap_key
    children = component.values() if isinstance(component, dict) else component
    if isinstance(children, list | tuple) or isinstance(component, dict):
        for child in children:
            _assign_heap_keys(child, seen)
    elif hasattr(component, "__dict__") and type(component).__module__.startswith("moto.stepfunctions"):
        for child in vars(component).values():
            _assign_heap_keys(child, seen)


def execution_history(execution_arn: str, *, account: str, region: str) -> list[dict[str, Any]]:
    """An execution's history events straight from moto's Step Functions backend: the same
    events ``GetExecutionHistory`` pages through, without serializing them (reading a thousand
    histories through the API took a third of a fleet run)."""
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    backend: Any = stepfunctions_parser_backends[account][region]
    return list(backend.describe_execution(execution_arn=execution_arn).to_history_output()["events"])
