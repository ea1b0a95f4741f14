"""One 'Conversion Task Watch Error' format, whichever step builds it: the validate
and poll Lambda steps, and the state machine's "Record Validation Failure" and
"Record Poll Failure" Pass states -- for both task types, run by moto's ASL engine.
(Every delivered event is also checked against docs/schemas by localrun.)"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from conversion_watch.handlers import validate_watch
from localrun.engine import run_scenario
from localrun.scenario import parse
from localrun.services.double import ConversionTaskDouble
from localrun.services.faults import throttled
from tests.e2e.helpers import EC2_INSTANCE, LICENSE_OK, WATCH_ERROR, ec2_task, license_task, watch

MILLIS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
BOTH = [("ec2-conversion", EC2_INSTANCE), ("license-conversion", LICENSE_OK)]


def _errors(report: Any) -> list[dict[str, Any]]:
    return [e["detail"] for e in report.events if e["detail-type"] == WATCH_ERROR]


def _tasks(task_type: str, task_id: str) -> list[dict[str, Any]]:
    if task_type == "ec2-conversion":
        return [ec2_task(task_id, (0, "active"))]
    return [license_task(task_id, (0, "IN_PROGRESS"))]


class ThrottledAfter(ConversionTaskDouble):
    """The service answers the first ``answered`` describe calls, then throttles for good."""

    answered = 0

    def _count_and_inject(self, service: str, operation: str) -> None:
        super()._count_and_inject(service, operation)
        if sum(self.calls.values()) > self.answered:
            raise throttled(service)


def _throttled_after(answered: int) -> Any:
    return type("Double", (ThrottledAfter,), {"answered": answered})


@pytest.mark.parametrize(("task_type", "task_id"), BOTH)
def test_a_first_poll_that_fails_after_retries_counts_its_attempt(task_type: str, task_id: str) -> None:
    report = run_scenario({"tasks": _tasks(task_type, task_id), "watches": [watch(task_type, task_id)]},
                          double_factory=_throttled_after(0))

    [detail] = _errors(report)
    assert (detail["errorCode"], detail["taskType"], detail["taskId"]) == ("RetriesExhausted", task_type, task_id)
    assert (detail["eventId"], detail["sequence"], detail["pollCount"]) == (f"{task_id}#1", 1, 1)
    assert detail["lastKnownState"] is None
    assert MILLIS_Z.match(detail["observedAt"]) and MILLIS_Z.match(detail["watchStartedAt"])


@pytest.mark.parametrize(("task_type", "task_id"), BOTH)
def test_a_poll_failure_after_observations_names_the_last_known_state(task_type: str, task_id: str) -> None:
    report = run_scenario({"tasks": _tasks(task_type, task_id), "watches": [watch(task_type, task_id)]},
                          double_factory=_throttled_after(2))

    first, [error] = report.events[0]["detail"], _errors(report)
    assert first["state"] == "IN_PROGRESS"
    assert (error["lastKnownState"], error["pollCount"]) == ("IN_PROGRESS", 3)  # 2 answered + the failed one
    assert (error["eventId"], error["sequence"]) == (f"{task_id}#2", 2)
    assert error["watchStartedAt"] == first["watchStartedAt"]
    assert MILLIS_Z.match(error["observedAt"]) and MILLIS_Z.match(first["observedAt"])


def _failing_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(event: Any, context: Any) -> Any:
        raise RuntimeError("validation step broke")

    monkeypatch.setattr(validate_watch, "handler", broken)


@pytest.mark.parametrize(("task_type", "task_id"), BOTH)
def test_a_failed_validation_step_names_a_valid_task_and_takes_the_executions_id(
    monkeypatch: pytest.MonkeyPatch, task_type: str, task_id: str
) -> None:
    _failing_validation(monkeypatch)
    report = run_scenario({"tasks": [], "watches": [watch(task_type, task_id)]})

    [detail] = _errors(report)
    assert (detail["errorCode"], detail["taskType"], detail["taskId"]) == ("RetriesExhausted", task_type, task_id)
    assert detail["eventId"] == f"watch-{task_id}#rejected"
    assert (detail["pollCount"], detail["lastKnownState"], detail.get("watchStartedAt")) == (0, None, None)
    assert "RuntimeError" in detail["message"]
    assert MILLIS_Z.match(detail["observedAt"])


def test_a_failed_validation_step_names_no_task_for_input_that_names_none(monkeypatch: pytest.MonkeyPatch) -> None:
    _failing_validation(monkeypatch)
    report = run_scenario({"tasks": [], "watches": [watch("ec2-conversion", "lct-0123456789abcdef"),
                                                    {"at": 0, "input": "import-i-ffvko9js"}]})

    details = _errors(report)
    assert len(details) == 2
    assert all((d.get("taskType"), d.get("taskId")) == (None, None) for d in details)
    assert len({d["eventId"] for d in details}) == 2
    assert all(d["eventId"].endswith("#rejected") for d in details)


def test_wrongly_named_starts_get_ids_of_their_own_and_name_the_task() -> None:
    """Seven squatted names for one task: seven events, seven ids, none a real watch's."""
    scenario = parse({"tasks": [], "watches": [watch("ec2-conversion", EC2_INSTANCE)] * 7})
    squatted = [dataclasses.replace(start, name=f"squat-{n}") for n, start in enumerate(scenario.watches)]
    report = run_scenario(dataclasses.replace(scenario, watches=squatted))

    details = _errors(report)
    assert sorted(d["eventId"] for d in details) == [f"squat-{n}#rejected" for n in range(7)]
    assert all((d["taskType"], d["taskId"], d["errorCode"]) == ("ec2-conversion", EC2_INSTANCE, "InvalidInput")
               for d in details)


@pytest.mark.parametrize(("task_type", "task_id"), BOTH)
def test_a_failed_hand_over_reports_the_watch_in_the_same_format(
    monkeypatch: pytest.MonkeyPatch, task_type: str, task_id: str
) -> None:
    """Step Functions refuses the next generation's start (not a name clash): Record Hand Over Failure."""
    from localrun.moto_patches.targets import invalid_execution_name, step_functions_backend

    backend = step_functions_backend()
    original = backend.start_execution

    def refuse_next_generation(self: Any, state_machine_arn: str, name: Any = None, *args: Any, **kwargs: Any) -> Any:
        if name and name.endswith("-g2"):
            raise invalid_execution_name(f"Invalid Name: '{name}'")
        return original(self, state_machine_arn, name, *args, **kwargs)

    monkeypatch.setattr(backend, "start_execution", refuse_next_generation)
    report = run_scenario({"tasks": _tasks(task_type, task_id), "watches": [watch(task_type, task_id)]},
                          function_env_overrides={"POLLS_PER_EXECUTION": "2"})

    [error] = _errors(report)
    assert (error["errorCode"], error["taskType"], error["taskId"]) == ("HandOverFailed", task_type, task_id)
    assert (error["lastKnownState"], error["pollCount"]) == ("IN_PROGRESS", 2)  # both polls answered
    assert (error["eventId"], error["sequence"]) == (f"{task_id}#2", 2)
    assert MILLIS_Z.match(error["observedAt"]) and MILLIS_Z.match(error["watchStartedAt"])
