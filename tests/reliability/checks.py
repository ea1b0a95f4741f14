"""What the reliability tests check a run's events against."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from conversion_watch.contract import REJECTED_MARKER
from localrun.report import Report

STATE_CHANGE = "Conversion Task State Change"
WATCH_ERROR = "Conversion Task Watch Error"
SERVICE_CALLS = ("ec2:DescribeConversionTasks", "license-manager:GetLicenseConversionTask",
                 "license-manager:ListLicenseConversionTasks")  # the shared snapshot's refresh


def ec2_conversion(task_id: str, *timeline: tuple[float, str]) -> dict[str, Any]:
    """A scenario task of kind ``ec2-conversion`` with its ``(at, state)`` timeline."""
    return {"taskType": "ec2-conversion", "taskId": task_id,
            "timeline": [{"at": at, "state": state} for at, state in timeline]}


def service_calls(report: Report) -> int:
    """Calls that reached EC2 or License Manager (fault answers included)."""
    return sum(report.apiCalls.get(name, 0) for name in SERVICE_CALLS)


def events_by_task(report: Report) -> dict[str, list[dict[str, Any]]]:
    """taskId -> its events' details (with ``detail-type`` added), in delivery order."""
    by_task: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in report.events:
        detail = event["detail"]
        # A rejected request names no task unless it named a valid pair: file it under the id it gave.
        echoed = detail.get("input") if isinstance(detail.get("input"), dict) else {}
        task_id = str(detail.get("taskId") or echoed.get("taskId"))
        by_task[task_id].append({**detail, "detail-type": event["detail-type"]})
    return by_task


def _rejection(detail: dict[str, Any]) -> bool:
    """The one event of a request that opened no watch: its id is the execution's."""
    return (detail["detail-type"] == WATCH_ERROR and detail["sequence"] == 1
            and detail["eventId"].endswith(f"#{REJECTED_MARKER}"))


def chain_problems(task_id: str, details: list[dict[str, Any]]) -> list[str]:
    """Why ``details`` do not read as one uninterrupted watch: sequence 1..N in delivery
    order, each eventId delivered once, each change's previousState the state before it,
    exactly one terminal event (a terminal state change or a watch error), and it last."""
    problems = []
    problems += numbering_problems(task_id, details)
    ids = [d["eventId"] for d in details]
    if any(d["eventId"] != f"{task_id}#{d['sequence']}" and not _rejection(d) for d in details):
        problems.append(f"{task_id}: eventIds {ids} are not <taskId>#<sequence> (or <executionName>#rejected)")
    problems += state_chain_problems(task_id, details, errors_know_the_last_state=True)
    ends = [d for d in details if d["detail-type"] == WATCH_ERROR or d.get("terminal")]
    if len(ends) != 1 or (details and ends[0] is not details[-1]):
        problems.append(f"{task_id}: {len(ends)} terminal/error events, expected exactly one, last")
    return problems


def numbering_problems(task_id: str, details: list[dict[str, Any]]) -> list[str]:
    """``sequence`` runs 1..N with no gap or repeat, and no ``eventId`` comes twice."""
    problems = []
    sequences = [d["sequence"] for d in details]
    if sequences != list(range(1, len(details) + 1)):
        problems.append(f"{task_id}: sequences {sequences}, expected 1..{len(details)}")
    ids = [d["eventId"] for d in details]
    if len(set(ids)) != len(ids):
        problems.append(f"{task_id}: duplicated eventIds {sorted({i for i in ids if ids.count(i) > 1})}")
    return problems


def state_chain_problems(task_id: str, details: list[dict[str, Any]], *, errors_know_the_last_state: bool) -> list[str]:
    """Each change's ``previousState`` is the state before it; with ``errors_know_the_last_state``,
    each watch error's ``lastKnownState`` is too."""
    problems = []
    previous = None
    for detail in details:
        if detail["detail-type"] == STATE_CHANGE:
            if detail["previousState"] != previous:
                problems.append(f"{task_id}: #{detail['sequence']} previousState {detail['previousState']} "
                                f"after {previous}")
            previous = detail["state"]
        elif errors_know_the_last_state and detail.get("lastKnownState") != previous:
            problems.append(f"{task_id}: error #{detail['sequence']} lastKnownState {detail.get('lastKnownState')} "
                            f"after {previous}")
    return problems


def resumed_chain_problems(task_id: str, details: list[dict[str, Any]], outcome: str) -> list[str]:
    """Like ``chain_problems`` for a watch that may have been interrupted and resumed: watch
    errors of an interruption may sit inside the chain, but sequence 1..N holds across it,
    each eventId once, previousState chains over the state changes, and exactly one terminal
    state change, of state ``outcome``, ends it. ``InvalidInput`` errors and other rejections
    (``<executionName>#rejected``: a start whose validate step failed) belong to no watch
    (a mistyped start) and are left out."""
    problems = []
    details = [d for d in details if d.get("errorCode") != "InvalidInput" and not _rejection(d)]
    problems += numbering_problems(task_id, details)
    problems += state_chain_problems(task_id, details, errors_know_the_last_state=False)
    terminals = [d for d in details if d["detail-type"] == STATE_CHANGE and d.get("terminal")]
    if len(terminals) != 1 or terminals[0] is not details[-1] or terminals[0]["state"] != outcome:
        problems.append(f"{task_id}: terminal events {[d['state'] for d in terminals]} "
                        f"(last: {details[-1]['detail-type'] if details else None}), expected one {outcome}, last")
    return problems
