"""Route moto's ``lambda:invoke`` to the real handlers in ``lambda_src/``, in-process.

moto's Lambda without Docker only echoes the payload; here each invoke imports
the module named by the function's ``Handler`` setting and calls it with a
Powertools-compatible context. An exception becomes what Lambda returns for an
unhandled error (``X-Amz-Function-Error: Unhandled`` and an ``errorType`` /
``errorMessage`` payload), so the state machine's Retry/Catch see the error
name the handler raised (``Throttled``, ``ServiceUnavailable``, ...).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import threading
import traceback
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

from localrun import one_at_a_time
from localrun.lambda_context import FakeLambdaContext
from localrun.moto_patches import targets
from localrun.moto_patches.timewarp import current_execution_arn


class HandlerNotFound(RuntimeError):
    """A function's ``Handler`` names a module or attribute that does not exist in lambda_src/."""


def load_handler(handler: str) -> Callable[[Any, Any], Any]:
    """``conversion_watch.handlers.poll_task.handler`` -> the callable, imported from the installed runtime package."""
    module_name, _, attribute = handler.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise HandlerNotFound(
            f"Handler {handler!r}: cannot import {module_name!r} (is conversion-watch installed?)"
        ) from error
    function = getattr(module, attribute, None)
    if not callable(function):
        raise HandlerNotFound(f"Handler {handler!r}: {module_name} has no callable {attribute!r}")
    return function  # type: ignore[no-any-return]


def _decoded(payload: bytes) -> Any:
    """The payload as the Task state reads it: JSON when it parses, else the text."""
    text = payload.decode("utf-8")
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


class HandlerRouter:
    """Replaces ``LambdaSimpleBackend.invoke`` (``lambda:invoke`` through the API) and the
    ``lambda:invoke`` Task state's call while installed."""

    def __init__(self, handlers: dict[str, str]) -> None:
        """``handlers``: function name -> its ``Handler`` setting."""
        self._handlers = {name: load_handler(setting) for name, setting in handlers.items()}
        self._lock = threading.Lock()
        self.invocations: Counter[str] = Counter()  # by execution ARN ("" outside executions)
        self.by_function: Counter[str] = Counter()

    @contextlib.contextmanager
    def install(self) -> Iterator[None]:
        LambdaSimpleBackend = targets.lambda_simple_backend()

        router = self

        def invoke(backend: Any, function_name: str, qualifier: str | None, body: Any,
                   headers: Any, response_headers: dict[str, str]) -> bytes:
            function = backend.get_function(function_name, qualifier)
            return router.invoke(function.function_name, function.function_arn, body, response_headers)

        def invoke_from_task(parameters: dict[str, Any], region: str, state_credentials: Any) -> dict[str, Any]:
            # What moto's Lambda API answers (status 200, the payload, FunctionError when the handler
            # raised), without the HTTP round trip through botocore and moto's dispatch: that trip
            # was a sixth of a fleet run's time and exercises nothing of ours.
            function = targets.lambda_function(parameters["FunctionName"], parameters.get("Qualifier"), region)
            response_headers: dict[str, str] = {}
            payload = router.invoke(function.function_name, function.function_arn, parameters.get("Payload"),
                                    response_headers)
            response: dict[str, Any] = {"StatusCode": 200, "Payload": _decoded(payload)}
            if "x-amz-function-error" in response_headers:
                response["FunctionError"] = response_headers["x-amz-function-error"]
            return response

        task_module, task_invoke = targets.lambda_task_invoke()
        with mock.patch.object(LambdaSimpleBackend, "invoke", invoke), \
                mock.patch.object(task_module, task_invoke, invoke_from_task):
            yield

    def invoke(self, function_name: str, function_arn: str, body: Any, response_headers: dict[str, str]) -> bytes:
        handler = self._handlers.get(function_name)
        if handler is None:
            raise HandlerNotFound(f"no handler routed for Lambda function {function_name!r}")
        with self._lock:
            self.invocations[current_execution_arn() or ""] += 1
            self.by_function[function_name] += 1
        event = json.loads(body) if body else {}
        request_id = str(uuid.uuid4())
        context = FakeLambdaContext(
            function_name=function_name,
            invoked_function_arn=function_arn,
            aws_request_id=request_id,
            log_group_name=f"/aws/lambda/{function_name}",
        )
        try:
            with one_at_a_time.invocation():
                result = handler(event, context)
        except Exception as error:  # noqa: BLE001 - Lambda turns any exception into a function error
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps(
                {
                    "errorMessage": str(error),
                    "errorType": type(error).__name__,
                    "requestId": request_id,
                    "stackTrace": traceback.format_tb(error.__traceback__),
                }
            ).encode()
        return json.dumps(result).encode()
