"""Pass states that turn a caught failure into the ``ERROR`` status the Lambda steps
return, so one publish step reports every watch error in one format (``WatchErrorDetail``)."""

from __future__ import annotations

import re

from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from conversion_watch import contract as c
from conversion_watch.kinds import TASK_KINDS

JSON_NULL = "States.StringToJson('null')"


def record_watch_failure(
    scope: Construct,
    state_id: str,
    *,
    error_code: str,
    message_format: str,
    failed_poll: bool,
) -> sfn.Pass:
    """A Pass state that turns a caught failure (at ``$.failure``) of a running
    watch into the ``ERROR`` status the poll step would have returned, so the
    same publish step reports it (``WatchErrorDetail`` shape, the same fields).

    ``failed_poll``: the failure is a poll that never returned, so it is counted
    (a first poll that failed after its retries reports ``pollCount`` 1)."""
    message = f"States.Format('{message_format}', $.failure.Error)"
    detail: dict[str, object] = {
        "eventId.$": "States.Format('{}#{}', $.watch.taskId, States.MathAdd($.watch.sequence, 1))",
        "sequence.$": "States.MathAdd($.watch.sequence, 1)",
        "taskType.$": "$.watch.taskType",
        "taskId.$": "$.watch.taskId",
        "errorCode": error_code,
        "message.$": message,
        # Step Functions gives EnteredTime as UTC with milliseconds and "Z", the Lambda steps' form.
        "observedAt.$": "$$.State.EnteredTime",
        "watchStartedAt.$": "$.watch.watchStartedAt",
        "pollCount.$": "States.MathAdd($.watch.pollCount, 1)" if failed_poll else "$.watch.pollCount",
        "lastKnownState.$": "$.watch.lastKnownState",
    }
    return sfn.Pass(
        scope,
        state_id,
        parameters={
            "watch.$": "$.watch",
            "status": {"outcome": c.OUTCOME_ERROR, "errorCode": error_code, "message.$": message, "detail": detail},
        },
    )


def names_a_task(path: str) -> sfn.Condition:
    """``path`` holds a ``taskType`` of the registry and a ``taskId`` that looks like one of its
    ids (a glob of the id pattern's literal prefix: ASL has no regular expressions)."""
    return sfn.Condition.or_(*[
        sfn.Condition.and_(
            sfn.Condition.is_present(f"{path}.taskType"),
            sfn.Condition.is_string(f"{path}.taskType"),
            sfn.Condition.string_equals(f"{path}.taskType", task_kind.task_type),
            sfn.Condition.is_present(f"{path}.taskId"),
            sfn.Condition.is_string(f"{path}.taskId"),
            sfn.Condition.string_matches(f"{path}.taskId", id_glob(task_kind.id_pattern.pattern)),
        )
        for task_kind in TASK_KINDS.values()
    ])


def id_glob(pattern: str) -> str:
    """``^import-(i|vol)-[0-9a-z]{8,32}$`` -> ``import-*``: the literal start of a task id pattern."""
    literal = re.match(r"\^?([A-Za-z0-9_-]*)", pattern)
    prefix = literal.group(1) if literal else ""
    return f"{prefix}*"


def record_validation_failure(scope: Construct, state_id: str, *, named: bool) -> sfn.Pass:
    """The error event of a request whose validation step failed after retries (from
    ``Recall The Request``'s ``$.error`` and ``$.request``). No watch was opened: the id
    is the execution's (``conversion_watch.watch.rejected_event_id``), never ``<taskId>#<n>``."""
    message = "States.Format('validation step failed after retries: {}', $.error)"
    detail: dict[str, object] = {
        "eventId.$": f"States.Format('{{}}#{c.REJECTED_MARKER}', $$.Execution.Name)",
        "sequence": 1,
        "errorCode": c.ERROR_RETRIES_EXHAUSTED,
        "message.$": message,
        "observedAt.$": "$$.State.EnteredTime",
        # No watch was opened: the same fields as every error event, null (CDK drops a literal None).
        "lastKnownState.$": JSON_NULL,
        "watchStartedAt.$": JSON_NULL,
        "pollCount": 0,
    }
    if named:
        detail |= {"taskType.$": "$.request.taskType", "taskId.$": "$.request.taskId"}
    return sfn.Pass(
        scope,
        state_id,
        parameters={
            "watch": None,
            "status": {"outcome": c.OUTCOME_ERROR, "errorCode": c.ERROR_RETRIES_EXHAUSTED, "message.$": message,
                       "detail": detail},
        },
    )
