"""Auto-start end to end for each new CloudTrail event: the synthesized API-call rule's pattern
on the default bus, the synthesized starter handler, and the watch it starts running on the local
engine to its terminal event."""

from __future__ import annotations

import pytest

from conversion_watch.cloudtrail import RejectedEvent, cancel_from_event, task_from_event
from conversion_watch.kinds import vmie
from localrun.autostart import ApiCall, Sweep
from localrun.engine import run_autostart
from tests.autostart import samples

pytestmark = pytest.mark.slow

EVENTS = [
    ("ec2-import-image", samples.IMAGE_TASK, samples.import_image_event),
    ("ec2-import-snapshot", samples.SNAPSHOT_TASK, samples.import_snapshot_event),
    ("ec2-export-image", samples.EXPORT_IMAGE_TASK, samples.export_image_event),
    ("ec2-export-instance", samples.EXPORT_INSTANCE_TASK, samples.create_instance_export_task_event),
]


def test_each_new_start_call_starts_one_watch_that_runs_to_its_end() -> None:
    tasks = [{"taskType": task_type, "taskId": task_id,
              "timeline": [{"at": 0, "state": "active"}, {"at": 1200, "state": "completed"}]}
             for task_type, task_id, _ in EVENTS]
    calls = [ApiCall(30 + 10 * n, event()) for n, (_, _, event) in enumerate(EVENTS)]

    report = run_autostart({"tasks": tasks}, api_calls=calls)

    assert [(d.event_name, d.delivered, d.results[0]["outcome"]) for d in report.deliveries] == [
        ("ImportImage", 1, "STARTED"), ("ImportSnapshot", 1, "STARTED"), ("ExportImage", 1, "STARTED"),
        ("CreateInstanceExportTask", 1, "STARTED")]
    by_name = {e.name: e for e in report.run.executions}
    for task_type, task_id, _ in EVENTS:
        execution = by_name[f"watch-{task_id}"]
        assert execution.status == "SUCCEEDED"
        assert execution.input == {"taskType": task_type, "taskId": task_id}
        states = [e["detail"]["state"] for e in report.run.events if e["detail"]["taskId"] == task_id]
        assert states == ["IN_PROGRESS", "COMPLETED"]


def test_a_refused_start_call_is_kept_away_from_the_starter() -> None:
    report = run_autostart({"tasks": []}, api_calls=[ApiCall(10, samples.failed_call(samples.import_image_event()))])

    assert [d.delivered for d in report.deliveries] == [0]
    assert report.run.executions == []


@pytest.mark.parametrize(("event", "task_type"), [
    (samples.cancel_import_task_event(samples.IMAGE_TASK), "ec2-import-image"),
    (samples.cancel_import_task_event(samples.SNAPSHOT_TASK), "ec2-import-snapshot"),
    (samples.cancel_export_task_event(samples.EXPORT_IMAGE_TASK), "ec2-export-image"),
    (samples.cancel_export_task_event(samples.EXPORT_INSTANCE_TASK), "ec2-export-instance"),
])
def test_cancel_calls_name_the_task_and_its_kind(event, task_type) -> None:
    cancel = cancel_from_event(event)
    assert cancel is not None and cancel.task_type == task_type


def test_cancel_calls_start_no_watch() -> None:
    with pytest.raises(RejectedEvent, match="UnsupportedCall"):
        task_from_event(samples.cancel_import_task_event())


def test_the_sweep_starts_the_running_tasks_of_each_new_kind_with_one_paginated_read_per_kind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(vmie, "PAGE_SIZE", 2)  # 3 tasks of a paged kind: 2 pages
    tasks, running = [], []
    for task_type, task_id, _ in EVENTS:
        prefix = task_id.rsplit("-", 1)[0]
        for n, final in enumerate(("completed", None, None)):
            other = f"{prefix}-{n:017x}"
            timeline = [{"at": 0, "state": "active"}, {"at": 900 + n, "state": "completed"}]
            if final:
                timeline = [{"at": 0, "state": final}]
            else:
                running.append(other)
            tasks.append({"taskType": task_type, "taskId": other, "timeline": timeline})

    report = run_autostart({"tasks": tasks}, sweeps=[Sweep(60)])

    [sweep] = report.sweeps
    assert sorted(sweep.report["started"]) == sorted(running)
    assert {name: n for name, n in sweep.calls.items() if name.startswith("ec2:")} == {
        "ec2:DescribeConversionTasks": 1, "ec2:DescribeImportImageTasks": 2, "ec2:DescribeImportSnapshotTasks": 2,
        "ec2:DescribeExportImageTasks": 2, "ec2:DescribeExportTasks": 1}
    terminal = [e["detail"]["taskId"] for e in report.run.events if e["detail"]["terminal"]]
    assert sorted(terminal) == sorted(running)
