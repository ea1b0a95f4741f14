"""What the signaller makes of the watcher's events: the task's end, and only its end."""

from __future__ import annotations

from typing import Any

import pytest

from conversion_watch.resources import signal

TASK = "import-ami-0123456789abcdef0"


def _attributes(task_type: str, task_id: str) -> list[str]:
    assert (task_type, task_id) == ("ec2-import-image", TASK)
    return ["ami-0123456789abcdef0", "snap-0123456789abcdef0"]


def _change(**detail: Any) -> dict[str, Any]:
    return {"taskType": "ec2-import-image", "taskId": TASK, **detail}


def test_completed_signals_success_with_the_attributes_from_the_describe():
    ended = signal.from_event(_change(state="COMPLETED", terminal=True, outcomeReason="completed"), _attributes)

    assert ended == signal.Signal("SUCCESS", f"{TASK} completed", TASK,
                                  f"{TASK};ami-0123456789abcdef0;snap-0123456789abcdef0")


def test_a_failure_signals_failure_with_the_task_id_the_reason_and_the_message():
    ended = signal.from_event(_change(state="FAILED", terminal=True, outcomeReason="error",
                                      statusMessage="ClientError: Unsupported kernel version"), _attributes)

    assert ended is not None and ended.status == "FAILURE"
    assert ended.reason == f"{TASK} FAILED (outcomeReason error): ClientError: Unsupported kernel version"


def test_completed_without_its_attributes_is_no_success():
    def missing(task_type: str, task_id: str) -> list[str]:
        raise ValueError("the import completed but DescribeImportImageTasks reports no ImageId")

    ended = signal.from_event(_change(state="COMPLETED", terminal=True), missing)

    assert ended is not None and ended.status == "FAILURE"
    assert "reports no ImageId" in ended.reason


@pytest.mark.parametrize("detail", [
    _change(state="IN_PROGRESS", terminal=False),
    _change(errorCode="RetriesExhausted", message="validation step failed"),  # the watch resumes
])
def test_no_signal_before_the_end(detail):
    assert signal.from_event(detail, _attributes) is None


def test_a_final_watch_error_signals_failure():
    ended = signal.from_event(_change(errorCode="WatchTimedOut", message="watched for 30 days",
                                      lastKnownState="IN_PROGRESS"), _attributes)

    assert ended is not None and ended.status == "FAILURE"
    assert ended.reason == f"{TASK} watch ended WatchTimedOut (last known state IN_PROGRESS): watched for 30 days"


def _snapshot(state: str, service_state: str, message: str | None, percent: float | None = None) -> Any:
    from conversion_watch.facts import Progress, TaskFacts
    from conversion_watch.snapshot import TaskSnapshot

    return TaskSnapshot(state=state, service_state=service_state, status_message=message, facts=TaskFacts(),
                        progress=Progress(percent=percent) if percent is not None else None)


def test_at_its_deadline_a_running_task_fails_the_deployment_with_its_state():
    ended = signal.at_deadline("ec2-import-image", TASK, _snapshot("IN_PROGRESS", "active", "converting", 40.0), 21600,
                               _attributes)

    assert ended.status == "FAILURE"
    assert ended.reason == (f"{TASK} still IN_PROGRESS near the resource's 21600 s timeout (service state active, "
                            "40%): converting")


def test_at_its_deadline_a_task_that_ended_is_signalled_as_its_end():
    ended = signal.at_deadline("ec2-import-image", TASK, _snapshot("COMPLETED", "completed", None), 21600, _attributes)

    assert ended.status == "SUCCESS"
