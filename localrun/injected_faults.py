"""The scenario's watch-table outages and Lambda crash windows, applied to a local run.

* ``faults.tableOutages``: every DynamoDB call (the state machine's own DynamoDB steps
  and the handlers' SDK calls alike, since both reach moto's DynamoDB endpoint) is
  answered as DynamoDB answers a server-side failure: HTTP 500, ``InternalServerError``.
* ``faults.lambdaCrashes``: every Lambda invocation made by a state machine execution
  fails before the handler runs, as a runtime that died does (an unhandled
  ``Runtime.ExitError``); the sweeper and starters are not the state machine's and run.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

from localrun.lambdas import HandlerRouter
from localrun.moto_patches import targets
from localrun.moto_patches.timewarp import current_execution_arn
from localrun.services.faults import FaultPlan, within

TABLE_FAULT_CODE = "InternalServerError"
CRASH_ERROR_TYPE = "Runtime.ExitError"


@contextlib.contextmanager
def install(plan: FaultPlan, seconds: Callable[[], float], counts: Counter[str]) -> Iterator[None]:
    """Apply ``plan``'s windows on the simulated clock ``seconds``; ``counts`` tallies what failed."""
    with contextlib.ExitStack() as stack:
        if plan.table_outages:
            stack.enter_context(_table_outages(plan.table_outages, seconds, counts))
        if plan.lambda_crashes:
            stack.enter_context(_lambda_crashes(plan.lambda_crashes, seconds, counts))
        yield


@contextlib.contextmanager
def _table_outages(windows: tuple[tuple[float, float], ...], seconds: Callable[[], float],
                   counts: Counter[str]) -> Iterator[None]:
    DynamoHandler = targets.dynamodb_handler()
    original = DynamoHandler.call_action

    def call_action(self: Any) -> Any:
        if within(windows, seconds()):
            counts["dynamodb:Outage"] += 1
            body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{TABLE_FAULT_CODE}",
                               "message": "Internal server error"})
            return 500, {"x-amzn-RequestId": str(uuid.uuid4()), "Content-Type": "application/x-amz-json-1.0"}, body
        return original(self)

    with mock.patch.object(DynamoHandler, "call_action", call_action):
        yield


@contextlib.contextmanager
def _lambda_crashes(windows: tuple[tuple[float, float], ...], seconds: Callable[[], float],
                    counts: Counter[str]) -> Iterator[None]:
    original = HandlerRouter.invoke

    def invoke(self: HandlerRouter, function_name: str, function_arn: str, body: Any,
               response_headers: dict[str, str]) -> bytes:
        if current_execution_arn() and within(windows, seconds()):
            counts["lambda:Crash"] += 1
            request_id = str(uuid.uuid4())
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps({
                "errorType": CRASH_ERROR_TYPE,
                "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: signal: killed",
            }).encode()
        return original(self, function_name, function_arn, body, response_headers)

    with mock.patch.object(HandlerRouter, "invoke", invoke):
        yield
