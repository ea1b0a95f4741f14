"""End to end on the local engine: the synthesized state machine (moto's ASL
engine, simulated clock), the synthesized starter and sweeper handlers, the
API-call rule's synthesized pattern on the default bus, and the conversion-task
double answering the polls and the sweeper's list calls."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from conversion_watch.kinds import license_conversion
from localrun.autostart import ApiCall, AutostartReport, Sweep
from localrun.engine import run_autostart
from tests.autostart import samples

pytestmark = pytest.mark.slow
# The VM Import/Export kinds have no task in these scenarios: one page each.
NEW_KINDS_LIST_CALLS = {"ec2:DescribeImportImageTasks": 1, "ec2:DescribeImportSnapshotTasks": 1,
                        "ec2:DescribeExportImageTasks": 1, "ec2:DescribeExportTasks": 1}


def ec2_task(task_id: str, *, done_at: float = 1800, final: str = "completed") -> dict[str, Any]:
    conversion = "ImportVolume" if task_id.startswith("import-vol-") else "ImportInstance"
    return {"taskType": "ec2-conversion", "taskId": task_id, "conversionType": conversion,
            "timeline": [{"at": 0, "state": "active"}, {"at": done_at, "state": final}]}


def license_task(task_id: str, *, done_at: float = 1800) -> dict[str, Any]:
    return {"taskType": "license-conversion", "taskId": task_id,
            "timeline": [{"at": 0, "state": "IN_PROGRESS"}, {"at": done_at, "state": "SUCCEEDED"}]}


def watches_of(report: AutostartReport, task_id: str) -> list[Any]:
    return [e for e in report.run.executions if e.name.startswith(f"watch-{task_id}")]


def test_import_volume_call_starts_one_watch_that_runs_to_its_terminal_event() -> None:
    report = run_autostart({"tasks": [ec2_task(samples.VOLUME_TASK)]},
                           api_calls=[ApiCall(60, samples.import_volume_event())])

    [delivery] = report.deliveries
    assert delivery.delivered == 1 and delivery.results[0]["outcome"] == "STARTED"
    [execution] = report.run.executions
    assert execution.name == f"watch-{samples.VOLUME_TASK}" and execution.status == "SUCCEEDED"
    assert execution.input == {"taskType": "ec2-conversion", "taskId": samples.VOLUME_TASK}
    states = [(e["detail"]["state"], e["detail"]["terminal"]) for e in report.run.events]
    assert states == [("IN_PROGRESS", False), ("COMPLETED", True)]


def test_the_same_call_delivered_twice_starts_one_watch() -> None:
    event = samples.license_conversion_event()
    report = run_autostart({"tasks": [license_task(samples.LICENSE_TASK)]},
                           api_calls=[ApiCall(60, event), ApiCall(60, copy.deepcopy(event)), ApiCall(95, event)])

    assert [d.delivered for d in report.deliveries] == [1, 1, 1]
    assert len({d.results[0]["executionArn"] for d in report.deliveries}) == 1
    [execution] = report.run.executions
    assert execution.status == "SUCCEEDED"
    assert [e["detail"]["state"] for e in report.run.events] == ["IN_PROGRESS", "COMPLETED"]


def test_malformed_api_call_events_start_nothing() -> None:
    omitted = samples.import_volume_event()
    omitted["detail"]["responseElements"] = None  # CloudTrail may omit a response; no errorCode
    wrong_id = samples.import_instance_event(task_id="i-0123456789abcdef0")
    failed = samples.failed_call(samples.import_volume_event())
    report = run_autostart({"tasks": [ec2_task(samples.VOLUME_TASK, done_at=600)]},
                           api_calls=[ApiCall(10, omitted), ApiCall(20, wrong_id), ApiCall(30, failed)])

    matched, mismatched, refused = report.deliveries
    assert matched.results == [{"outcome": "REJECTED", "reason": "MissingTaskId", "message": matched.results[0][
        "message"]}]
    assert mismatched.results[0]["reason"] == "MalformedTaskId"
    assert refused.delivered == 0  # the rule's pattern keeps failed calls away from the starter
    assert report.run.executions == []
    assert report.run.events == []


def test_sweep_starts_exactly_the_unwatched_running_tasks_with_one_list_call_per_service(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(license_conversion, "PAGE_SIZE", 10)  # 25 license tasks: 3 pages
    ec2_ids = [f"import-{'i' if n % 2 else 'vol'}-{n:08x}" for n in range(25)]
    license_ids = [f"lct-{n:032x}" for n in range(25)]
    finished = [{**ec2_task(f"import-vol-{900 + n:08x}"), "timeline": [{"at": 0, "state": "completed"}]}
                for n in range(3)]
    tasks = [ec2_task(t, done_at=400 + 10 * n) for n, t in enumerate(ec2_ids)]
    tasks += [license_task(t, done_at=400 + 10 * n) for n, t in enumerate(license_ids)] + finished
    already = ec2_ids[:10] + license_ids[:10]
    watches = [{"at": 0, "input": {"taskType": "ec2-conversion" if t.startswith("import-") else "license-conversion",
                                   "taskId": t}} for t in already]

    report = run_autostart({"tasks": tasks, "watches": watches}, sweeps=[Sweep(60), Sweep(240)])

    first, second = report.sweeps
    assert first.report["runningTasks"] == 50 and first.report["skippedRunningWatches"] == 20
    assert sorted(first.report["started"]) == sorted(ec2_ids[10:] + license_ids[10:])
    assert first.calls == {
        "ec2:DescribeConversionTasks": 1,  # without ids: every task, one call
        **NEW_KINDS_LIST_CALLS,
        "license-manager:ListLicenseConversionTasks": 3,  # one list, three pages
        "states:ListExecutions": 1,
        "states:StartExecution": 30,
    }
    assert second.report["started"] == [] and second.report["skippedRunningWatches"] == 50
    assert second.calls == {"ec2:DescribeConversionTasks": 1, "license-manager:ListLicenseConversionTasks": 3,
                            "states:ListExecutions": 1, **NEW_KINDS_LIST_CALLS}
    assert len(report.run.executions) == 50
    assert {e.status for e in report.run.executions} == {"SUCCEEDED"}
    for task_id in ec2_ids + license_ids:
        assert len(watches_of(report, task_id)) == 1, task_id
    terminal = [e["detail"]["taskId"] for e in report.run.events if e["detail"].get("terminal")]
    assert sorted(terminal) == sorted(ec2_ids + license_ids)
