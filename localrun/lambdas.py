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


class HandlerRouter:
    """Replaces ``LambdaSimpleBackend.invoke`` while installed."""

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

        with mock.patch.object(LambdaSimpleBackend, "invoke", invoke):
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
