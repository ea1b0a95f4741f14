"""What the reliability tests check a run's events against."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from localrun.report import Report

STATE_CHANGE = "Conversion Task State Change"
WATCH_ERROR = "Conversion Task Watch Error"
SERVICE_CALLS = ("ec2:DescribeConversionTasks", "license-manager:GetLicenseConversionTask",
                 "license-manager:ListLicenseConversionTasks")  # the shared snapshot's refresh


def service_calls(report: Report) -> int:
    """Calls that reached EC2 or License Manager (fault answers included)."""
    return sum(report.apiCalls.get(name, 0) for name in SERVICE_CALLS)


def events_by_task(report: Report) -> dict[str, list[dict[str, Any]]]:
    """taskId -> its events' details (with ``detail-type`` added), in delivery order."""
    by_task: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in report.events:
        by_task[str(event["detail"].get("taskId"))].append({**event["detail"], "detail-type": event["detail-type"]})
    return by_task


def chain_problems(task_id: str, details: list[dict[str, Any]]) -> list[str]:
    """Why ``details`` do not read as one uninterrupted watch: sequence 1..N in delivery
    order, each eventId delivered once, each change's previousState the state before it,
    exactly one terminal event (a terminal state change or a watch error), and it last."""
    problems = []
    sequences = [d["sequence"] for d in details]
    if sequences != list(range(1, len(details) + 1)):
        problems.append(f"{task_id}: sequences {sequences}, expected 1..{len(details)}")
    ids = [d["eventId"] for d in details]
    if len(set(ids)) != len(ids):
        problems.append(f"{task_id}: duplicated eventIds {sorted(i for i in ids if ids.count(i) > 1)}")
    if any(d["eventId"] != f"{task_id}#{d['sequence']}" for d in details):
        problems.append(f"{task_id}: eventIds {ids} are not <taskId>#<sequence>")
    previous = None
    for detail in details:
        if detail["detail-type"] == STATE_CHANGE:
            if detail["previousState"] != previous:
                problems.append(f"{task_id}: #{detail['sequence']} previousState {detail['previousState']} "
                                f"after {previous}")
            previous = detail["state"]
        elif detail.get("lastKnownState") != previous:
            problems.append(f"{task_id}: error #{detail['sequence']} lastKnownState {detail.get('lastKnownState')} "
                            f"after {previous}")
    ends = [d for d in details if d["detail-type"] == WATCH_ERROR or d.get("terminal")]
    if len(ends) != 1 or (details and ends[0] is not details[-1]):
        problems.append(f"{task_id}: {len(ends)} terminal/error events, expected exactly one, last")
    return problems
