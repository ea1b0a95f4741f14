"""Small builders for end-to-end scenarios and what the tests compare."""

from __future__ import annotations

from typing import Any

from localrun.report import Report

STATE_CHANGE = "Conversion Task State Change"
WATCH_ERROR = "Conversion Task Watch Error"

EC2_INSTANCE = "import-i-ffvko9js"
EC2_VOLUME = "import-vol-ffut5xv4"
LICENSE_OK = "lct-0a1b2c3d4e5f6071"
LICENSE_BAD = "lct-ffeeddccbbaa9988"


def ec2_task(task_id: str, *timeline: tuple[float, str] | dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"taskType": "ec2-conversion", "taskId": task_id, "timeline": [_entry(e) for e in timeline], **fields}


def license_task(task_id: str, *timeline: tuple[float, str] | dict[str, Any]) -> dict[str, Any]:
    return {"taskType": "license-conversion", "taskId": task_id, "timeline": [_entry(e) for e in timeline]}


def watch(task_type: str, task_id: Any, *, at: float = 0, **extra: Any) -> dict[str, Any]:
    return {"at": at, "input": {"taskType": task_type, "taskId": task_id, **extra}}


def _entry(entry: tuple[float, str] | dict[str, Any]) -> dict[str, Any]:
    return entry if isinstance(entry, dict) else {"at": entry[0], "state": entry[1]}


def sequence(report: Report, task_id: str | None = None) -> list[tuple[str, str | None, str | None]]:
    """(detail-type, state or errorCode, previousState) of each delivered event, in delivery order."""
    out = []
    for event in report.events:
        detail = event["detail"]
        if task_id is not None and detail.get("taskId") != task_id:
            continue
        if event["detail-type"] == WATCH_ERROR:
            out.append((WATCH_ERROR, detail["errorCode"], detail.get("lastKnownState")))
        else:
            out.append((event["detail-type"], detail["state"], detail["previousState"]))
    return out


def outcome(report: Report, name: str) -> tuple[str, str | None]:
    execution = report.execution(name)
    return execution.status, execution.error
