"""Issue 10's seven problems, each played on the local engine (the synthesized state
machine in moto, the real handlers, the watch registry in moto's DynamoDB)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from conversion_watch.contract import SUCCESSOR_NAMES_TRIED
from localrun.engine import run_scenario
from localrun.report import Report
from localrun.template import load_template
from tests.reliability.checks import STATE_CHANGE, WATCH_ERROR, ec2_conversion, events_by_task, resumed_chain_problems

VOLUME = "import-vol-blocked01"
INSTANCE = "import-i-handover01"
LICENSE = "lct-forged0001"


@pytest.fixture(autouse=True)
def _quiet_moto() -> None:
    logging.getLogger("moto").setLevel(logging.CRITICAL)  # failed executions are expected here


def _outcome_chain(report: Report, task_id: str, outcome: str) -> list[dict[str, Any]]:
    details = events_by_task(report)[task_id]
    assert not resumed_chain_problems(task_id, details, outcome), resumed_chain_problems(task_id, details, outcome)
    return details


def _status(report: Report) -> dict[str, tuple[str, str | None]]:
    return {e.name: (e.status, e.error) for e in report.executions}


def test_1_a_mistyped_start_no_longer_blocks_the_task() -> None:
    report = run_scenario({
        "tasks": [ec2_conversion(VOLUME, (0, "active"), (3600, "completed"))],
        # Someone types the other task type into the console, under the task's name.
        "watches": [{"at": 0, "name": f"watch-{VOLUME}", "input": {"taskType": "license-conversion",
                                                                   "taskId": VOLUME}}],
        "apiCalls": [{"at": 60, "eventName": "ImportVolume", "taskId": VOLUME}],
    })
    assert _status(report)[f"watch-{VOLUME}"] == ("FAILED", "InvalidInput")
    assert _status(report)[f"watch-{VOLUME}-r2"] == ("SUCCEEDED", None)
    _outcome_chain(report, VOLUME, "COMPLETED")


def test_2_a_squatted_hand_over_name_moves_the_hand_over_to_the_next_free_name() -> None:
    report = run_scenario(
        {
            "tasks": [ec2_conversion(INSTANCE, (0, "active"), (3 * 3600, "completed"))],
            "watches": [
                {"at": 0, "input": {"taskType": "ec2-conversion", "taskId": INSTANCE}},
                {"at": 0, "name": f"watch-{INSTANCE}-g2", "input": {}},
            ],
            "sweeps": [{"at": 900 * n} for n in range(1, 15)],
        },
        function_env_overrides={"POLLS_PER_EXECUTION": "5", "MIN_POLL_SECONDS": "300", "MAX_POLL_SECONDS": "300"},
    )
    status = _status(report)
    assert status[f"watch-{INSTANCE}"] == ("SUCCEEDED", None)  # handed over to -g3, recorded as successor first
    assert status[f"watch-{INSTANCE}-g3"] == ("SUCCEEDED", None)
    details = _outcome_chain(report, INSTANCE, "COMPLETED")
    assert [d for d in details if d["detail-type"] == WATCH_ERROR] == []


def test_2_when_every_next_name_is_squatted_the_hand_over_ends_in_an_error_and_the_sweep_resumes() -> None:
    squatters = [{"at": 0, "name": f"watch-{INSTANCE}-g{g}", "input": {}} for g in range(2, 3 + SUCCESSOR_NAMES_TRIED)]
    report = run_scenario(
        {
            "tasks": [ec2_conversion(INSTANCE, (0, "active"), (3 * 3600, "completed"))],
            "watches": [{"at": 0, "input": {"taskType": "ec2-conversion", "taskId": INSTANCE}}, *squatters],
            "sweeps": [{"at": 900 * n} for n in range(1, 15)],
        },
        function_env_overrides={"POLLS_PER_EXECUTION": "5", "MIN_POLL_SECONDS": "300", "MAX_POLL_SECONDS": "300"},
    )
    status = _status(report)
    assert status[f"watch-{INSTANCE}"] == ("FAILED", "HandOverBlocked")  # never a silent SUCCEEDED
    details = _outcome_chain(report, INSTANCE, "COMPLETED")
    assert [d["errorCode"] for d in details if d["detail-type"] == WATCH_ERROR] == ["HandOverBlocked"]
    assert any(name.startswith(f"watch-{INSTANCE}-r2") for name in status)


def test_3_a_forged_continuation_runs_no_second_watcher() -> None:
    forged = {"watchStartedAt": "2026-01-05T09:00:00Z", "deadline": "2026-02-05T09:00:00Z", "pollCount": 3,
              "sequence": 41, "generation": 1, "last": {"state": "COMPLETED", "serviceState": "SUCCEEDED"}}
    report = run_scenario({
        "tasks": [{"taskType": "license-conversion", "taskId": LICENSE,
                   "timeline": [{"at": 0, "state": "IN_PROGRESS"}, {"at": 3600, "state": "SUCCEEDED"}]}],
        "watches": [
            {"at": 0, "input": {"taskType": "license-conversion", "taskId": LICENSE}},
            {"at": 120, "name": f"watch-{LICENSE}-g2", "input": {
                "taskType": "license-conversion", "taskId": LICENSE, "continuation": {**forged, "sequence": 1},
                "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": "forged-by-me"}},
            {"at": 180, "name": f"watch-{LICENSE}-g3", "input": {
                "taskType": "license-conversion", "taskId": LICENSE, "continuation": {**forged, "generation": 2},
                "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID":
                    f"arn:aws:states:us-east-1:123456789012:execution:ConversionWatch-Watcher:watch-{LICENSE}-g2"}},
        ],
    })
    status = _status(report)
    # Well-formed continuations that cannot hold the watch: refused, and nothing published for the task.
    assert status[f"watch-{LICENSE}-g2"] == ("FAILED", "NotTheWatchHolder")
    assert status[f"watch-{LICENSE}-g3"] == ("FAILED", "NotTheWatchHolder")
    _outcome_chain(report, LICENSE, "COMPLETED")
    watched = events_by_task(report)[LICENSE]
    assert [(d["sequence"], d["state"]) for d in watched] == [(1, "IN_PROGRESS"), (2, "COMPLETED")]


def test_4_a_dead_watch_is_resumed_and_its_undelivered_change_delivered_under_its_id() -> None:
    # An outage longer than the publish step's budget kills the watch while it publishes #2.
    report = run_scenario(
        {
            "tasks": [ec2_conversion(VOLUME, (0, "active"), (1800, "cancelling"), (7 * 3600, "cancelled"))],
            "watches": [{"at": 0, "input": {"taskType": "ec2-conversion", "taskId": VOLUME}}],
            "faults": {"putEventsOutages": [{"from": 1200, "to": 1200 + 5 * 3600}]},
            "sweeps": [{"at": 900 * n} for n in range(1, 36)],
        },
        function_env_overrides={"MIN_POLL_SECONDS": "300", "MAX_POLL_SECONDS": "300"},
    )
    status = _status(report)
    assert status[f"watch-{VOLUME}"] == ("FAILED", "EventDeliveryFailed")
    details = _outcome_chain(report, VOLUME, "CANCELLED")
    second = details[1]
    assert (second["eventId"], second["state"]) == (f"{VOLUME}#2", "CANCELLING")
    assert second["observedAt"] < "2026-01-05T09:35:00"  # the original observation, not a new one


def test_5_a_one_hour_eventbridge_outage_is_ridden_out() -> None:
    report = run_scenario(
        {
            "tasks": [ec2_conversion(VOLUME, (0, "active"), (1800, "cancelling"), (3 * 3600, "cancelled"))],
            "watches": [{"at": 0, "input": {"taskType": "ec2-conversion", "taskId": VOLUME}}],
            "faults": {"putEventsOutages": [{"from": 1200, "to": 1200 + 3600}]},
        },
        function_env_overrides={"MIN_POLL_SECONDS": "300", "MAX_POLL_SECONDS": "300"},
    )
    assert _status(report) == {f"watch-{VOLUME}": ("SUCCEEDED", None)}
    assert [d["state"] for d in _outcome_chain(report, VOLUME, "CANCELLED")] == [
        "IN_PROGRESS", "CANCELLING", "CANCELLED"]
    assert report.faults["events:PutEvents:FailedEntry"] > 10


def _nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = {"x": value}
    return value


def test_6_hostile_inputs_end_in_invalid_input_and_the_run_reports(tmp_path: Path) -> None:
    continuation = {"watchStartedAt": "2026-01-05T09:00:00Z", "deadline": "2026-02-05T09:00:00Z",
                    "pollCount": 0, "sequence": 0, "generation": 10**30}
    report = run_scenario({
        "tasks": [ec2_conversion(VOLUME, (0, "active"), (600, "completed"))],
        "watches": [
            {"at": 0, "name": "deep-300", "input": {"taskType": "ec2-conversion", "taskId": VOLUME,
                                                    "extra": _nested(300)}},
            {"at": 0, "name": "deep-600", "input": {"taskType": "ec2-conversion", "taskId": VOLUME,
                                                    "extra": _nested(600)}},
            {"at": 0, "name": "surrogate-key", "input": {"taskType": "ec2-conversion", "taskId": VOLUME,
                                                         "\udfff": 1}},
            {"at": 0, "name": "surrogate-id", "input": {"taskType": "ec2-conversion", "taskId": "import-vol-\udfff"}},
            {"at": 0, "name": "huge-generation", "input": {
                "taskType": "ec2-conversion", "taskId": VOLUME, "continuation": continuation,
                "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": "x"}},
        ],
    })
    outcomes = {e.name: (e.status, e.error) for e in report.executions}
    # moto's ASL engine itself gives up on 600 levels (States.Runtime) before any step runs:
    # the run still reports it.
    assert outcomes.pop("deep-600")[0] == "FAILED"
    assert outcomes == {name: ("FAILED", "InvalidInput")
                        for name in ("deep-300", "surrogate-key", "surrogate-id", "huge-generation")}
    errors = [e["detail"] for e in report.events if e["detail-type"] == WATCH_ERROR]
    assert len(errors) == 4 and all(d["errorCode"] == "InvalidInput" for d in errors)
    report.write(tmp_path / "report.json")  # deep nesting and lone surrogates survive the report
    assert json.loads((tmp_path / "report.json").read_text())["executions"]
    report.format_timeline().encode("utf-8")  # and the printed timeline


def test_7_only_the_watcher_may_put_events_with_its_source_on_the_bus() -> None:
    """moto does not enforce bus policies: this checks the synthesized policy statement itself."""
    resources = load_template()["Resources"]
    policies = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::Events::EventBusPolicy"]
    assert len(policies) == 1
    statement = policies[0]["Statement"]
    role_id = next(k for k, r in resources.items() if r["Type"] == "AWS::IAM::Role"
                   and "states.amazonaws.com" in json.dumps(r["Properties"]["AssumeRolePolicyDocument"]))
    assert statement["Effect"] == "Deny" and statement["Principal"] == {"AWS": "*"}
    assert statement["Action"] == "events:PutEvents"
    assert statement["Condition"] == {
        "ForAnyValue:StringEquals": {"events:source": ["conversion-watch"]},
        "ArnNotEquals": {"aws:PrincipalArn": {"Fn::GetAtt": [role_id, "Arn"]}},
    }
    assert STATE_CHANGE  # the source it protects carries both detail-types
