"""The synthesized state machine definition: every normalized state has its
branch, retries and catches are where the handlers need them, events go out
through the optimized integration."""

from __future__ import annotations

import re
import typing

import pytest

from conversion_watch import contract as c
from conversion_watch.contract import DEFAULT_EVENT_SOURCE
from conversion_watch.errors import RETRYABLE_ERROR_NAMES, TransientError
from conversion_watch.models import STATE_CHANGE, WATCH_ERROR, State, WatchErrorDetail
from tests.infra.asl import follow

VALIDATE, POLL, CHECK = c.STEP_VALIDATE, c.STEP_POLL, c.STEP_CHECK_POLL
WAIT, HAND_OVER = c.STEP_WAIT, c.STEP_HAND_OVER
PUBLISH_CHANGE, PUBLISH_ERROR = c.STEP_PUBLISH_CHANGE, c.STEP_PUBLISH_ERROR
REPORT_ERROR, PUBLISH_REJECTION = c.STEP_IS_WATCH_REGISTERED, c.STEP_PUBLISH_REJECTION
NORMALIZED_STATES = typing.get_args(State)
LAMBDA_SERVICE_ERRORS = {"Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
                         "Lambda.TooManyRequestsException"}


def _observed(state: str, *, changed: bool, hand_over: bool = False) -> dict:
    return {"status": {"outcome": "OBSERVED", "state": state, "changed": changed, "handOver": hand_over}}


def _end(definition, path):
    return definition["States"][path[-1]]


def test_state_names_read_well_in_the_console(definition):
    assert definition["StartAt"] == VALIDATE
    for name in definition["States"]:
        assert re.fullmatch(r"[A-Z][A-Za-z]*( [A-Z][A-Za-z]*)*\??", name), f"{name!r} is not a readable title"


def test_the_branches_cover_exactly_the_normalized_states():
    assert set(NORMALIZED_STATES) == {"IN_PROGRESS", "CANCELLING", "COMPLETED", "CANCELLED", "FAILED"}


@pytest.mark.parametrize("changed", [True, False], ids=["changed", "unchanged"])
@pytest.mark.parametrize("state", ["IN_PROGRESS", "CANCELLING"])
def test_active_states_wait_and_poll_again(definition, state, changed):
    path = follow(definition, CHECK, _observed(state, changed=changed), stop_at={POLL})

    assert path[-1] == WAIT
    assert (PUBLISH_CHANGE in path) is changed
    assert definition["States"][WAIT]["Next"] == POLL


@pytest.mark.parametrize(("state", "end_type", "end_name"), [
    ("COMPLETED", "Succeed", "Task Completed"),
    ("CANCELLED", "Succeed", "Task Cancelled"),
    ("FAILED", "Fail", "Task Failed"),
])
def test_terminal_states_publish_then_end(definition, state, end_type, end_name):
    document = _observed(state, changed=True)
    document["status"]["terminal"] = True
    path = follow(definition, CHECK, document, stop_at={POLL})

    # The end is recorded as delivered and closes the watch (it leaves the open-watches index).
    assert path == [CHECK, "Record Pending Change", PUBLISH_CHANGE, "Is The Task Over?", "Record Delivered End",
                    "Is Task Finished?", end_name]
    assert "#open" in definition["States"]["Record Delivered End"]["Parameters"]["UpdateExpression"].split(
        "REMOVE")[1]
    assert _end(definition, path)["Type"] == end_type


def test_a_failed_task_shows_red_with_its_summary(definition):
    failed = definition["States"]["Task Failed"]

    assert failed == {"Type": "Fail", "Error": "ConversionTaskFailed", "CausePath": "$.status.summary"}


@pytest.mark.parametrize("changed", [True, False])
@pytest.mark.parametrize("state", ["PAUSED", "", "completed"])
def test_anything_else_goes_to_a_failure_never_back_into_the_loop(definition, state, changed):
    path = follow(definition, CHECK, _observed(state, changed=changed), stop_at={POLL})

    assert _end(definition, path)["Type"] == "Fail"
    assert WAIT not in path


def test_an_unknown_outcome_fails(definition):
    path = follow(definition, CHECK, {"status": {"outcome": "SURPRISE"}}, stop_at={POLL})

    assert _end(definition, path)["Type"] == "Fail"


@pytest.mark.parametrize("changed", [True, False])
def test_hand_over_starts_the_next_execution_of_this_state_machine(definition, changed):
    path = follow(definition, CHECK, _observed("IN_PROGRESS", changed=changed, hand_over=True),
                  stop_at={POLL, HAND_OVER})

    assert path[-1] == HAND_OVER
    hand_over = definition["States"][HAND_OVER]
    assert hand_over["Resource"] == "arn:aws:states:::states:startExecution"
    assert hand_over["Parameters"]["StateMachineArn.$"] == "$$.StateMachine.Id"
    assert hand_over["Parameters"]["Name.$"] == "$.status.nextExecutionName"
    # The input names the task; the watch it carries on is the registry's ("Record Successor").
    assert set(hand_over["Parameters"]["Input"]) == {"taskType.$", "taskId.$",
                                                     "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$"}
    assert definition["States"][hand_over["Next"]]["Type"] == "Succeed"


def test_wait_takes_its_interval_from_the_poll_step(definition):
    wait = definition["States"][WAIT]

    assert wait["SecondsPath"] == "$.status.waitSeconds"
    assert not {"Seconds", "Timestamp", "TimestampPath"} & wait.keys()


def test_invalid_requests_never_reach_the_poll_step(definition):
    path = follow(definition, "Is Request Valid?", {"status": {"outcome": "ERROR", "errorCode": "InvalidInput"}},
                  stop_at={POLL})

    # No watch was claimed: nothing to record in the registry; the id is the execution's.
    assert path == ["Is Request Valid?", REPORT_ERROR, PUBLISH_REJECTION, "Watch Failed"]
    assert follow(definition, "Is Request Valid?", {"status": {"outcome": "VALID"}}, stop_at={POLL})[-1] == POLL


@pytest.mark.parametrize(("code", "recorded"), [("TaskNotFound", "Record Delivered Final Error"),
                                                ("RetriesExhausted", "Record Delivered Error")])
@pytest.mark.parametrize("start", ["Is Request Valid?", CHECK])
def test_watch_errors_go_pending_publish_delivered_then_fail_with_the_error_code(definition, start, code, recorded):
    path = follow(definition, start, {"watch": {"taskId": "import-i-0123abcd"},
                                      "status": {"outcome": "ERROR", "errorCode": code}}, stop_at={POLL})

    # One path for every event of a watch: pending -> publish -> delivered (a final error closes it).
    assert path[-6:] == [REPORT_ERROR, "Record Pending Error", PUBLISH_ERROR, "Is It A Final Error?", recorded,
                         "Watch Failed"] or path[-7:] == [REPORT_ERROR, "Record Pending Error", PUBLISH_ERROR,
                                                          "Is It A Final Error?", recorded, "Does The Watch Go On?",
                                                          "Watch Failed"]
    assert ("#open" in definition["States"][recorded]["Parameters"]["UpdateExpression"]) is (code == "TaskNotFound")
    failed = definition["States"]["Watch Failed"]
    assert failed["Type"] == "Fail"
    assert failed["ErrorPath"] == "$.status.errorCode"
    assert failed["CausePath"] == "$.status.message"


def _lambda_steps(definition):
    return {name: s for name, s in definition["States"].items()
            if s.get("Resource") == "arn:aws:states:::lambda:invoke"}


def test_the_lambda_steps_are_validate_and_poll(definition):
    # "Confirm Successor" runs the validate function on a hand-over that found its name taken.
    assert set(_lambda_steps(definition)) == {VALIDATE, POLL, "Confirm Successor"}


@pytest.mark.parametrize("step", [VALIDATE, POLL])
def test_lambda_steps_retry_with_capped_jittered_backoff(definition, step):
    retries = definition["States"][step]["Retry"]

    assert retries
    for retry in retries:
        assert "States.ALL" not in retry["ErrorEquals"], "watch-ending errors must not be retried"
        assert retry["IntervalSeconds"] >= 1
        assert retry["BackoffRate"] > 1
        assert retry["JitterStrategy"] == "FULL"
        assert retry["IntervalSeconds"] <= retry["MaxDelaySeconds"] <= 300
        assert 2 <= retry["MaxAttempts"] <= 10
    retried = {error for retry in retries for error in retry["ErrorEquals"]}
    assert retried >= LAMBDA_SERVICE_ERRORS


def test_poll_retries_exactly_the_errors_the_handler_raises(definition):
    retried = {error for retry in definition["States"][POLL]["Retry"] for error in retry["ErrorEquals"]}
    raised = {cls.__name__ for cls in TransientError.__subclasses__()}

    assert raised == set(RETRYABLE_ERROR_NAMES) == {"Throttled", "ServiceUnavailable"}
    lambda_failures = LAMBDA_SERVICE_ERRORS | {"Lambda.ClientExecutionTimeoutException", "Lambda.Unknown",
                                               "Sandbox.Timedout"}
    assert retried - lambda_failures == raised


def test_lambda_timeouts_are_retried_because_both_steps_only_read(definition):
    for step in (VALIDATE, POLL):
        retried = {error for retry in definition["States"][step]["Retry"] for error in retry["ErrorEquals"]}
        assert {"Lambda.Unknown", "Sandbox.Timedout"} <= retried


@pytest.mark.parametrize(("step", "recorder"), [(VALIDATE, "Record Validation Failure"),
                                                (VALIDATE, "Record Validation Failure Of Unnamed Task"),
                                                (POLL, "Record Poll Failure")])
def test_exhausted_retries_become_a_retries_exhausted_watch_error(definition, step, recorder):
    catches = definition["States"][step]["Catch"]

    assert [c["ErrorEquals"] for c in catches] == [["States.ALL"]]
    if step == VALIDATE:  # the request is recalled, then the error names the task when it names a valid one
        assert catches[0]["Next"] == "Recall The Request"
        choice = definition["States"][definition["States"]["Recall The Request"]["Next"]]
        assert recorder in {choice["Default"], *(c["Next"] for c in choice["Choices"])}
    else:
        assert catches[0]["Next"] == recorder
    record = definition["States"][recorder]
    assert record["Type"] == "Pass"
    assert record["Parameters"]["status"]["errorCode"] == "RetriesExhausted"
    assert record["Parameters"]["status"]["detail"]["errorCode"] == "RetriesExhausted"
    assert record["Next"] == REPORT_ERROR


@pytest.mark.parametrize(("state", "detail_type"), [(PUBLISH_CHANGE, STATE_CHANGE), (PUBLISH_ERROR, WATCH_ERROR),
                                                    (PUBLISH_REJECTION, WATCH_ERROR)])
def test_events_go_out_through_the_optimized_put_events_integration(definition, state, detail_type):
    task = definition["States"][state]

    assert task["Resource"] == "arn:aws:states:::events:putEvents"
    [entry] = task["Parameters"]["Entries"]
    assert entry["DetailType"] == detail_type
    assert entry["Source"] == DEFAULT_EVENT_SOURCE
    assert entry["Detail.$"] == "$.status.detail"
    assert entry["EventBusName"].startswith("arn:aws:events:")
    assert task["ResultPath"] is None, "publishing must not overwrite the watch state"
    retried = {error for retry in task["Retry"] for error in retry["ErrorEquals"]}
    assert "EventBridge.FailedEntry" in retried
    assert all(retry["JitterStrategy"] == "FULL" for retry in task["Retry"])
    [catch] = task["Catch"]
    assert definition["States"][catch["Next"]]["Type"] == "Fail"


def test_only_the_two_detail_types_are_published(definition):
    detail_types = {entry["DetailType"] for s in definition["States"].values()
                    if s.get("Resource") == "arn:aws:states:::events:putEvents"
                    for entry in s["Parameters"]["Entries"]}

    assert detail_types == {STATE_CHANGE, WATCH_ERROR}


def test_every_state_is_reachable(definition):
    states = definition["States"]
    seen, todo = set(), [definition["StartAt"]]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        state = states[name]
        todo += [state[k] for k in ("Next", "Default") if k in state]
        todo += [c["Next"] for c in state.get("Choices", []) + state.get("Catch", [])]

    assert seen == set(states)


def test_hand_over_failures_are_reported_not_silent(definition):
    catches = definition["States"][HAND_OVER]["Catch"]

    assert [c["ErrorEquals"] for c in catches] == [
        ["StepFunctions.ExecutionAlreadyExistsException", "StepFunctions.ExecutionAlreadyExists"], ["States.ALL"]]
    # A taken name is handed over to only if its holder is this execution's successor.
    confirm = definition["States"][catches[0]["Next"]]
    assert catches[0]["Next"] == "Confirm Successor" and confirm["Next"] == "Is It Our Successor?"
    choice = definition["States"]["Is It Our Successor?"]
    assert definition["States"][choice["Choices"][0]["Next"]]["Type"] == "Succeed"
    assert definition["States"][choice["Default"]]["Parameters"]["status"]["errorCode"] == "HandOverBlocked"
    recorder = definition["States"][catches[1]["Next"]]
    assert recorder["Parameters"]["status"]["errorCode"] == "HandOverFailed"
    assert recorder["Next"] == REPORT_ERROR


def test_watch_errors_built_in_the_state_machine_match_the_event_model(definition):
    fields = WatchErrorDetail.model_fields
    required = {name for name, field in fields.items() if field.is_required()}
    recorders = {name: s for name, s in definition["States"].items()
                 if s["Type"] == "Pass" and s.get("Next") == REPORT_ERROR}

    assert set(recorders) == {"Record Validation Failure", "Record Validation Failure Of Unnamed Task",
                              "Record Poll Failure", "Record Hand Over Failure", "Record Hand Over Blocked"}
    for name, state in recorders.items():
        status = state["Parameters"]["status"]
        detail = {key.removesuffix(".$"): value for key, value in status["detail"].items()}
        assert set(detail) <= set(fields), f"{name}: fields outside the contract: {set(detail) - set(fields)}"
        assert required <= set(detail), f"{name}: missing {required - set(detail)}"
        assert detail["errorCode"] == status["errorCode"], name
        assert status["outcome"] == "ERROR"


def test_every_status_outcome_has_a_branch_and_no_other_is_read(definition):
    """The Choice states compare ``status.outcome`` with exactly the typed status's outcomes."""
    compared = {
        rule["StringEquals"]
        for state in definition["States"].values() if state["Type"] == "Choice"
        for rule in _rules(state["Choices"]) if rule.get("Variable") == c.STATUS_OUTCOME
    }
    assert compared == set(c.STATUS_OUTCOMES)


def _rules(rules):
    for rule in rules:
        yield rule
        for key in ("And", "Or"):
            yield from _rules(rule.get(key, []))
        if "Not" in rule:
            yield from _rules([rule["Not"]])
