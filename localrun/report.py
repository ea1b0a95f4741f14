"""What a local run produced: the JSON report and the readable timeline."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TASK_SCHEDULED = frozenset({"TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled"})


@dataclass
class ExecutionReport:
    name: str
    input: Any
    status: str
    error: str | None
    stateTransitions: int
    historyEvents: int
    lambdaInvocations: int


@dataclass
class TimelineEntry:
    """Not part of the JSON report: when something happened, for the printed timeline."""

    seconds: float
    text: str


@dataclass
class Report:
    events: list[dict[str, Any]]
    executions: list[ExecutionReport]
    apiCalls: dict[str, int]
    simulatedSeconds: float
    timeline: list[TimelineEntry] = field(default_factory=list, repr=False)
    # Not part of the JSON report: faults injected ("ec2:DescribeConversionTasks:RequestLimitExceeded",
    # "events:PutEvents:FailedEntry") and "states:RetryAttempts" that absorbed them.
    faults: dict[str, int] = field(default_factory=dict, repr=False)
    # One entry per scenario deployment action, in order (localrun.cloudformation).
    deployments: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "executions": [{**vars(execution), "input": _reportable(execution.input)} for execution in self.executions],
            "apiCalls": self.apiCalls,
            "simulatedSeconds": self.simulatedSeconds,
            **({"deployments": self.deployments} if self.deployments else {}),
        }

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # ensure_ascii (the default) escapes lone surrogates, so the file is always valid UTF-8.
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n")

    def execution(self, name: str) -> ExecutionReport:
        for execution in self.executions:
            if execution.name == name:
                return execution
        raise KeyError(f"no execution named {name!r}; have {[e.name for e in self.executions]}")

    def format_timeline(self) -> str:
        text = "\n".join(f"{clock_offset(entry.seconds)}  {entry.text}" for entry in self.timeline)
        # Hostile input may carry lone surrogates, which no terminal encoding can print.
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _reportable(value: Any) -> Any:
    """An execution's input as the JSON report can hold it: input nested too deeply for
    the JSON encoder (hostile input, up to Step Functions' 256 KB) is summarized instead."""
    try:
        json.dumps(value, indent=2)
    except (RecursionError, ValueError, TypeError) as error:
        return {"unreportableInput": f"{type(error).__name__}: {str(error)[:200]}"}
    return value


def billed_transitions(history: list[dict[str, Any]]) -> int:
    """State transitions as Step Functions bills them: one per state entered,
    plus one per retry attempt (a re-scheduled task within the same state)."""
    transitions = 0
    scheduled_in_state = 0
    for event in history:
        kind = event["type"]
        if kind.endswith("StateEntered"):
            transitions += 1
            scheduled_in_state = 0
        elif kind in TASK_SCHEDULED:
            if scheduled_in_state:
                transitions += 1
            scheduled_in_state += 1
    return transitions


def retry_attempts(history: list[dict[str, Any]]) -> int:
    """Retry attempts in one history: a task scheduled again within the same state."""
    attempts = 0
    scheduled_in_state = 0
    for event in history:
        if event["type"].endswith("StateEntered"):
            scheduled_in_state = 0
        elif event["type"] in TASK_SCHEDULED:
            attempts += 1 if scheduled_in_state else 0
            scheduled_in_state += 1
    return attempts


def clock_offset(seconds: float) -> str:
    whole = int(seconds)
    return f"+{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def describe_event(event: dict[str, Any]) -> str:
    detail = event.get("detail", {})
    who = f"{detail.get('taskType') or '-'} {detail.get('taskId') or '-'}"
    if "errorCode" in detail:
        return f"{who}  {event.get('detail-type')}: {detail['errorCode']} ({detail.get('message', '')})"
    change = f"{detail.get('previousState') or '(first seen)'} -> {detail.get('state')}"
    extras = [f"service state {detail.get('serviceState')!r}"]
    progress = detail.get("progress") or {}
    if progress.get("percent") is not None:
        extras.append(f"{progress['percent']}%")
    if detail.get("statusMessage"):
        extras.append(repr(detail["statusMessage"]))
    if detail.get("terminal"):
        extras.append(f"terminal, outcomeReason {detail.get('outcomeReason')}")
    return f"{who}  {event.get('detail-type')}: {change} ({', '.join(extras)})"


def describe_end(execution: ExecutionReport) -> str:
    error = f" {execution.error}" if execution.error else ""
    return (
        f"execution {execution.name} {execution.status}{error} "
        f"[{execution.stateTransitions} transitions, {execution.lambdaInvocations} invocations]"
    )
