"""The engine itself: continue-as-new through the states:startExecution integration,
many concurrent watches on one clock, the report's counts, and the CLI."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from localrun.__main__ import main
from localrun.engine import run_scenario
from localrun.scenario import DEFAULT_EPOCH, ScenarioError
from tests.e2e.helpers import EC2_INSTANCE, LICENSE_OK, STATE_CHANGE, ec2_task, license_task, outcome, sequence, watch


def test_long_watch_hands_over_to_fresh_executions() -> None:
    report = run_scenario(
        {
            "tasks": [ec2_task(EC2_INSTANCE, (0, "active"), (3600, "completed"))],
            "watches": [watch("ec2-conversion", EC2_INSTANCE)],
        },
        function_env_overrides={"POLLS_PER_EXECUTION": "10"},
    )

    names = [e.name for e in report.executions]
    assert names[0] == f"watch-{EC2_INSTANCE}"
    assert names[1:] == [f"watch-{EC2_INSTANCE}-g{n}" for n in range(2, len(names) + 1)]
    assert len(names) >= 3
    assert [e.status for e in report.executions] == ["SUCCEEDED"] * len(names)
    # The watch's memory crosses executions: one IN_PROGRESS, then the change.
    assert sequence(report) == [(STATE_CHANGE, "IN_PROGRESS", None), (STATE_CHANGE, "COMPLETED", "IN_PROGRESS")]
    assert [e["detail"]["sequence"] for e in report.events] == [1, 2]
    # pollCount counts every poll across hand-overs (each poll step invocation; the shared
    # snapshot may answer a poll without a describe call, so calls are no measure of polls).
    polls = sum(e.lambdaInvocations for e in report.executions) - len(report.executions)
    assert report.events[-1]["detail"]["pollCount"] == polls
    # Every execution but the last polled exactly POLLS_PER_EXECUTION times (+1 validate invocation each).
    assert [e.lambdaInvocations for e in report.executions[:-1]] == [11] * (len(names) - 1)
    handed_over = report.executions[1].input
    assert "continuation" not in handed_over  # the input names the task; the registry carries the watch
    assert handed_over["AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"].endswith(f":watch-{EC2_INSTANCE}")


def test_many_concurrent_watches_share_one_simulated_clock() -> None:
    ids = [f"lct-{n:08d}" for n in range(12)]
    report = run_scenario({
        "tasks": [license_task(task_id, (0, "IN_PROGRESS"), (600 + 60 * n, "SUCCEEDED"))
                  for n, task_id in enumerate(ids)],
        "watches": [watch("license-conversion", task_id, at=10 * n) for n, task_id in enumerate(ids)],
    })

    for n, task_id in enumerate(ids):
        assert sequence(report, task_id) == [
            (STATE_CHANGE, "IN_PROGRESS", None),
            (STATE_CHANGE, "COMPLETED", "IN_PROGRESS"),
        ], task_id
        first, done = (e["detail"] for e in report.events if e["detail"]["taskId"] == task_id)
        # Handlers read the simulated clock: each watch started when the scenario said...
        assert _seconds(first["watchStartedAt"]) == _seconds(first["observedAt"]) == 10 * n
        # ...and saw its task's completion after it happened, within one maximum poll interval.
        assert 600 + 60 * n <= _seconds(done["observedAt"]) <= 600 + 60 * n + 300
        assert outcome(report, f"watch-{task_id}") == ("SUCCEEDED", None)


def _seconds(timestamp: str) -> float:
    return (datetime.fromisoformat(timestamp.replace("Z", "+00:00")) - DEFAULT_EPOCH).total_seconds()


def test_report_counts_api_calls_transitions_and_history() -> None:
    report = run_scenario({
        "tasks": [license_task(LICENSE_OK, (0, "SUCCEEDED"))],
        "watches": [watch("license-conversion", LICENSE_OK)],
    })

    assert report.apiCalls == {
        "ec2:DescribeConversionTasks": 0,
        "ec2:DescribeExportImageTasks": 0,
        "ec2:DescribeExportTasks": 0,
        "ec2:DescribeImportImageTasks": 0,
        "ec2:DescribeImportSnapshotTasks": 0,
        # The shared snapshot's refresh lists running tasks; this one has ended, so the poll
        # describes it on its own.
        "license-manager:ListLicenseConversionTasks": 1,
        "license-manager:GetLicenseConversionTask": 1,
        "events:PutEvents": 1,
    }
    execution = report.execution(f"watch-{LICENSE_OK}")
    # Validate, Is Request Valid?, Poll, Check Poll Result, Record Pending Change, Publish State Change,
    # Is The Task Over?, Record Delivered End, Is Task Finished?, Task Completed
    assert execution.stateTransitions == 10
    assert execution.lambdaInvocations == 2
    assert execution.historyEvents > execution.stateTransitions
    assert report.simulatedSeconds == 0
    assert set(report.to_json()) == {"events", "executions", "apiCalls", "simulatedSeconds"}
    assert set(report.events[0]) == {"source", "detail-type", "detail"}
    assert report.events[0]["source"] == "conversion-watch"


def test_cli_prints_the_timeline_and_writes_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps({
        "tasks": [ec2_task(EC2_INSTANCE, (0, "active"), (7200, "completed"))],
        "watches": [watch("ec2-conversion", EC2_INSTANCE)],
    }))
    report_path = tmp_path / "out" / "report.json"

    assert main([str(scenario), "--json", str(report_path)]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"+00:00:00  ec2-conversion {EC2_INSTANCE}  Conversion Task State Change: (first seen)")
    assert lines[1].startswith("+02:")
    assert "IN_PROGRESS -> COMPLETED" in lines[1]
    assert lines[2].startswith("+02:") and f"execution watch-{EC2_INSTANCE} SUCCEEDED" in lines[2]
    written = json.loads(report_path.read_text())
    assert [e["status"] for e in written["executions"]] == ["SUCCEEDED"]
    assert set(written["executions"][0]) == {
        "name", "input", "status", "error", "stateTransitions", "historyEvents", "lambdaInvocations"}
    assert 7200 <= written["simulatedSeconds"] <= 7200 + 300


def test_cli_fails_on_an_unusable_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps({"tasks": [], "watches": [], "extra": 1}))

    assert main([str(scenario)]) == 1
    assert "ScenarioError" in capsys.readouterr().err


def test_scenario_errors_name_the_problem() -> None:
    with pytest.raises(ScenarioError, match="watches"):
        run_scenario({"tasks": [], "watches": []})


def test_a_second_start_of_the_same_watch_adds_no_watcher() -> None:
    same = {"taskType": "license-conversion", "taskId": LICENSE_OK}
    report = run_scenario({
        "tasks": [license_task(LICENSE_OK, (0, "IN_PROGRESS"), (300, "SUCCEEDED"))],
        "watches": [
            {"at": 0, "input": same},
            {"at": 100, "input": same},  # identical input while running: the same execution
            {"at": 100, "input": {**same, "maxWatchSeconds": 600}},  # other input: name taken
            {"at": 900, "input": same},  # after the end: names stay taken (90 days in AWS)
        ],
    })

    assert [e.name for e in report.executions] == [f"watch-{LICENSE_OK}"]
    assert sequence(report) == [(STATE_CHANGE, "IN_PROGRESS", None), (STATE_CHANGE, "COMPLETED", "IN_PROGRESS")]
    refused = [line for line in report.format_timeline().splitlines() if "refused" in line]
    assert refused == [
        f"+00:01:40  start of watch-{LICENSE_OK} refused: ExecutionAlreadyExists",
        f"+00:15:00  start of watch-{LICENSE_OK} refused: ExecutionAlreadyExists",
    ]
