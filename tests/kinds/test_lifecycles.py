"""Each new kind end to end on the local engine (the synthesized state machine on moto's ASL
engine, the service double answering the describes): one task completes, one is cancelled on
request, one fails. One run per kind keeps the suite's budget."""

from __future__ import annotations

from typing import Any

import pytest

from conversion_watch.kinds import TASK_KINDS
from localrun.engine import run_scenario
from tests.e2e.helpers import outcome

FAILURE = "ClientError: Unsupported kernel version 4.15.0-1021-aws"


def _ids(prefix: str) -> tuple[str, str, str]:
    return f"{prefix}-0000000000000000a", f"{prefix}-0000000000000000b", f"{prefix}-0000000000000000c"


def _task(task_type: str, task_id: str, *timeline: dict[str, Any]) -> dict[str, Any]:
    return {"taskType": task_type, "taskId": task_id, "timeline": list(timeline)}


def _run(task_type: str, tasks: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Events by task id; the first task must complete."""
    report = run_scenario({"tasks": tasks, "watches": [
        {"at": 0, "input": {"taskType": task_type, "taskId": t["taskId"]}} for t in tasks]})
    assert outcome(report, f"watch-{tasks[0]['taskId']}") == ("SUCCEEDED", None)
    assert len(report.executions) == len(tasks)
    return {t["taskId"]: [e["detail"] for e in report.events if e["detail"]["taskId"] == t["taskId"]] for t in tasks}


def _states(details: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    return [(d["state"], d["serviceState"], d["statusMessage"]) for d in details]


def _percents(details: list[dict[str, Any]]) -> list[float | None]:
    return [(d["progress"] or {}).get("percent") for d in details]


def _at(at: int, state: str, message: str | None = None, progress: str | None = None, **ids: str) -> dict[str, Any]:
    """One timeline entry; ``message`` and ``progress`` belong to it only."""
    entry: dict[str, Any] = {"at": at, "state": state, **ids}
    if message is not None:
        entry["statusMessage"] = message
    if progress is not None:
        entry["progress"] = progress
    return entry


# Per kind: the id prefix, task-level fields, the three timelines (done, cancelled on request,
# failed), then what the events must say: (state, serviceState, statusMessage) of the done and
# cancelled tasks, the done task's percents and facts, and the failed task's last event.
# Every failed end is FAILED/error (conversion_watch.outcome: an error-form message, or the snapshot's
# own "error"). A cancel is "user-cancelled" only where a state proves the request (export-instance's
# "cancelling"); a "deleting" -> "deleted" end without a CloudTrail cancel call stays CANCELLED/unknown.
CASES = {
    "ec2-import-image": (
        "import-ami", {},
        [_at(0, "active", "pending", "2"), _at(600, "active", "converting", "40"),
         _at(1800, "active", "preparing ami", "84"),
         _at(2400, "completed", imageId="ami-0123456789abcdef0", snapshotId="snap-0123456789abcdef0")],
        [_at(0, "active", "pending", "2"), _at(600, "deleting", "pending", "2"), _at(900, "deleted")],
        [_at(0, "active", "validating", "10"), _at(900, "deleted", FAILURE)],
        [("IN_PROGRESS", "active", "pending"), ("IN_PROGRESS", "active", "converting"),
         ("IN_PROGRESS", "active", "preparing ami"), ("COMPLETED", "completed", None)],
        [2.0, 40.0, 84.0, None],
        {"imageId": "ami-0123456789abcdef0", "snapshotIds": ["snap-0123456789abcdef0"]},
        [("IN_PROGRESS", "active", "pending"), ("CANCELLING", "deleting", "pending"), ("CANCELLED", "deleted", None)],
        {"serviceState": "deleted", "terminal": True, "statusMessage": FAILURE},
    ),
    "ec2-import-snapshot": (
        "import-snap", {},
        [_at(0, "active", "pending", "3"), _at(600, "active", "downloading/converting", "22"),
         _at(1500, "completed", snapshotId="snap-0123456789abcdef0")],
        [_at(0, "active", "pending", "3"), _at(300, "deleting", "pending", "3"), _at(600, "deleted")],
        [_at(0, "active", "pending", "3"), _at(600, "error", "ClientError: Footers not identical")],
        [("IN_PROGRESS", "active", "pending"), ("IN_PROGRESS", "active", "downloading/converting"),
         ("COMPLETED", "completed", None)],
        [3.0, 22.0, None],
        {"snapshotId": "snap-0123456789abcdef0"},
        [("IN_PROGRESS", "active", "pending"), ("CANCELLING", "deleting", "pending"), ("CANCELLED", "deleted", None)],
        {"state": "FAILED", "serviceState": "error", "statusMessage": "ClientError: Footers not identical"},
    ),
    "ec2-export-image": (
        "export-ami", {"imageId": "ami-0123456789abcdef0", "s3Bucket": "my-export-bucket", "s3Prefix": "exports/"},
        [_at(0, "active", "updating", "21"), _at(900, "active", "converting", "70"), _at(1800, "completed")],
        [_at(0, "active", "updating", "5"), _at(300, "deleting"), _at(600, "deleted")],
        [_at(0, "active", "updating", "5"), _at(600, "deleted", "ClientError: Unknown OS / Missing OS files")],
        [("IN_PROGRESS", "active", "updating"), ("IN_PROGRESS", "active", "converting"),
         ("COMPLETED", "completed", None)],
        [21.0, 70.0, None],
        {"imageId": "ami-0123456789abcdef0", "s3Bucket": "my-export-bucket", "s3Prefix": "exports/"},
        [("IN_PROGRESS", "active", "updating"), ("CANCELLING", "deleting", None), ("CANCELLED", "deleted", None)],
        {"serviceState": "deleted", "terminal": True},
    ),
    "ec2-export-instance": (
        "export-i", {"s3Bucket": "my-export-bucket", "instanceId": "i-0123456789abcdef0"},
        [_at(0, "active"), _at(1200, "completed")],
        [_at(0, "active"), _at(300, "cancelling"), _at(600, "cancelled")],
        [_at(0, "active"), _at(600, "cancelled", "ClientError: Invalid configuration")],
        [("IN_PROGRESS", "active", None), ("COMPLETED", "completed", None)],
        [None, None],
        {"s3Bucket": "my-export-bucket", "s3Key": "vms/export-i-0000000000000000a.ova",
         "instanceId": "i-0123456789abcdef0"},
        [("IN_PROGRESS", "active", None), ("CANCELLING", "cancelling", None), ("CANCELLED", "cancelled", None)],
        {"serviceState": "cancelled", "terminal": True},
    ),
}


@pytest.mark.parametrize("task_type", list(CASES))
def test_each_kind_completes_is_cancelled_and_fails(task_type: str) -> None:
    prefix, fields, done_line, cancel_line, fail_line, done_states, percents, facts, cancelled_states, failed_end = (
        CASES[task_type])
    done, cancelled, failed = _ids(prefix)
    events = _run(task_type, [{**_task(task_type, done, *done_line), **fields},
                              _task(task_type, cancelled, *cancel_line), _task(task_type, failed, *fail_line)])

    assert _states(events[done]) == done_states
    assert _percents(events[done]) == percents
    assert events[done][-1]["terminal"] is True
    assert {k: events[done][-1]["task"][k] for k in facts} == facts
    assert _states(events[cancelled]) == cancelled_states
    assert {k: events[failed][-1][k] for k in failed_end} == failed_end
    assert (events[failed][-1]["state"], events[failed][-1]["outcomeReason"]) == ("FAILED", "error")
    assert events[done][-1]["outcomeReason"] == "completed"
    proven_cancel = TASK_KINDS[task_type].cancel_request_states
    assert events[cancelled][-1]["outcomeReason"] == ("user-cancelled" if proven_cancel else "unknown")


@pytest.mark.parametrize("task_type", ["ec2-import-image", "ec2-export-instance"])
def test_a_task_the_service_does_not_know_is_a_watch_error(task_type: str) -> None:
    task_id = {"ec2-import-image": "import-ami-0000000000000000f", "ec2-export-instance": "export-i-0000000000000000f"}
    report = run_scenario({"tasks": [], "watches": [{"at": 0, "input": {"taskType": task_type,
                                                                         "taskId": task_id[task_type]}}]})

    [event] = report.events
    assert (event["detail-type"], event["detail"]["errorCode"]) == ("Conversion Task Watch Error", "TaskNotFound")
