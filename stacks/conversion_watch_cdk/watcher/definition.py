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
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from conversion_watch import contract as c
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


# An EventBridge outage is ridden out, not just a blip: 50 attempts, the delay doubling from
# 2 s to a 5 min cap, full jitter (docs/reliability.md: about 1.8 h on average,
# at least an hour but for odds below one in a million; one billed transition per attempt).
PUBLISH_RETRY = RetryPolicy(
    interval_seconds=c.PUBLISH_RETRY_INTERVAL_SECONDS,
    max_attempts=c.PUBLISH_RETRY_MAX_ATTEMPTS,
    max_delay_seconds=c.PUBLISH_RETRY_MAX_DELAY_SECONDS,
)
DYNAMODB_ERRORS = [
    "DynamoDB.ProvisionedThroughputExceededException",
    "DynamoDB.RequestLimitExceeded",
    "DynamoDB.ThrottlingException",
    "DynamoDB.InternalServerErrorException",
    "DynamoDB.AmazonDynamoDBException",
]
CONDITION_FAILED = "DynamoDB.ConditionalCheckFailedException"


def build_definition(
    scope: Construct,
    *,
    validate_function: lambda_.IFunction,
    poll_function: lambda_.IFunction,
    event_bus: events.IEventBus,
    event_source: str,
    retry: RetryPolicy,
    table: dynamodb.ITable,
) -> sfn.IChainable:
    superseded = sfn.Fail(
        scope,
        "Watch Superseded",
        error=c.WATCH_SUPERSEDED,
        cause="Another execution holds this task's watch in the registry (it took over); this one stops unheard.",
    )

    def record(state_id: str, *, update: str, values: dict[str, tasks.DynamoAttributeValue],
               names: dict[str, str], comment: str) -> tasks.DynamoUpdateItem:
        """A registry write, conditional on this execution still holding the task's watch."""
        step = tasks.DynamoUpdateItem(
            scope,
            state_id,
            table=table,
            key={
                c.TABLE_PARTITION_KEY: tasks.DynamoAttributeValue.from_string(
                    sfn.JsonPath.format("TASK#{}", sfn.JsonPath.string_at("$.watch.taskId"))
                ),
                c.TABLE_SORT_KEY: tasks.DynamoAttributeValue.from_string(c.REGISTRY_ITEM),
            },
            update_expression=update,
            condition_expression="#holder = :me",
            expression_attribute_names={"#holder": c.REG_HOLDER, **names},
            expression_attribute_values={
                ":me": tasks.DynamoAttributeValue.from_string(sfn.JsonPath.string_at("$$.Execution.Id")),
                **values,
            },
            result_path=sfn.JsonPath.DISCARD,
            comment=comment,
        )
        retry.apply(step, DYNAMODB_ERRORS)
        return step

    def as_json(path: str) -> tasks.DynamoAttributeValue:
        return tasks.DynamoAttributeValue.from_string(sfn.JsonPath.json_to_string(sfn.JsonPath.object_at(path)))

    def as_number(path: str) -> tasks.DynamoAttributeValue:
        return tasks.DynamoAttributeValue.number_from_string(
            sfn.JsonPath.json_to_string(sfn.JsonPath.number_at(path))
        )

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
        PUBLISH_RETRY.apply(task, EVENTBRIDGE_ERRORS)
        task.add_catch(delivery_failed, errors=["States.ALL"], result_path="$.deliveryFailure")
        return task

    delivery_failed = sfn.Fail(
        scope,
        "Event Delivery Failed",
        error="EventDeliveryFailed",
        cause="EventBridge did not accept the event after all retries; the watch stopped so no event is skipped.",
    )
    watch_failed = sfn.Fail(scope, "Watch Failed", error_path="$.status.errorCode", cause_path="$.status.message")
    # A running watch's error: its sequence is spent, so a resume continues after it.
    record_error = record(
        c.STEP_RECORD_ERROR_DELIVERY,
        update="SET #sequence = :sequence, #error = :error",
        names={"#sequence": c.REG_SEQUENCE, "#error": c.REG_ERROR_CODE},
        values={":sequence": as_number("$.status.detail.sequence"),
                ":error": tasks.DynamoAttributeValue.from_string(sfn.JsonPath.string_at("$.status.errorCode"))},
        comment="Registry: this watch error was delivered (a final one stops any resume).",
    )
    record_error.add_catch(watch_failed, errors=["States.ALL"], result_path="$.recordFailure")
    record_error.next(watch_failed)
    publish_error = publish("Publish Watch Error", WATCH_ERROR).next(
        sfn.Choice(scope, "Is Watch Registered?")
        .when(sfn.Condition.is_present("$.watch.taskId"), record_error)
        .otherwise(watch_failed)
    )

    validate = tasks.LambdaInvoke(
        scope,
        "Validate Watch Request",
        lambda_function=validate_function,
        payload=sfn.TaskInput.from_object(
            {"input.$": "$", "executionName.$": "$$.Execution.Name", "executionArn.$": "$$.Execution.Id"}
        ),
        result_selector={"watch.$": "$.Payload.watch", "status.$": "$.Payload.status"},
        retry_on_service_exceptions=False,
        comment="Checks the request and claims the task's watch in the registry (start, hand-over or resume).",
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
    blocked = record_watch_failure(
        scope,
        "Record Hand Over Blocked",
        error_code=c.HAND_OVER_BLOCKED,
        message_format="the next name is held by an execution that is not the successor of this watch: {}",
        failed_poll=False,
    ).next(publish_error)
    confirm = tasks.LambdaInvoke(
        scope,
        c.STEP_CONFIRM_SUCCESSOR,
        lambda_function=validate_function,
        payload=sfn.TaskInput.from_object(
            {"confirmSuccessor": {"executionArn.$": "$$.Execution.Id", "name.$": "$.status.nextExecutionName"}}
        ),
        result_selector={"isSuccessor.$": "$.Payload.isSuccessor", "Error.$": "$.Payload.reason"},
        result_path="$.failure",
        retry_on_service_exceptions=False,
        comment="The next name was taken: is its holder the execution this one started (a retried start)?",
    )
    retry.apply(confirm, [*LAMBDA_SERVICE_ERRORS, *RETRYABLE_ERROR_NAMES])
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
    # A retry after a start that did succeed finds the same name taken: handed over, if the
    # holder is this execution's own successor; anything else holding it blocks the watch.
    hand_over.add_catch(
        confirm,
        errors=["StepFunctions.ExecutionAlreadyExistsException", "StepFunctions.ExecutionAlreadyExists"],
        result_path="$.failure",
    )
    # Any other failure would end the watch silently: report it like a poll failure.
    hand_over_failed = record_watch_failure(
        scope,
        "Record Hand Over Failure",
        error_code="HandOverFailed",
        message_format="could not start the next execution: {}",
        failed_poll=False,
    ).next(publish_error)
    hand_over.add_catch(hand_over_failed, errors=["States.ALL"], result_path="$.failure")
    confirm.add_catch(hand_over_failed, errors=["States.ALL"], result_path="$.failure")
    hand_over.next(handed_over)
    confirm.next(
        sfn.Choice(scope, "Is It Our Successor?")
        .when(sfn.Condition.boolean_equals("$.failure.isSuccessor", True), handed_over)
        .otherwise(blocked)
    )

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
    record_pending = record(
        c.STEP_RECORD_PENDING,
        update="SET #pending = :pending, #pendingWatch = :watch",
        names={"#pending": c.REG_PENDING, "#pendingWatch": c.REG_PENDING_WATCH},
        values={":pending": as_json("$.status.detail"), ":watch": as_json("$.watch")},
        comment="Registry: the change about to be published (a resume delivers it if this execution cannot).",
    )
    record_pending.add_catch(superseded, errors=[CONDITION_FAILED], result_path="$.recordFailure")
    record_delivery = record(
        c.STEP_RECORD_DELIVERY,
        update="SET #sequence = :sequence, #watch = :watch REMOVE #pending, #pendingWatch",
        names={"#sequence": c.REG_SEQUENCE, "#watch": c.REG_WATCH, "#pending": c.REG_PENDING,
               "#pendingWatch": c.REG_PENDING_WATCH},
        values={":sequence": as_number("$.status.detail.sequence"), ":watch": as_json("$.watch")},
        comment="Registry: the change was delivered; a resume continues after it.",
    )
    record_delivery.add_catch(superseded, errors=[CONDITION_FAILED], result_path="$.recordFailure")
    record_failed = record_watch_failure(
        scope, "Record Registry Failure", error_code="RetriesExhausted",
        message_format="the watch registry could not be updated after retries: {}",
        failed_poll=False,
    ).next(publish_error)
    record_pending.add_catch(record_failed, errors=["States.ALL"], result_path="$.failure")
    record_delivery.add_catch(record_failed, errors=["States.ALL"], result_path="$.failure")
    publish_change = record_pending
    record_pending.next(publish("Publish State Change", STATE_CHANGE)).next(record_delivery).next(is_finished)

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
        # A resume whose last change was recorded but never confirmed delivered: deliver it first.
        .when(sfn.Condition.string_equals("$.status.outcome", "OBSERVED"), publish_change)
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
