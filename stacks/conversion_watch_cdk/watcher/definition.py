"""The watch loop as Step Functions states, read top-down in ``WatchDefinition.chain``.

An idle loop costs three billed transitions: Wait -> Poll -> Check. Events are
published only when the poll step reports a change (recorded in the watch
registry before and after), and the hand-over to a fresh execution ("continue
as new") happens before the 25,000-event history limit can be reached.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property

from aws_cdk import Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from conversion_watch import contract as c
from conversion_watch.contract import ACTIVE_STATES
from conversion_watch.watch_table import TASK_PREFIX
from conversion_watch_cdk.watcher.failures import names_a_task, record_validation_failure, record_watch_failure
from conversion_watch_cdk.watcher.retries import (
    CONDITION_FAILED,
    DYNAMODB_ERRORS,
    EVENTBRIDGE_ERRORS,
    EXECUTION_ALREADY_EXISTS,
    HAND_OVER_ERRORS,
    LAMBDA_SERVICE_ERRORS,
    PUBLISH_RETRY,
    RetryPolicy,
)
from conversion_watch_cdk.watcher.step_comments import poll_comment

__all__ = ["RetryPolicy", "WatchDefinition", "build_definition"]

IS_ACTIVE = sfn.Condition.or_(*[sfn.Condition.string_equals(c.STATUS_STATE, s) for s in ACTIVE_STATES])
HAND_OVER_DUE = sfn.Condition.and_(IS_ACTIVE, sfn.Condition.boolean_equals(c.STATUS_HAND_OVER, True))
OBSERVED = sfn.Condition.string_equals(c.STATUS_OUTCOME, c.OUTCOME_OBSERVED)
CHANGED = sfn.Condition.boolean_equals(c.STATUS_CHANGED, True)


def outcome_is(outcome: str) -> sfn.Condition:
    return sfn.Condition.string_equals(c.STATUS_OUTCOME, outcome)


def build_definition(scope: Construct, **props: object) -> sfn.IChainable:
    """The state machine's definition (see ``WatchDefinition`` for the props)."""
    return WatchDefinition(scope, **props).chain()  # type: ignore[arg-type]


class WatchDefinition:
    """Each state is built once (a cached property), with its retries and catches;
    ``chain`` wires the loop in the order an execution runs it."""

    def __init__(
        self,
        scope: Construct,
        *,
        validate_function: lambda_.IFunction,
        poll_function: lambda_.IFunction,
        event_bus: events.IEventBus,
        event_source: str,
        retry: RetryPolicy,
        table: dynamodb.ITable,
    ) -> None:
        self.scope = scope
        self.validate_function = validate_function
        self.poll_function = poll_function
        self.event_bus = event_bus
        self.event_source = event_source
        self.retry = retry
        self.table = table

    # -- the loop, top-down -------------------------------------------------------------------
    def chain(self) -> sfn.IChainable:
        self.poll.next(self.check)
        self.wait.next(self.poll)
        return self.validate.next(self.is_valid)

    @cached_property
    def validate(self) -> tasks.LambdaInvoke:
        step = tasks.LambdaInvoke(
            self.scope,
            c.STEP_VALIDATE,
            lambda_function=self.validate_function,
            payload=sfn.TaskInput.from_object(
                {"input.$": "$", "executionName.$": "$$.Execution.Name", "executionArn.$": "$$.Execution.Id"}
            ),
            result_selector={"watch.$": "$.Payload.watch", "status.$": "$.Payload.status"},
            retry_on_service_exceptions=False,
            comment="Checks the request and claims the task's watch in the registry (start, hand-over or resume).",
        )
        self.retry.apply(step, LAMBDA_SERVICE_ERRORS)
        step.add_catch(self.validation_failed, errors=["States.ALL"], result_path="$")
        return step

    @cached_property
    def is_valid(self) -> sfn.Choice:
        return (
            sfn.Choice(self.scope, c.STEP_IS_VALID)
            .when(outcome_is(c.OUTCOME_VALID), self.poll)
            # A resume whose last change was recorded but never confirmed delivered: deliver it first.
            .when(OBSERVED, self.publish_change)
            .when(outcome_is(c.OUTCOME_CLOSED),
                  sfn.Succeed(self.scope, c.STEP_WATCH_ALREADY_ENDED,
                              comment="A resume found the watch's end delivered: recorded, nothing to publish."))
            # Another execution holds the task's watch (a forged, replayed or duplicate start): nothing is
            # published for the task; the execution ends red with the reason.
            .when(outcome_is(c.OUTCOME_REFUSED),
                  sfn.Fail(self.scope, c.STEP_NOT_THE_WATCH_HOLDER, error=c.NOT_THE_WATCH_HOLDER,
                           cause_path=c.STATUS_MESSAGE))
            .otherwise(self.publish_error)
        )

    @cached_property
    def poll(self) -> tasks.LambdaInvoke:
        step = tasks.LambdaInvoke(
            self.scope,
            c.STEP_POLL,
            lambda_function=self.poll_function,
            payload=sfn.TaskInput.from_object({"watch.$": "$.watch"}),
            result_selector={"watch.$": "$.Payload.watch", "status.$": "$.Payload.status"},
            retry_on_service_exceptions=False,
            comment=poll_comment(),
        )
        # Throttling gets twice the attempts: License Manager's RateLimitExceededException is not one of
        # the codes botocore retries itself: at a sustained 20 % throttle rate, 7 straight failures (the
        # general policy) would end about one in ten month-long watches (8,640 polls); 11, one in 5,000.
        replace(self.retry, max_attempts=min(2 * self.retry.max_attempts, 10)).apply(step, [c.ERROR_THROTTLED])
        others = [e for e in c.RETRYABLE_ERROR_NAMES if e != c.ERROR_THROTTLED]
        self.retry.apply(step, [*LAMBDA_SERVICE_ERRORS, *others])
        step.add_catch(
            self.watch_failure(c.STEP_RECORD_POLL_FAILURE, c.ERROR_RETRIES_EXHAUSTED,
                               "polling failed after retries: {}", failed_poll=True),
            errors=["States.ALL"],
            result_path="$.failure",
        )
        return step

    @cached_property
    def check(self) -> sfn.Choice:
        return (
            sfn.Choice(self.scope, c.STEP_CHECK_POLL)
            .when(outcome_is(c.OUTCOME_ERROR), self.publish_error)
            # Not visible to the describe API yet (just created): look again shortly.
            .when(outcome_is(c.OUTCOME_PENDING), self.wait)
            .when(sfn.Condition.and_(OBSERVED, CHANGED), self.publish_change)
            .when(sfn.Condition.and_(OBSERVED, HAND_OVER_DUE), self.hand_over)
            .when(sfn.Condition.and_(OBSERVED, IS_ACTIVE), self.wait)
            .otherwise(self.unexpected)
        )

    @cached_property
    def wait(self) -> sfn.Wait:
        return sfn.Wait(
            self.scope,
            c.STEP_WAIT,
            time=sfn.WaitTime.seconds_path(c.STATUS_WAIT_SECONDS),
            comment="Interval computed by the poll step: short after a change, growing while nothing changes.",
        )

    @cached_property
    def publish_change(self) -> sfn.IChainable:
        """Registry (pending) -> publish -> registry (delivered; closed at the task's end) -> finished?"""
        pending = self.record_pending(c.STEP_RECORD_PENDING,
                                      "Registry: the change about to be published (a resume delivers it if this "
                                      "execution cannot).")
        delivered = self.record_delivered(
            c.STEP_RECORD_DELIVERY, closes=False, comment="Registry: the change was delivered; a resume continues "
            "after it.")
        end_delivered = self.record_delivered(
            c.STEP_RECORD_END_DELIVERY, closes=True, comment="Registry: the task's end was delivered; the watch is "
            "closed (no sweep reconciles it again).")
        delivered.next(self.is_finished)
        end_delivered.next(self.is_finished)
        pending.next(self.publish(c.STEP_PUBLISH_CHANGE, c.STATE_CHANGE)).next(
            sfn.Choice(self.scope, c.STEP_IS_TASK_OVER)
            .when(sfn.Condition.boolean_equals(c.STATUS_TERMINAL, True), end_delivered)
            .otherwise(delivered)
        )
        return pending

    @cached_property
    def is_finished(self) -> sfn.Choice:
        def state_is(state: str) -> sfn.Condition:
            return sfn.Condition.string_equals(c.STATUS_STATE, state)

        return (
            sfn.Choice(self.scope, c.STEP_IS_FINISHED)
            .when(state_is(c.COMPLETED),
                  sfn.Succeed(self.scope, c.STEP_TASK_COMPLETED, comment="The conversion task completed."))
            .when(state_is(c.CANCELLED),
                  sfn.Succeed(self.scope, c.STEP_TASK_CANCELLED,
                              comment="Cancelled on request, or cancelled with no sign of a failure (outcomeReason)."))
            .when(state_is(c.FAILED),
                  sfn.Fail(self.scope, c.STEP_TASK_FAILED, error=c.TASK_FAILED_ERROR, cause_path=c.STATUS_SUMMARY))
            .when(HAND_OVER_DUE, self.hand_over)
            .when(IS_ACTIVE, self.wait)
            .otherwise(self.unexpected)
        )

    @cached_property
    def hand_over(self) -> sfn.IChainable:
        """Continue as new: the successor's name (and the watch it takes over) is recorded in the
        registry first, and only that execution may claim the watch; its input decides nothing.
        A name found taken is handed over only if the registry shows its holder is our successor."""
        record = self.record(
            c.STEP_RECORD_SUCCESSOR,
            update="SET #successor = :name, #successorAt = :at, #watch = :watch",
            names={"#successor": c.REG_SUCCESSOR, "#successorAt": c.REG_SUCCESSOR_AT, "#watch": c.REG_WATCH},
            values={":name": tasks.DynamoAttributeValue.from_string(
                        sfn.JsonPath.string_at(c.STATUS_NEXT_EXECUTION_NAME)),
                    ":at": tasks.DynamoAttributeValue.from_string(sfn.JsonPath.string_at("$$.State.EnteredTime")),
                    ":watch": as_json(c.WATCH_PATH)},
            comment="Registry: the successor's name and the watch it takes over (it claims only if so named).",
        )
        record.add_catch(self.superseded, errors=[CONDITION_FAILED], result_path="$.recordFailure")
        record.add_catch(self.registry_unavailable, errors=["States.ALL"], result_path="$.recordFailure")
        step = sfn.CustomState(
            self.scope,
            c.STEP_HAND_OVER,
            state_json={
                "Type": "Task",
                "Comment": "Continue as new: a fresh execution carries the watch (from the registry) before the "
                           "history limit; its input names only the task.",
                "Resource": f"arn:{Stack.of(self.scope).partition}:states:::states:startExecution",
                "Parameters": {
                    "StateMachineArn.$": "$$.StateMachine.Id",
                    "Name.$": c.STATUS_NEXT_EXECUTION_NAME,
                    "Input": {
                        "taskType.$": "$.watch.taskType",
                        "taskId.$": "$.watch.taskId",
                        "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id",
                    },
                },
                "ResultPath": None,
            },
        )
        self.retry.apply(step, HAND_OVER_ERRORS)
        # A retry after a start that did succeed finds the same name taken: handed over, if the
        # holder is this execution's own successor; anything else holding it blocks the watch.
        confirm = self.confirm_successor
        step.add_catch(confirm, errors=EXECUTION_ALREADY_EXISTS, result_path="$.failure")
        # Any other failure would end the watch silently: report it like a poll failure.
        failed = self.watch_failure(c.STEP_RECORD_HAND_OVER_FAILURE, c.ERROR_HAND_OVER_FAILED,
                                    "could not start the next execution: {}")
        step.add_catch(failed, errors=["States.ALL"], result_path="$.failure")
        confirm.add_catch(failed, errors=["States.ALL"], result_path="$.failure")
        step.next(self.handed_over)
        blocked = self.watch_failure(
            c.STEP_RECORD_HAND_OVER_BLOCKED, c.HAND_OVER_BLOCKED,
            "the next name is held by an execution that is not the successor of this watch: {}",
        )
        # Someone else holds the name: record the next free name of the line as the successor, start it.
        take_next_name = sfn.Pass(
            self.scope, c.STEP_TAKE_NEXT_NAME, input_path="$.failure.nextName",
            result_path=c.STATUS_NEXT_EXECUTION_NAME,
            comment="The successor's name is held by an execution this watch did not start: the next free one.",
        )
        take_next_name.next(record)
        confirm.next(
            sfn.Choice(self.scope, c.STEP_IS_OUR_SUCCESSOR)
            .when(sfn.Condition.boolean_equals("$.failure.isSuccessor", True), self.handed_over)
            .when(sfn.Condition.and_(sfn.Condition.is_present("$.failure.nextName"),
                                     sfn.Condition.is_string("$.failure.nextName")), take_next_name)
            .otherwise(blocked)
        )
        return record.next(step)

    @cached_property
    def confirm_successor(self) -> tasks.LambdaInvoke:
        step = tasks.LambdaInvoke(
            self.scope,
            c.STEP_CONFIRM_SUCCESSOR,
            lambda_function=self.validate_function,
            payload=sfn.TaskInput.from_object(
                {"confirmSuccessor": {"executionArn.$": "$$.Execution.Id", "name.$": c.STATUS_NEXT_EXECUTION_NAME,
                                      "taskId.$": "$.watch.taskId"}}
            ),
            result_selector={"isSuccessor.$": "$.Payload.isSuccessor", "Error.$": "$.Payload.reason",
                             "nextName.$": "$.Payload.nextName"},
            result_path="$.failure",
            retry_on_service_exceptions=False,
            comment="The next name was taken: does the registry show its holder is this watch's successor?",
        )
        self.retry.apply(step, [*LAMBDA_SERVICE_ERRORS, *c.RETRYABLE_ERROR_NAMES])
        return step

    @cached_property
    def handed_over(self) -> sfn.Succeed:
        return sfn.Succeed(self.scope, c.STEP_HANDED_OVER, comment="The watch goes on in the next execution.")

    # -- how a watch ends without its task's outcome ------------------------------------------
    @cached_property
    def validation_failed(self) -> sfn.Pass:
        """The validation step itself failed (after retries): no watch was opened. The error
        event still names the task when the input named a valid pair; its id is the execution's."""
        recall = sfn.Pass(
            self.scope,
            c.STEP_RECALL_REQUEST,
            parameters={"error.$": "$.Error", "request.$": "$$.Execution.Input"},
            comment="Keeps the caught error and the execution's input for the error event.",
        )
        recall.next(
            sfn.Choice(self.scope, c.STEP_NAMES_A_TASK)
            .when(names_a_task("$.request"),
                  record_validation_failure(self.scope, c.STEP_RECORD_VALIDATION_FAILURE, named=True)
                  .next(self.publish_error))
            .otherwise(record_validation_failure(self.scope, c.STEP_RECORD_UNNAMED_VALIDATION_FAILURE, named=False)
                       .next(self.publish_error))
        )
        return recall

    @cached_property
    def publish_error(self) -> sfn.IChainable:
        """A registered watch's error goes the way of every event: registry (pending) -> publish ->
        registry (delivered; a final error closes the watch). A request that opened no watch is
        published under its execution's id (``<executionName>#rejected``). Then the execution fails
        red, except a resume that redelivered an interrupted error: it goes on watching."""
        watch_failed = sfn.Fail(self.scope, c.STEP_WATCH_FAILED, error_path=c.STATUS_ERROR_CODE,
                                cause_path=c.STATUS_MESSAGE)
        pending = self.record_pending(c.STEP_RECORD_PENDING_ERROR,
                                      "Registry: the watch error about to be published, under its own id.")
        delivered = self.record_delivered(c.STEP_RECORD_ERROR_DELIVERY, closes=False, error=True,
                                          comment="Registry: this watch error was delivered (the watch stays open).")
        final = self.record_delivered(c.STEP_RECORD_FINAL_ERROR_DELIVERY, closes=True, error=True,
                                      comment="Registry: a final watch error was delivered; the watch is closed.")
        final.next(watch_failed)
        delivered.next(
            sfn.Choice(self.scope, c.STEP_DOES_WATCH_GO_ON)
            .when(sfn.Condition.and_(sfn.Condition.is_present(c.STATUS_RESUMED),
                                     sfn.Condition.boolean_equals(c.STATUS_RESUMED, True)), self.wait)
            .otherwise(watch_failed)
        )
        is_final = sfn.Condition.or_(*[sfn.Condition.string_equals(c.STATUS_ERROR_CODE, code)
                                       for code in c.FINAL_WATCH_ERRORS])
        pending.next(self.publish(c.STEP_PUBLISH_ERROR, c.WATCH_ERROR)).next(
            sfn.Choice(self.scope, c.STEP_IS_FINAL_ERROR).when(is_final, final).otherwise(delivered)
        )
        rejected = self.publish(c.STEP_PUBLISH_REJECTION, c.WATCH_ERROR, rejection=True).next(watch_failed)
        return (
            sfn.Choice(self.scope, c.STEP_IS_WATCH_REGISTERED)
            .when(sfn.Condition.is_present("$.watch.taskId"), pending)
            .otherwise(rejected)
        )

    @cached_property
    def registry_unavailable(self) -> sfn.Fail:
        return sfn.Fail(
            self.scope,
            c.STEP_REGISTRY_UNAVAILABLE,
            error=c.REGISTRY_UNAVAILABLE,
            cause="The watch registry could not record the event about to be published, after retries; nothing "
                  "was published. The watch stays open: a resume publishes it.",
        )

    @cached_property
    def delivery_not_recorded(self) -> sfn.Fail:
        return sfn.Fail(
            self.scope,
            c.STEP_DELIVERY_NOT_RECORDED,
            error=c.DELIVERY_NOT_RECORDED,
            cause="The event was published but the watch registry could not record it, after retries. The watch "
                  "stays open: a resume records it and goes on without publishing it again.",
        )

    @cached_property
    def delivery_failed(self) -> sfn.Fail:
        return sfn.Fail(
            self.scope,
            c.STEP_EVENT_DELIVERY_FAILED,
            error=c.ERROR_EVENT_DELIVERY_FAILED,
            cause="EventBridge did not accept the event after all retries; the watch stopped so no event is skipped.",
        )

    @cached_property
    def superseded(self) -> sfn.Fail:
        return sfn.Fail(
            self.scope,
            c.STEP_WATCH_SUPERSEDED,
            error=c.WATCH_SUPERSEDED,
            cause="Another execution holds this task's watch in the registry (it took over); this one stops unheard.",
        )

    @cached_property
    def unexpected(self) -> sfn.Fail:
        return sfn.Fail(
            self.scope,
            c.STEP_UNEXPECTED_POLL_RESULT,
            error=c.ERROR_UNEXPECTED_POLL_RESULT,
            cause="The poll step returned a state this state machine has no branch for.",
        )

    # -- building blocks ---------------------------------------------------------------------
    def publish(self, state_id: str, detail_type: str, *, rejection: bool = False) -> tasks.EventBridgePutEvents:
        step = tasks.EventBridgePutEvents(
            self.scope,
            state_id,
            entries=[
                tasks.EventBridgePutEventsEntry(
                    detail=sfn.TaskInput.from_json_path_at(c.STATUS_DETAIL),
                    detail_type=detail_type,
                    source=self.event_source,
                    event_bus=self.event_bus,
                )
            ],
            result_path=sfn.JsonPath.DISCARD,
            comment=f"Publishes a '{detail_type}' event (optimized EventBridge integration).",
        )
        PUBLISH_RETRY.apply(step, EVENTBRIDGE_ERRORS)
        step.add_catch(self.rejection_failed if rejection else self.delivery_failed, errors=["States.ALL"],
                       result_path="$.deliveryFailure")
        return step

    @cached_property
    def rejection_failed(self) -> sfn.Fail:
        return sfn.Fail(self.scope, c.STEP_REJECTION_NOT_DELIVERED, error=c.ERROR_EVENT_DELIVERY_FAILED,
                        cause="EventBridge did not accept the rejection's error event after all retries.")

    def record_pending(self, state_id: str, comment: str) -> tasks.DynamoUpdateItem:
        """Before a publish: the event, and the watch right after it, as this holder's pending record."""
        step = self.record(
            state_id,
            update="SET #pending = :pending, #pendingWatch = :watch",
            names={"#pending": c.REG_PENDING, "#pendingWatch": c.REG_PENDING_WATCH},
            values={":pending": as_json(c.STATUS_DETAIL), ":watch": as_json(c.WATCH_PATH)},
            comment=comment,
        )
        step.add_catch(self.superseded, errors=[CONDITION_FAILED], result_path="$.recordFailure")
        step.add_catch(self.registry_unavailable, errors=["States.ALL"], result_path="$.recordFailure")
        return step

    def record_delivered(self, state_id: str, *, closes: bool, comment: str,
                         error: bool = False) -> tasks.DynamoUpdateItem:
        """After a publish: the delivered sequence (and watch, or error code); ``closes``: the watch's end."""
        names = {"#sequence": c.REG_SEQUENCE, "#pending": c.REG_PENDING, "#pendingWatch": c.REG_PENDING_WATCH}
        values = {":sequence": as_number(f"{c.STATUS_DETAIL}.sequence")}
        if error:
            names["#error"] = c.REG_ERROR_CODE
            values[":error"] = tasks.DynamoAttributeValue.from_string(sfn.JsonPath.string_at(c.STATUS_ERROR_CODE))
            update = "SET #sequence = :sequence, #error = :error REMOVE #pending, #pendingWatch"
        else:
            names["#watch"] = c.REG_WATCH
            values[":watch"] = as_json(c.WATCH_PATH)
            update = "SET #sequence = :sequence, #watch = :watch REMOVE #pending, #pendingWatch"
        if closes:
            names["#open"] = c.REG_OPEN
            update += ", #open"
        step = self.record(state_id, update=update, names=names, values=values, comment=comment)
        step.add_catch(self.superseded, errors=[CONDITION_FAILED], result_path="$.recordFailure")
        step.add_catch(self.delivery_not_recorded, errors=["States.ALL"], result_path="$.recordFailure")
        return step

    def record(self, state_id: str, *, update: str, values: dict[str, tasks.DynamoAttributeValue],
               names: dict[str, str], comment: str) -> tasks.DynamoUpdateItem:
        """A registry write, conditional on this execution still holding the task's watch."""
        step = tasks.DynamoUpdateItem(
            self.scope,
            state_id,
            table=self.table,
            key={
                c.TABLE_PARTITION_KEY: tasks.DynamoAttributeValue.from_string(
                    sfn.JsonPath.format(TASK_PREFIX + "{}", sfn.JsonPath.string_at("$.watch.taskId"))
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
        self.retry.apply(step, DYNAMODB_ERRORS)
        return step

    def watch_failure(self, state_id: str, error_code: str, message_format: str, *,
                      failed_poll: bool = False) -> sfn.IChainable:
        return record_watch_failure(
            self.scope, state_id, error_code=error_code, message_format=message_format, failed_poll=failed_poll
        ).next(self.publish_error)


def as_json(path: str) -> tasks.DynamoAttributeValue:
    return tasks.DynamoAttributeValue.from_string(sfn.JsonPath.json_to_string(sfn.JsonPath.object_at(path)))


def as_number(path: str) -> tasks.DynamoAttributeValue:
    return tasks.DynamoAttributeValue.number_from_string(sfn.JsonPath.json_to_string(sfn.JsonPath.number_at(path)))
