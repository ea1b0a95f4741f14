"""A cancel proven whatever CloudTrail's timing and whether or not the account has a trail
(issue 20, item 2), end to end on the local engine with the synthesized stack: scenario files
with the ``apiCalls`` keys ``trail``, ``historyDelay``, ``detail`` and cancel calls.

An image import is cancelled at 650 s and ends ``deleted`` at 700 s, with no error message and no
``cancelling`` state seen (import kinds have none). Only CloudTrail can tell it was a user cancel.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from localrun.engine import run_scenario
from localrun.scenario import DEFAULT_EPOCH, ScenarioError
from localrun.scenario import parse as parse_scenario
from tests.autostart import samples

pytestmark = pytest.mark.slow

TASK = samples.IMAGE_TASK
GRACE = 900  # the construct's default cancel_evidence_grace


def _scenario(*cancel_calls: dict[str, Any]) -> dict[str, Any]:
    return {
        "tasks": [{"taskType": "ec2-import-image", "taskId": TASK,
                   "timeline": [{"at": 0, "state": "active"}, {"at": 700, "state": "deleted"}]}],
        "apiCalls": [{"at": 60, "eventName": "ImportImage", "taskId": TASK}, *cancel_calls],
    }


def _end(scenario: dict[str, Any]) -> tuple[str, str, float]:
    report = run_scenario(scenario)
    [end] = [e["detail"] for e in report.events if e["detail"]["terminal"]]
    [execution] = report.executions
    assert execution.status == "SUCCEEDED"
    return end["state"], end["outcomeReason"], _seconds(end["observedAt"])


def _seconds(observed_at: str) -> float:
    return (datetime.fromisoformat(observed_at.replace("Z", "+00:00")) - DEFAULT_EPOCH).total_seconds()


def test_the_cancels_trail_event_five_minutes_late_still_proves_a_user_cancel() -> None:
    """The rule's copy arrives after the terminal poll; the grace waits for it (before: ``unknown``)."""
    late = {"at": 650 + 300, "eventName": "CancelImportTask", "taskId": TASK, "historyDelay": 100000}
    state, reason, at = _end(_scenario(late))
    assert (state, reason) == ("CANCELLED", "user-cancelled")
    assert 950 <= at < 700 + GRACE


def test_without_a_trail_event_history_proves_the_cancel() -> None:
    """No EventBridge copy at all: LookupEvents finds the call once it is in event history."""
    no_trail = {"at": 650, "eventName": "CancelImportTask", "taskId": TASK, "trail": False, "historyDelay": 300}
    state, reason, at = _end(_scenario(no_trail))
    assert (state, reason) == ("CANCELLED", "user-cancelled")
    assert 950 <= at < 700 + GRACE


def test_a_raw_record_in_a_wrapped_shape_is_read_from_event_history() -> None:
    detail = {"eventVersion": "1.09", "eventSource": "ec2.amazonaws.com", "eventName": "CancelImportTask",
              "awsRegion": "us-east-1", "requestParameters": {"CancelImportTaskRequest": {"ImportTaskId": TASK}},
              "responseElements": {"CancelImportTaskResponse": {"importTaskId": TASK, "state": "deleting"}}}
    state, reason, _ = _end(_scenario({"at": 650, "detail": detail, "trail": False, "historyDelay": 60}))
    assert (state, reason) == ("CANCELLED", "user-cancelled")


def test_without_any_record_the_end_is_unknown_once_the_grace_is_over() -> None:
    state, reason, at = _end(_scenario())
    assert (state, reason) == ("CANCELLED", "unknown")
    assert at >= 700 + GRACE


def test_a_record_later_than_the_grace_is_too_late() -> None:
    too_late = {"at": 650, "eventName": "CancelImportTask", "taskId": TASK, "trail": False, "historyDelay": 3 * GRACE}
    assert _end(_scenario(too_late))[:2] == ("CANCELLED", "unknown")


@pytest.mark.parametrize("call", [
    {"at": 1, "eventName": "CancelImportTask"},
    {"at": 1, "eventName": "ImportImage", "taskId": TASK, "trail": "yes"},
    {"at": 1, "eventName": "ImportImage", "taskId": TASK, "historyDelay": -1},
    {"at": 1, "detail": {"eventSource": "ec2.amazonaws.com"}},
    {"at": 1, "eventName": "ImportImage", "detail": {"eventName": "CancelImportTask"}},
    {"at": 1, "eventName": "ImportImage", "taskId": TASK, "surprise": 1},
])
def test_malformed_api_calls_are_refused_with_their_place(call: dict[str, Any]) -> None:
    with pytest.raises(ScenarioError, match=r"apiCalls\[0\]"):
        parse_scenario({"tasks": [], "apiCalls": [call]})
