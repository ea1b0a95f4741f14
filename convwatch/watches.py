"""The three commands as functions returning plain dicts (printed as text or JSON)."""

from __future__ import annotations

import json
from typing import Any

from conversion_watch.contract import OUTCOME_ERROR, STEP_POLL
from conversion_watch.errors import InvalidInput, TransientError, WatchError
from conversion_watch.errors import Throttled as ServiceThrottled
from conversion_watch.naming import execution_name
from conversion_watch.starter import start_watch, task_id_of_execution, task_type_of
from convwatch.deployment import Deployment, aws_call
from convwatch.errors import AwsRefused, InvalidArguments, Throttled, WatchNotFound

POLL_STATE = STEP_POLL  # the state whose output is the watch's last observation
MAX_GENERATIONS = 1000  # a year of hand-overs is ~200; guards against a loop in corrupt output


def start(deployment: Deployment, task_type: str, task_id: str) -> dict[str, Any]:
    sfn = deployment.client("stepfunctions")
    try:
        result = aws_call(lambda: start_watch(sfn, deployment.state_machine_arn, task_type, task_id),
                          f"StartExecution {execution_name(task_id) if task_id else ''}".strip())
    except InvalidInput as error:
        raise InvalidArguments(error.message) from None
    except ServiceThrottled as error:
        raise Throttled(f"{error}; try again in a minute") from None
    except (WatchError, TransientError) as error:  # AccessDenied, Throttled... named by the shared starter
        raise AwsRefused(str(error)) from None
    return result.as_dict()  # type: ignore[no-any-return]


def status(deployment: Deployment, task_id: str) -> dict[str, Any]:
    sfn = deployment.client("stepfunctions")
    name = execution_name(task_id)
    described = _describe(sfn, deployment, name, task_id)
    generation = 1
    while generation < MAX_GENERATIONS and described["status"] == "SUCCEEDED":
        next_name = (_json(described.get("output")) or {}).get("status", {}).get("nextExecutionName")
        if not next_name:
            break
        described = _describe(sfn, deployment, next_name, task_id)
        generation += 1
    watch_input = _json(described.get("input")) or {}
    report: dict[str, Any] = {
        "taskId": task_id,
        "taskType": watch_input.get("taskType") or task_type_of(task_id),
        "execution": described["name"],
        "executionArn": described["executionArn"],
        "executionStatus": described["status"],
        "generation": generation,
        "startedAt": _iso(described.get("startDate")),
        "stoppedAt": _iso(described.get("stopDate")),
        "lastKnown": last_observation(sfn, described),
    }
    if described.get("error") or described.get("cause"):
        report["error"] = {"error": described.get("error"), "cause": described.get("cause")}
    return report


def list_running(deployment: Deployment) -> list[dict[str, Any]]:
    sfn = deployment.client("stepfunctions")
    pages = aws_call(
        lambda: list(sfn.get_paginator("list_executions").paginate(
            stateMachineArn=deployment.state_machine_arn, statusFilter="RUNNING"
        )),
        "ListExecutions",
    )
    rows = []
    for page in pages:
        for execution in page.get("executions", []):
            task_id = task_id_of_execution(execution["name"])
            rows.append({
                "taskId": task_id,
                "taskType": task_type_of(task_id) if task_id else None,
                "execution": execution["name"],
                "startedAt": _iso(execution.get("startDate")),
            })
    return sorted(rows, key=lambda row: (row["startedAt"] or "", row["execution"]))


def last_observation(sfn: Any, described: dict[str, Any]) -> dict[str, Any] | None:
    """The latest output of the poll step, from the execution's history (newest first)."""
    arn = described["executionArn"]

    def latest_poll_exit() -> dict[str, Any] | None:
        # Pages are fetched while iterating: the whole loop runs inside aws_call.
        for page in sfn.get_paginator("get_execution_history").paginate(
            executionArn=arn, reverseOrder=True, includeExecutionData=True
        ):
            exits = [
                event for event in page.get("events", [])
                if event.get("type", "").endswith("StateExited")
                and event.get("stateExitedEventDetails", {}).get("name") == POLL_STATE
            ]
            if exits:
                return max(exits, key=lambda event: event["id"])  # type: ignore[no-any-return]
        return None

    latest = aws_call(latest_poll_exit, "GetExecutionHistory")
    document = _json(latest["stateExitedEventDetails"].get("output")) if latest else None
    if not document:
        document = _json(described.get("output"))  # a finished execution's final document
    return _summarize(document) if document else None


def _summarize(document: dict[str, Any]) -> dict[str, Any] | None:
    watch, status = document.get("watch") or {}, document.get("status") or {}
    last = watch.get("last") or {}
    if not last and status.get("outcome") != OUTCOME_ERROR:
        return None
    summary = {
        "state": last.get("state"),
        "serviceState": last.get("serviceState"),
        "statusMessage": last.get("statusMessage"),
        "pollCount": watch.get("pollCount"),
        "lastChangeAt": watch.get("lastChangeAt"),
    }
    if status.get("outcome") == OUTCOME_ERROR:
        summary["watchError"] = {"errorCode": status.get("errorCode"), "message": status.get("message")}
    return summary


def _describe(sfn: Any, deployment: Deployment, name: str, task_id: str) -> dict[str, Any]:
    arn = execution_arn(deployment.state_machine_arn, name)
    return aws_call(  # type: ignore[no-any-return]
        lambda: sfn.describe_execution(executionArn=arn),
        f"DescribeExecution {name}",
        not_found=lambda: WatchNotFound(f"task {task_id} is not watched: no execution {name} on this state machine"),
        not_found_codes=("ExecutionDoesNotExist",),
    )


def execution_arn(state_machine_arn: str, name: str) -> str:
    """arn:<p>:states:<r>:<a>:stateMachine:<sm> -> arn:<p>:states:<r>:<a>:execution:<sm>:<name>"""
    prefix, _, machine = state_machine_arn.rpartition(":stateMachine:")
    if not prefix:
        raise InvalidArguments(f"{state_machine_arn!r} is not a state machine ARN")
    return f"{prefix}:execution:{machine}:{name}"


def _json(text: Any) -> Any:
    if not isinstance(text, str):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None
