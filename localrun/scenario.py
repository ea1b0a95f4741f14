"""The scenario file: tasks with a timeline, and watches started at given times.

    {"epoch": "2026-01-05T09:00:00Z",            # optional: simulated t=0
     "tasks": [{"taskType": "ec2-conversion", "taskId": "import-i-...",
                "timeline": [{"at": 0, "state": "active", ...}, ...], ...}],
     "watches": [{"at": 0, "input": {...state machine input...},
                  "name": "watch-..."}],          # optional name (default watch-<taskId>)
     "sweeps": [{"at": 900}],                     # optional: the sweeper runs then
     "apiCalls": [{"at": 60, "eventName": "ImportVolume", "taskId": "import-vol-..."}],
                                                  # optional: a CloudTrail API-call event for the
                                                  # task reaches the auto-start rule then (more
                                                  # keys: localrun/api_calls.py)
     "deployments": [{"at": 0, "action": "create", "resource": "ImportedImage", "logicalId": "Image",
                      "properties": {...}, "timeoutSeconds": 43200, "taskId": "import-ami-..."}],
                                                  # optional: CloudFormation deployments of the conversion
                                                  # resources (localrun.cloudformation)
     "faults": ...}                               # optional, for the service double and the bus
                                                  # (putEventsOutages: [{"from": s, "to": s}])

The ``tasks`` part belongs to the service double (``localrun.services``),
which checks it when the run starts.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from conversion_watch.naming import execution_name
from localrun.api_calls import ApiCallAt, ApiCallError, parse_api_calls

DEFAULT_EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
# Execution names may not contain spaces, brackets, wildcards or punctuation beyond - and _.
_NAME_SAFE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_EXECUTION_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


class ScenarioError(ValueError):
    """The scenario file is not in the documented format."""


@dataclass(frozen=True)
class WatchStart:
    at: float
    input: Any
    name: str


@dataclass(frozen=True)
class Scenario:
    epoch: datetime
    tasks: list[dict[str, Any]]
    watches: list[WatchStart]  # in start order
    faults: Any = None
    sweeps: tuple[float, ...] = ()
    api_calls: tuple[ApiCallAt, ...] = ()
    deployments: tuple[Any, ...] = ()  # localrun.deployments.Deployment


def load(path: Path) -> Scenario:
    try:
        raw = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise ScenarioError(f"cannot read scenario {path}: {error}") from error
    return parse(raw)


def parse(raw: Any) -> Scenario:
    if not isinstance(raw, dict):
        raise ScenarioError("a scenario is a JSON object with 'tasks' and 'watches'")
    unknown = set(raw) - {"epoch", "tasks", "watches", "faults", "description", "sweeps", "apiCalls", "deployments"}
    if unknown:
        raise ScenarioError(f"unknown scenario keys: {sorted(unknown)}")
    tasks = raw.get("tasks", [])
    watches = raw.get("watches", [])
    sweeps = _sweeps(raw.get("sweeps", []))
    api_calls = _api_calls(raw.get("apiCalls", []))
    if not isinstance(tasks, list) or not all(isinstance(t, dict) for t in tasks):
        raise ScenarioError("'tasks' must be a list of objects")
    deployments = _deployments(raw.get("deployments", []), tasks)
    if not isinstance(watches, list) or not (watches or sweeps or api_calls or deployments):
        raise ScenarioError("'watches' must be a non-empty list (unless 'sweeps', 'apiCalls' or 'deployments' start "
                            "the watches)")
    starts = []
    invalid = 0
    for index, watch in enumerate(watches):
        if not isinstance(watch, dict) or "input" not in watch or not _is_seconds(watch.get("at", 0)):
            raise ScenarioError(f"watches[{index}] must be {{'at': seconds >= 0, 'input': ...}}")
        name = watch.get("name", _name_for(watch["input"]))
        if name is None:
            invalid += 1
            name = f"invalid-input-{invalid}"
        if not isinstance(name, str) or not _EXECUTION_NAME.fullmatch(name):
            raise ScenarioError(f"watches[{index}].name must be 1-80 letters, digits, - or _")
        starts.append(WatchStart(at=float(watch.get("at", 0)), input=watch["input"], name=name))
    starts.sort(key=lambda start: start.at)  # stable: same-time watches keep file order
    return Scenario(epoch=_epoch(raw.get("epoch")), tasks=tasks, watches=starts, faults=raw.get("faults"),
                    sweeps=sweeps, api_calls=api_calls, deployments=deployments)


def _deployments(raw: Any, tasks: Any) -> tuple[Any, ...]:
    from localrun.deployments import DeploymentError, parse_deployments

    try:
        return parse_deployments(raw, tasks if isinstance(tasks, list) else [])
    except DeploymentError as error:
        raise ScenarioError(str(error)) from error


def _sweeps(raw: Any) -> tuple[float, ...]:
    if not isinstance(raw, list) or not all(isinstance(s, dict) and set(s) == {"at"} and _is_seconds(s["at"])
                                            for s in raw):
        raise ScenarioError("'sweeps' must be a list of {'at': seconds >= 0}")
    return tuple(sorted(float(s["at"]) for s in raw))


def _api_calls(raw: Any) -> tuple[ApiCallAt, ...]:
    try:
        return parse_api_calls(raw)
    except ApiCallError as error:
        raise ScenarioError(str(error)) from None


def _is_seconds(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def _name_for(watch_input: Any) -> str | None:
    """``watch-<taskId>`` (the deterministic name users are told to use), when the input has a usable task id."""
    task_id = watch_input.get("taskId") if isinstance(watch_input, dict) else None
    if isinstance(task_id, str) and _NAME_SAFE.fullmatch(task_id):
        return execution_name(task_id)
    return None


def _epoch(value: Any) -> datetime:
    if value is None:
        return DEFAULT_EPOCH
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as error:
        raise ScenarioError(f"epoch {value!r} is not an ISO 8601 timestamp") from error
    if moment.tzinfo is None:
        raise ScenarioError("epoch must carry a time zone (e.g. a trailing Z)")
    return moment.astimezone(UTC)
