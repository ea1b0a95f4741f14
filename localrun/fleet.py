"""A fleet scenario: N concurrent watches of a realistic mix (issue 14).

Mostly license type switches (a fleet-wide switch is the common mass operation),
some instance and volume imports; a few tasks fail or are cancelled. Watches start
over the first 10 minutes; every task runs for 20 minutes up to the end of the
``hours`` window (less 2 minutes) and ends there, so each watch must publish
exactly one terminal event. ``buckets=True`` adds the
account's token buckets, half of each already taken by other tools.

``python -m localrun.fleet N [--hours H] [--buckets] > fleet.json`` writes one.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

EPOCH = "2026-01-05T09:00:00Z"
START_SPREAD = 600
END_MARGIN = 120  # the last change falls 2 minutes before the window ends
# EC2's documented bucket for non-mutating actions; License Manager's is an assumption
# (it publishes no rate quota): see docs/service-double.md (the token buckets).
ACCOUNT_BUCKETS: dict[str, dict[str, float]] = {
    "ec2": {"capacity": 100, "refillPerSecond": 20, "reservedShare": 0.5},
    "license-manager": {"capacity": 20, "refillPerSecond": 5, "reservedShare": 0.5},
}
# (share, task type, id prefix, raw states in order): the mix.
MIX: tuple[tuple[float, str, str, tuple[str, ...]], ...] = (
    (0.60, "license-conversion", "lct-", ("IN_PROGRESS", "SUCCEEDED")),
    (0.05, "license-conversion", "lct-", ("IN_PROGRESS", "FAILED")),
    (0.20, "ec2-conversion", "import-i-", ("active", "completed")),
    (0.10, "ec2-conversion", "import-vol-", ("active", "completed")),
    (0.05, "ec2-conversion", "import-vol-", ("active", "cancelling", "cancelled")),
)


def build(count: int, *, hours: float = 2.0, seed: int = 14, buckets: bool = False) -> dict[str, Any]:
    draws = random.Random(seed)
    tasks: list[dict[str, Any]] = []
    watches: list[dict[str, Any]] = []
    longest = int(hours * 3600) - START_SPREAD - END_MARGIN
    for index in range(count):
        _, task_type, prefix, states = _pick(draws)
        task_id = f"{prefix}fleet{index:06d}"
        at = draws.randrange(0, START_SPREAD + 1)
        duration = draws.randrange(min(20 * 60, longest), longest + 1)
        steps = len(states) - 1
        timeline = [{"at": at + round(duration * step / steps), "state": state} for step, state in enumerate(states)]
        tasks.append({"taskType": task_type, "taskId": task_id, "timeline": timeline})
        watches.append({"at": at, "input": {"taskType": task_type, "taskId": task_id}})
    scenario: dict[str, Any] = {
        "description": f"Fleet: {count} concurrent watches of a mixed fleet (localrun/fleet.py, seed {seed}).",
        "epoch": EPOCH,
        "tasks": tasks,
        "watches": watches,
    }
    if buckets:
        scenario["faults"] = {"seed": seed, "tokenBuckets": ACCOUNT_BUCKETS}
    return scenario


@dataclass
class FleetOutcome:
    """What a fleet run did, per task: its terminal events, and how late each change was seen."""

    watches: int
    terminal_events: Counter[str]  # task id -> terminal State Change events published
    watch_errors: Counter[str]  # task id -> Watch Error events
    delays: list[float]  # seconds from each change (after a task's first observation) to its event
    executions: int
    transitions: int
    invocations: int
    api_calls: dict[str, int]
    throttled: dict[str, int]  # API -> throttling answers
    seconds: float  # simulated seconds the run lasted
    misreported: list[str]  # tasks whose terminal event is not the service state they ended in

    @property
    def lost(self) -> list[str]:
        return sorted(task for task, count in self.terminal_events.items() if count == 0)

    @property
    def doubled(self) -> list[str]:
        return sorted(task for task, count in self.terminal_events.items() if count > 1)

    def calls_per_second(self, service: str) -> float:
        calls = sum(n for api, n in self.api_calls.items() if api.startswith(f"{service}:"))
        return calls / self.seconds if self.seconds else 0.0


def outcome(scenario: dict[str, Any], report: Any) -> FleetOutcome:
    """Judge a fleet run (``report``: ``localrun.report.Report``) against its scenario."""
    epoch = datetime.fromisoformat(scenario["epoch"].replace("Z", "+00:00"))
    timelines = {task["taskId"]: task["timeline"] for task in scenario["tasks"]}
    terminal: Counter[str] = Counter(dict.fromkeys(timelines, 0))
    errors: Counter[str] = Counter()
    seen_once: set[str] = set()
    delays: list[float] = []
    misreported: list[str] = []
    for event in sorted(report.events, key=lambda e: e["detail"].get("observedAt", "")):
        detail = event["detail"]
        task_id = detail.get("taskId")
        if event["detail-type"] != "Conversion Task State Change":
            errors[task_id] += 1
            continue
        if detail.get("terminal"):
            terminal[task_id] += 1
            if detail["serviceState"] != timelines[task_id][-1]["state"]:
                misreported.append(task_id)  # a failure must never look like a success, nor the reverse
        if task_id in seen_once:
            happened = next(e["at"] for e in timelines[task_id] if e["state"] == detail["serviceState"])
            observed = datetime.fromisoformat(detail["observedAt"].replace("Z", "+00:00"))
            delays.append((observed - epoch).total_seconds() - happened)
        seen_once.add(task_id)
    throttled = {key.rsplit(":", 1)[0]: n for key, n in report.faults.items()
                 if key.endswith(("RequestLimitExceeded", "RateLimitExceededException"))}
    return FleetOutcome(
        watches=len(scenario["watches"]),
        terminal_events=terminal,
        watch_errors=errors,
        delays=delays,
        executions=len(report.executions),
        transitions=sum(e.stateTransitions for e in report.executions),
        invocations=sum(e.lambdaInvocations for e in report.executions),
        api_calls={k: v for k, v in report.apiCalls.items() if v},
        throttled=throttled,
        seconds=report.simulatedSeconds,
        misreported=sorted(misreported),
    )


def _pick(draws: random.Random) -> tuple[float, str, str, tuple[str, ...]]:
    roll = draws.random()
    for entry in MIX:
        roll -= entry[0]
        if roll < 0:
            return entry
    return MIX[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m localrun.fleet")
    parser.add_argument("count", type=int)
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--buckets", action="store_true", help="the account's token buckets, half taken")
    args = parser.parse_args(argv)
    json.dump(build(args.count, hours=args.hours, seed=args.seed, buckets=args.buckets), sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
