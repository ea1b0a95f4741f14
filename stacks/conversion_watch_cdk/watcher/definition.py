"""The watch loop as Step Functions states.

An idle loop costs three billed transitions: Wait -> Poll -> Check. Events are
published only when the poll step reports a change, and the hand-over to a
fresh execution ("continue as new") happens before the 25,000-event history
limit can be reached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from aws_cdk import Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from conversion_watch.contract import ACTIVE_STATES, REJECTED_MARKER
from conversion_watch.kinds import TASK_KINDS
from conversion_watch_cdk.watcher.contract import RETRYABLE_ERROR_NAMES, STATE_CHANGE, THROTTLED, WATCH_ERROR

JSON_NULL = "States.StringToJson('null')"
LAMBDA_SERVICE_ERRORS = [
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
    "Lambda.ClientExecutionTimeoutException",
    # Time-out or out-of-memory; safe to retry because both steps only read.
    "Lambda.Unknown",
    "Sandbox.Timedout",  # how newer runtimes report a function time-out
]
EVENTBRIDGE_ERRORS = [
    "EventBridge.FailedEntry",
    "EventBridge.EventBridgeException",
    "EventBridge.InternalException",
    "EventBridge.ThrottlingException",
]


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """Exponential backoff with full jitter, capped."""

    interval_seconds: int = 2
    max_attempts: int = 6
    backoff_rate: float = 2.0
    max_delay_seconds: int = 60

    def apply(self, state: sfn.TaskStateBase | sfn.CustomState, errors: list[str]) -> None:
        state.add_retry(
            errors=errors,
            interval=Duration.seconds(self.interval_seconds),
            max_attempts=self.max_attempts,
            backoff_rate=self.backoff_rate,
            max_delay=Duration.seconds(self.max_delay_seconds),
            jitter_strategy=sfn.JitterType.FULL,
        )


def build_definition(
    scope: Construct,
    *,
    validate_function: lambda_.IFunction,
    poll_function: lambda_.IFunction,
    event_bus: events.IEventBus,
    event_source: str,
    retry: RetryPolicy,
) -> sfn.IChainable:
    def publish(state_id: str, detail_type: str) -> tasks.EventBridgePutEvents:
        task = tasks.EventBridgePutEvents(
            scope,
            state_id,
            entries=[
                tasks.EventBridgePutEventsEntry(
                    detail=sfn.TaskInput.from_json_path_at("$.status.detail"),
                    detail_type=detail_type,
                    source=event_source,
                    event_bus=event_bus,
                )
            ],
            result_path=sfn.JsonPath.DISCARD,
            comment=f"Publishes a '{detail_type}' event (optimized EventBridge integration).",
        )
        retry.apply(task, EVENTBRIDGE_ERRORS)
        task.add_catch(delivery_failed, errors=["States.ALL"], result_path="$.deliveryFailure")
        return task

    delivery_failed = sfn.Fail(
        scope,
        "Event Delivery Failed",
        error="EventDeliveryFailed",
        cause="EventBridge did not accept the event after all retries; the watch stopped so no event is skipped.",
    )
    watch_failed = sfn.Fail(scope, "Watch Failed", error_path="$.status.errorCode", cause_path="$.status.message")
    publish_error = publish("Publish Watch Error", WATCH_ERROR).next(watch_failed)

    validate = tasks.LambdaInvoke(
        scope,
        "Validate Watch Request",
        lambda_function=validate_function,
        payload=sfn.TaskInput.from_object({"input.$": "$", "executionName.$": "$$.Execution.Name"}),
        result_selector={"watch.$": "$.Payload.watch", "status.$": "$.Payload.status"},
        retry_on_service_exceptions=False,
        comment="Checks task type and task id format before any API call.",
    )
    retry.apply(validate, LAMBDA_SERVICE_ERRORS)
    # The validation step itself failed (after retries): no watch was opened. The error event
    # still names the task when the input named a valid pair, and its id is the execution's.
    recall = sfn.Pass(
        scope,
        "Recall The Request",
        parameters={"error.$": "$.Error", "request.$": "$$.Execution.Input"},
        comment="Keeps the caught error and the execution's input for the error event.",
    )
    recall.next(
        sfn.Choice(scope, "Does The Request Name A Task?")
        .when(names_a_task("$.request"), record_validation_failure(scope, "Record Validation Failure", named=True)
              .next(publish_error))
        .otherwise(record_validation_failure(scope, "Record Validation Failure Of Unnamed Task", named=False)
                   .next(publish_error))
    )
    validate.add_catch(recall, errors=["States.ALL"], result_path="$")

    poll = tasks.LambdaInvoke(
        scope,
        "Poll Conversion Task",
        lambda_function=poll_function,
        payload=sfn.TaskInput.from_object({"watch.$": "$.watch"}),
        result_selector={"watch.$": "$.Payload.watch", "status.$": "$.Payload.status"},
        retry_on_service_exceptions=False,
        comment="Calls DescribeConversionTasks or GetLicenseConversionTask and normalizes the state.",
    )
    # Throttling gets twice the attempts: License Manager's RateLimitExceededException is not one of
    # the codes botocore retries itself: at a sustained 20 % throttle rate, 7 straight failures (the
    # general policy) would end about one in ten month-long watches (8,640 polls); 11, one in 5,000.
    replace(retry, max_attempts=min(2 * retry.max_attempts, 10)).apply(poll, [THROTTLED])
    retry.apply(poll, [*LAMBDA_SERVICE_ERRORS, *(e for e in RETRYABLE_ERROR_NAMES if e != THROTTLED)])
    poll.add_catch(
        record_watch_failure(
            scope,
            "Record Poll Failure",
            error_code="RetriesExhausted",
            message_format="polling failed after retries: {}",
            failed_poll=True,
        ).next(publish_error),
        errors=["States.ALL"],
        result_path="$.failure",
    )

    wait = sfn.Wait(
        scope,
        "Wait Before Next Poll",
        time=sfn.WaitTime.seconds_path("$.status.waitSeconds"),
        comment="Interval computed by the poll step: short after a change, growing while nothing changes.",
    )
    wait.next(poll)

    hand_over = sfn.CustomState(
        scope,
        "Hand Over To New Execution",
        state_json={
            "Type": "Task",
            "Comment": "Continue as new: a fresh execution carries the watch before the history limit.",
            "Resource": f"arn:{Stack.of(scope).partition}:states:::states:startExecution",
            "Parameters": {
                "StateMachineArn.$": "$$.StateMachine.Id",
                "Name.$": "$.status.nextExecutionName",
                "Input": {
                    "taskType.$": "$.watch.taskType",
                    "taskId.$": "$.watch.taskId",
                    "continuation.$": "$.status.continuation",
                    "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id",
                },
            },
            "ResultPath": None,
        },
    )
    handed_over = sfn.Succeed(scope, "Handed Over", comment="The watch goes on in the next execution.")
    retry.apply(
        hand_over,
        [
            "StepFunctions.SfnException",
            "StepFunctions.StepFunctionsException",
            "StepFunctions.ExecutionLimitExceededException",
            "StepFunctions.ThrottlingException",
            "States.Timeout",
        ],
    )
    # A retry after a start that did succeed finds the same name taken: already handed over.
    hand_over.add_catch(
        handed_over, errors=["StepFunctions.ExecutionAlreadyExistsException"], result_path=sfn.JsonPath.DISCARD
    )
    # Any other failure would end the watch silently: report it like a poll failure.
    hand_over.add_catch(
        record_watch_failure(
            scope,
            "Record Hand Over Failure",
            error_code="HandOverFailed",
            message_format="could not start the next execution: {}",
            failed_poll=False,
        ).next(publish_error),
        errors=["States.ALL"],
        result_path="$.failure",
    )
    hand_over.next(handed_over)

    unexpected = sfn.Fail(
        scope,
        "Unexpected Poll Result",
        error="UnexpectedPollResult",
        cause="The poll step returned a state this state machine has no branch for.",
    )
    is_active = sfn.Condition.or_(*[sfn.Condition.string_equals("$.status.state", s) for s in ACTIVE_STATES])
    hand_over_due = sfn.Condition.and_(is_active, sfn.Condition.boolean_equals("$.status.handOver", True))

    is_finished = (
        sfn.Choice(scope, "Is Task Finished?")
        .when(sfn.Condition.string_equals("$.status.state", "COMPLETED"),
              sfn.Succeed(scope, "Task Completed", comment="The conversion task completed."))
        .when(sfn.Condition.string_equals("$.status.state", "CANCELLED"),
              sfn.Succeed(scope, "Task Cancelled",
                          comment="Cancelled on request, or cancelled with no sign of a failure (outcomeReason)."))
        .when(sfn.Condition.string_equals("$.status.state", "FAILED"),
              sfn.Fail(scope, "Task Failed", error="ConversionTaskFailed", cause_path="$.status.summary"))
        .when(hand_over_due, hand_over)
        .when(is_active, wait)
        .otherwise(unexpected)
    )
    publish_change = publish("Publish State Change", STATE_CHANGE).next(is_finished)

    observed = sfn.Condition.string_equals("$.status.outcome", "OBSERVED")
    check = (
        sfn.Choice(scope, "Check Poll Result")
        .when(sfn.Condition.string_equals("$.status.outcome", "ERROR"), publish_error)
        # Not visible to the describe API yet (just created): look again shortly.
        .when(sfn.Condition.string_equals("$.status.outcome", "PENDING"), wait)
        .when(sfn.Condition.and_(observed, sfn.Condition.boolean_equals("$.status.changed", True)), publish_change)
        .when(sfn.Condition.and_(observed, hand_over_due), hand_over)
        .when(sfn.Condition.and_(observed, is_active), wait)
        .otherwise(unexpected)
    )
    poll.next(check)

    is_valid = (
        sfn.Choice(scope, "Is Request Valid?")
        .when(sfn.Condition.string_equals("$.status.outcome", "VALID"), poll)
        .otherwise(publish_error)
    )
    return validate.next(is_valid)


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
            "status": {"outcome": "ERROR", "errorCode": error_code, "message.$": message, "detail": detail},
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
        "eventId.$": f"States.Format('{{}}#{REJECTED_MARKER}', $$.Execution.Name)",
        "sequence": 1,
        "errorCode": "RetriesExhausted",
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
            "status": {"outcome": "ERROR", "errorCode": "RetriesExhausted", "message.$": message, "detail": detail},
        },
    )
