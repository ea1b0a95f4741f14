"""The chaos soak scenario (``scenarios/chaos.json``): 200 tasks of every kind, started
every way an operator or the automation does, with every mistake issues 10 and 18 list.

``python -m tests.reliability.chaos_scenario`` rewrites the file; a test checks the
committed file still matches this generator. It runs with ``CHAOS_ENV`` (a fixed
10-minute poll and a hand-over every 10 polls, so squatted ``-gN`` names are met):

    python -m localrun scenarios/chaos.json --set POLLS_PER_EXECUTION=10 \\
        --set MIN_POLL_SECONDS=600 --set MAX_POLL_SECONDS=600

Groups (the task id embeds its group letter):

* ``a`` started by a scenario watch; ``b`` by a CloudTrail API-call event; ``c`` by
  nobody (the sweep finds it);
* ``d`` a hand-started execution under ``watch-<taskId>`` with the other task type
  (fails ``InvalidInput``), then the API-call event;
* ``e`` ``watch-<taskId>-g2`` squatted with ``{}`` before the watch starts;
* ``f`` ``watch-<taskId>-g3`` started with a forged continuation (a made-up
  ``AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID``, ``sequence`` 41, last state COMPLETED);
* ``g`` a continuation naming the *real* predecessor (its ARN and the current sequence are
  public on the bus) under ``-g2``, with a deadline in the past and a cancel request;
* ``h`` an old hand-over input replayed as ``-g5``, naming the real predecessor;
* ``i`` ``watch-<taskId>-g2`` squatted early with an input naming the real predecessor;
* ``j`` the four VM Import/Export kinds (image and snapshot imports, image and instance
  exports), started by a scenario watch;
* ``k`` long tasks (12 to 18 hours) that live through the watch-table outage.

Faults: 10 % throttling of the describe/list calls; a one-hour EventBridge outage and a
five-hour one over many tasks' ends (longer than the publish step's budget); a six-hour
watch-table outage; a Lambda-crash window; a sweep every 15 minutes.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

CHAOS_FILE = Path(__file__).resolve().parents[2] / "scenarios" / "chaos.json"
SEED = 20261201
GROUPS = {"a": 40, "b": 20, "c": 15, "d": 15, "e": 10, "f": 10, "g": 20, "h": 15, "i": 15, "j": 30, "k": 10}
OUTAGE = {"from": 2 * 3600, "to": 3 * 3600}
LONG_OUTAGE = {"from": 3 * 3600 + 1800, "to": 8 * 3600 + 1800}  # longer than the publish budget
TABLE_OUTAGE = {"from": 9 * 3600, "to": 15 * 3600}
CRASHES = {"from": 8400, "to": 9300}  # after the first hand-overs: squatted names are met
FAULTS = {"seed": SEED, "throttleRate": 0.1, "putEventsOutages": [OUTAGE, LONG_OUTAGE],
          "tableOutages": [TABLE_OUTAGE], "lambdaCrashes": [CRASHES]}
FAULT_WINDOWS = (OUTAGE, LONG_OUTAGE, TABLE_OUTAGE, CRASHES)
CHAOS_ENV = {"POLLS_PER_EXECUTION": "10", "MIN_POLL_SECONDS": "600", "MAX_POLL_SECONDS": "600"}
SWEEP_EVERY = 900
LAST_SWEEP = 20 * 3600
PREDECESSOR = "arn:aws:states:us-east-1:123456789012:execution:ConversionWatch-Watcher:watch-{}"
# (task type, id prefix, API call, states through the task's life, normalized outcome)
SHAPES = (
    ("ec2-conversion", "import-i-", "ImportInstance", ("active", "completed"), "COMPLETED"),
    ("ec2-conversion", "import-vol-", "ImportVolume", ("active", "cancelling", "cancelled"), "CANCELLED"),
    ("license-conversion", "lct-", "CreateLicenseConversionTaskForResource", ("IN_PROGRESS", "SUCCEEDED"),
     "COMPLETED"),
    ("license-conversion", "lct-", "CreateLicenseConversionTaskForResource", ("IN_PROGRESS", "FAILED"), "FAILED"),
)
VMIE_SHAPES = (
    ("ec2-import-image", "import-ami-", "ImportImage", ("active", "completed"), "COMPLETED"),
    ("ec2-import-snapshot", "import-snap-", "ImportSnapshot", ("active", "completed"), "COMPLETED"),
    ("ec2-export-image", "export-ami-", "ExportImage", ("active", "completed"), "COMPLETED"),
    ("ec2-export-instance", "export-i-", "CreateInstanceExportTask", ("active", "completed"), "COMPLETED"),
)


def _real_continuation(**fields: Any) -> dict[str, Any]:
    return {"watchStartedAt": "2026-01-05T09:00:00Z", "deadline": "2026-02-05T09:00:00Z", "pollCount": 1,
            "sequence": 1, "generation": 1, **fields}


def build() -> dict[str, Any]:
    draws = random.Random(SEED)
    tasks: list[dict[str, Any]] = []
    watches: list[dict[str, Any]] = []
    api_calls: list[dict[str, Any]] = []
    index = 0
    for group, count in GROUPS.items():
        for _ in range(count):
            shapes = VMIE_SHAPES if group == "j" else SHAPES
            task_type, prefix, call, states, _ = shapes[index % len(shapes)]
            task_id = f"{prefix}chaos{group}{index:03d}"
            created = draws.randrange(0, 1801, 60)
            duration = draws.randrange(12 * 3600, 18 * 3600 + 1, 300) if group == "k" else draws.randrange(
                3600, 4 * 3600 + 1, 300)
            steps = [created + duration * n // (len(states) - 1) for n in range(len(states))]
            tasks.append({"taskType": task_type, "taskId": task_id,
                          "timeline": [{"at": at, "state": state} for at, state in zip(steps, states, strict=True)]})
            request = {"taskType": task_type, "taskId": task_id}
            if group in "aefghijk":
                watches.append({"at": created, "input": request})
            if group in "bd":
                api_calls.append({"at": created + 60, "eventName": call, "taskId": task_id})
            if group == "d":
                other = "license-conversion" if task_type == "ec2-conversion" else "ec2-conversion"
                watches.append({"at": created, "name": f"watch-{task_id}", "input": {**request, "taskType": other}})
            if group == "e":
                watches.append({"at": created, "name": f"watch-{task_id}-g2", "input": {}})
            if group == "f":
                watches.append({"at": created + 120, "name": f"watch-{task_id}-g3", "input": {
                    **request,
                    "continuation": {"watchStartedAt": "2026-01-05T09:00:00Z", "deadline": "2026-02-05T09:00:00Z",
                                     "pollCount": 40, "sequence": 41, "generation": 2,
                                     "last": {"state": "COMPLETED", "serviceState": "completed"}},
                    "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": "forged-by-me",
                }})
            forged = {**request, "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": PREDECESSOR.format(task_id)}
            if group == "g":
                watches.append({"at": created + 900, "name": f"watch-{task_id}-g2", "input": {
                    **forged, "continuation": _real_continuation(deadline="2026-01-05T09:00:01Z",
                                                                 cancelRequested=True)}})
            if group == "h":
                watches.append({"at": created + 900, "name": f"watch-{task_id}-g5", "input": {
                    **forged, "continuation": _real_continuation(generation=4)}})
            if group == "i":
                watches.append({"at": created + 60, "name": f"watch-{task_id}-g2", "input": {
                    **forged, "continuation": _real_continuation()}})
            index += 1
    return {
        "description": (
            f"Chaos soak: {index} tasks ({', '.join(f'{n} in group {g}' for g, n in GROUPS.items())}) with "
            "mistyped starts, squatted and forged hand-over names (forged continuations naming the real "
            "predecessor too), every task kind, a one-hour and a five-hour EventBridge outage, a six-hour watch-table "
            "outage, a Lambda-crash window, 10 % throttling and sweeps every 15 minutes. Generated by "
            "tests/reliability/chaos_scenario.py; run with "
            + " ".join(f"--set {k}={v}" for k, v in CHAOS_ENV.items()) + "."
        ),
        "epoch": "2026-01-05T09:00:00Z",
        "faults": FAULTS,
        "tasks": tasks,
        "watches": sorted(watches, key=lambda w: w["at"]),
        "apiCalls": sorted(api_calls, key=lambda c: c["at"]),
        "sweeps": [{"at": at} for at in range(SWEEP_EVERY, LAST_SWEEP + 1, SWEEP_EVERY)],
    }


def outcome_of(task: dict[str, Any]) -> str:
    """The normalized state the task's one terminal event must carry."""
    last = task["timeline"][-1]["state"]
    return {"completed": "COMPLETED", "cancelled": "CANCELLED", "SUCCEEDED": "COMPLETED", "FAILED": "FAILED"}[last]


def end_of(task: dict[str, Any]) -> float:
    return float(task["timeline"][-1]["at"])


def delivery_bound(task: dict[str, Any]) -> float:
    """When the task's end must be delivered by: one poll and one sweep after it ends (a watch a
    squatted name or a forged start stopped is resumed within that), or, if it ends within a fault
    window, one sweep plus one poll after the window closes."""
    poll = float(CHAOS_ENV["MAX_POLL_SECONDS"])
    bound = end_of(task) + poll + SWEEP_EVERY
    for window in FAULT_WINDOWS:
        if window["from"] - poll <= end_of(task) < window["to"]:
            bound = max(bound, window["to"] + SWEEP_EVERY + poll)
    return bound


if __name__ == "__main__":
    CHAOS_FILE.write_text(json.dumps(build(), indent=1) + "\n")
    print(f"wrote {CHAOS_FILE}")
