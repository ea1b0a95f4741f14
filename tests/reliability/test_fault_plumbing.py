"""The pieces the fault figures rest on: the scenario's PutEvents failure hook
and the count of Step Functions retry attempts read from a history."""

from __future__ import annotations

import pytest

from localrun.events import seeded_entry_fault
from localrun.report import retry_attempts
from localrun.services import FaultConfigError

ENTRY = {"Source": "conversion-watch", "DetailType": "Conversion Task State Change", "Detail": "{}"}


def test_no_hook_without_a_put_events_failure_rate() -> None:
    assert seeded_entry_fault(None) is None
    assert seeded_entry_fault({"seed": 3, "throttleRate": 0.5}) is None


def test_hook_fails_entries_at_the_rate_with_eventbridge_retryable_codes() -> None:
    hook = seeded_entry_fault({"seed": 3, "putEventsFailureRate": 0.1})
    assert hook is not None
    outcomes = [hook(ENTRY) for _ in range(5000)]
    failures = [o for o in outcomes if o is not None]
    assert 400 < len(failures) < 600
    assert {f["ErrorCode"] for f in failures} == {"InternalFailure", "ThrottlingException"}


def test_same_seed_same_failures() -> None:
    first, second = (seeded_entry_fault({"seed": 9, "putEventsFailureRate": 0.3}) for _ in range(2))
    assert first is not None and second is not None
    assert [first(ENTRY) for _ in range(200)] == [second(ENTRY) for _ in range(200)]


def test_rate_is_checked() -> None:
    with pytest.raises(FaultConfigError, match="putEventsFailureRate"):
        seeded_entry_fault({"putEventsFailureRate": 1.5})


def _history(*types: str) -> list[dict[str, str]]:
    return [{"type": kind} for kind in types]


def test_retry_attempts_count_tasks_scheduled_again_within_one_state() -> None:
    history = _history(
        "ExecutionStarted",
        "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionFailed",  # attempt 1
        "LambdaFunctionScheduled", "LambdaFunctionFailed",  # retry 1
        "LambdaFunctionScheduled", "LambdaFunctionSucceeded", "TaskStateExited",  # retry 2
        "TaskStateEntered", "TaskScheduled", "TaskSucceeded", "TaskStateExited",  # next state, first try
        "WaitStateEntered", "WaitStateExited",
        "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionSucceeded", "TaskStateExited",
    )
    assert retry_attempts(history) == 2
