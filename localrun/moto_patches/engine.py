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
import copy
import logging
import threading
import types
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


# Parsed definitions, for the process: parsing one (moto's ANTLR grammar) costs about 0.7 s, and
# create_state_machine's validation and every execution's start each parse it again, in every run.
_programs: dict[str, tuple[Any, Any]] = {}
_programs_lock = threading.Lock()


def _parse_once(original: Any) -> Any:
    def parse(definition: str) -> tuple[Any, Any]:
        with _programs_lock:
            if definition not in _programs:
                program, tree = original(definition)  # a definition that does not parse raises, uncached
                _assign_heap_keys(program, set())
                _programs[definition] = (program, tree)
            return _programs[definition]

    return parse


class _SearchPaths(list[str]):
    """A loader's search paths that take each path once: every boto3 session appends its own data
    folder to its loader's list, which for a shared loader would grow by one per session."""

    def append(self, path: str) -> None:
        if path not in self:
            super().append(path)


@cache
def _shared_loader(search_path_string: str | None = None) -> Any:
    import botocore.loaders

    loader = botocore.loaders.create_loader(search_path_string)
    loader._search_paths = _SearchPaths(loader.search_paths)
    return loader


@contextlib.contextmanager
def one_model_loader() -> Iterator[None]:
    """Every boto3 session (each run's, the handlers' after each ``aws_clients.reset()``, moto's
    per integration, each test's) reads and parses the same service models (EC2's is megabytes of
    JSON) and endpoints again: one botocore loader, whose cache holds them, serves them all, as one
    session's loader already serves all of that session's clients. tests/conftest.py installs it for
    the test session."""
    import botocore.session

    with mock.patch.object(botocore.session, "create_loader", _shared_loader):
        yield


def _item_init(self: Any, hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> None:
    """moto's ``Item.__init__`` builds the attributes one by one into a ``LimitedSizeDict``, which
    sums the size of every attribute already there on each one (quadratic; the snapshot's parts
    are written on every refresh). Each check is a prefix of the whole item's size, so when the
    whole fits every check passes: check it once; an item too large takes moto's own path, and
    raises where moto raises."""
    from moto.dynamodb.models.dynamo_type import DynamoType, LimitedSizeDict
    from moto.dynamodb.models.utilities import bytesize

    self.hash_key = hash_key
    self.range_key = range_key
    self.attrs = LimitedSizeDict()
    converted = {key: DynamoType(value) for key, value in attrs.items()}
    if sum(bytesize(key) + value.size() for key, value in converted.items()) <= _ITEM_SIZE_LIMIT:
        dict.update(self.attrs, converted)
    else:
        for key, value in converted.items():
            self.attrs[key] = value


_ITEM_SIZE_LIMIT = 405000  # LimitedSizeDict's limit in moto 5.2.5


_ATOMS = (str, int, float, bool, type(None))


def json_copy(value: Any) -> Any:
    """``copy.deepcopy`` for JSON documents: dicts, lists and atoms are copied by a plain recursion
    (several times faster than deepcopy's memo and dispatch), anything else by ``copy.deepcopy``.
    A JSON document has no shared parts and no cycles, so the copy is the same value."""
    kind = type(value)
    if kind is dict:
        return {key: json_copy(item) for key, item in value.items()}
    if kind is list:
        return [json_copy(item) for item in value]
    if kind in _ATOMS:
        return value
    return copy.deepcopy(value)


# moto's ASL engine deep-copies the state document at every step (each path, each result, each
# state's input and output, every history event); these modules do it through ``copy.deepcopy``.
_COPYING_MODULES = (
    "moto.stepfunctions.parser.asl.eval.states",
    "moto.stepfunctions.parser.asl.eval.environment",
    "moto.stepfunctions.parser.asl.eval.event.event_manager",
    "moto.stepfunctions.parser.asl.component.common.string.string_expression",
    "moto.stepfunctions.parser.asl.component.common.path.result_path",
    "moto.stepfunctions.parser.asl.component.state.exec.execute_state",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service",
)


@contextlib.contextmanager
def faster_engine() -> Iterator[None]:
    """Costs that dominate a long simulated watch, removed without changing behaviour:
    moto builds a new boto3 client for every Task state (~45 ms each), re-parses
    every JSONPath with a freshly generated parser (~3 ms each, several per state:
    paths, ResultPath, and EventBridge's input paths for every delivered event),
    parses the definition anew for its validation and for every execution (~0.7 s
    each; a watch hands over to a new execution every few hundred polls, and every
    run creates its state machine), and deep-copies the state document with
    ``copy.deepcopy`` several times per state. Clients are reused for the run
    (botocore clients are thread-safe); parsed paths are cached (matching does not
    mutate them); parsed definitions are shared for the process, which moto's design
    allows: its components keep per-execution state in the execution's own ``env``;
    JSON documents are copied by ``json_copy``. botocore sanitizes the same
    User-Agent parts on every request; the sanitized text is cached. Every boto3
    session loads the service models anew; one loader serves them for the process. A failing
    state's error log renders the whole component tree even when the log is off. moto's DynamoDB
    sizes an item's attributes quadratically while building it (``_item_init``)."""
    import importlib
    import sys

    import botocore.useragent
    import jsonpath_ng
    import jsonpath_ng.ext
    from moto.core import responses as moto_responses
    from moto.dynamodb.models.dynamo_type import Item
    from moto.stepfunctions.parser.asl.component.common.path import result_path
    from moto.stepfunctions.parser.asl.component.eval_component import LOG as EVAL_LOG
    from moto.stepfunctions.parser.asl.component.eval_component import EvalComponent
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
    from moto.stepfunctions.parser.asl.utils import boto_client, json_path

    original_client_for = boto_client.boto_client_for
    cached_parse = cache(jsonpath_ng.ext.parse)
    cached_plain_parse = cache(jsonpath_ng.parse)
    clients: dict[tuple[str, str], Any] = {}

    def client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        key = (region, service)
        if key not in clients:
            clients[key] = original_client_for(region=region, service=service, state_credentials=state_credentials)
        return clients[key]

    json_copying = types.SimpleNamespace(deepcopy=json_copy)
    original_log_failure = EvalComponent._log_failure_event_exception
    original_log_exception = EvalComponent._log_exception

    def log_failure(self: Any, failure_event_exception: Any) -> None:
        if EVAL_LOG.isEnabledFor(logging.ERROR):
            original_log_failure(self, failure_event_exception)

    def log_exception(self: Any, exception: Exception) -> None:
        if EVAL_LOG.isEnabledFor(logging.ERROR):
            original_log_exception(self, exception)

    # Modules that imported the function by name hold their own reference.
    importlib.import_module("moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_factory")
    holders = [module for name, module in list(sys.modules.items())
               if name.startswith("moto.stepfunctions.parser") and
               getattr(module, "boto_client_for", None) is original_client_for]
    with contextlib.ExitStack() as stack:
        for module in holders:
            stack.enter_context(mock.patch.object(module, "boto_client_for", client_for))
        for name in _COPYING_MODULES:
            stack.enter_context(mock.patch.object(importlib.import_module(name), "copy", json_copying))
        stack.enter_context(mock.patch.object(json_path, "parse", cached_parse))
        # Every API call lists its response class's methods with inspect.getmembers to find the action.
        stack.enter_context(mock.patch.object(moto_responses, "method_names_from_class",
                                              cache(moto_responses.method_names_from_class)))
        stack.enter_context(mock.patch.object(result_path, "parse", cached_plain_parse))
        # moto.events imports it inside the function that renders each target's input.
        stack.enter_context(mock.patch.object(jsonpath_ng.ext, "parse", cached_parse))
        stack.enter_context(mock.patch.object(
            AmazonStateLanguageParser, "parse", staticmethod(_parse_once(AmazonStateLanguageParser.parse))))
        stack.enter_context(mock.patch.object(
            botocore.useragent, "sanitize_user_agent_string_component",
            cache(botocore.useragent.sanitize_user_agent_string_component)))
        stack.enter_context(one_model_loader())
        stack.enter_context(mock.patch.object(Item, "__init__", _item_init))
        stack.enter_context(mock.patch.object(EvalComponent, "_log_failure_event_exception", log_failure))
        stack.enter_context(mock.patch.object(EvalComponent, "_log_exception", log_exception))
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
