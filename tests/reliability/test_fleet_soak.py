"""Fleet soak (issue 14): 1,000 concurrent watches (``FLEET_SOAK_WATCHES`` sets another size)
of a realistic mix (``localrun.fleet``) under the account's token buckets
(EC2 100 tokens / 20 a second, License Manager 20 / 5, half of each taken by other tools),
with the shared snapshot on (the stack's default).

Every task gets exactly one terminal event, naming the state it ended in: none lost, none
doubled, none misreported, no watch error; and
the describe rate stays far below the buckets, so (almost) nothing is throttled. Figures are
printed (``pytest -s``); ``make bench`` compares them with per-task polling.
"""

from __future__ import annotations

import logging
import os
import time

import pytest

from localrun import fleet
from localrun.engine import run_scenario

WATCHES = int(os.environ.get("FLEET_SOAK_WATCHES", "1000"))
HOURS = 1.0  # tasks run 20 to 48 minutes: long enough for many refreshes, short enough for make test
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fleet_run() -> tuple[dict, fleet.FleetOutcome, float]:
    logging.getLogger("moto").setLevel(logging.CRITICAL)  # failed conversions end their executions red
    scenario = fleet.build(WATCHES, hours=HOURS, buckets=True)
    started = time.monotonic()
    report = run_scenario(scenario, real_timeout=600)
    wall = time.monotonic() - started
    result = fleet.outcome(scenario, report)
    print(
        f"\nfleet soak: {WATCHES} watches, {result.seconds / 3600:.1f} simulated h in {wall:.0f} s; "
        f"{result.invocations} Lambda invocations ({result.invocations / wall:.0f}/s wall); "
        f"EC2 {result.calls_per_second('ec2'):.3f} calls/s, License Manager "
        f"{result.calls_per_second('license-manager'):.3f} calls/s; calls {result.api_calls}; "
        f"throttled {result.throttled}; worst delay {max(result.delays, default=0):.0f} s"
    )
    return scenario, result, wall


def test_every_task_gets_exactly_one_terminal_event(fleet_run) -> None:
    _, result, _ = fleet_run
    assert result.lost == []
    assert result.doubled == []
    assert result.misreported == []  # each terminal event names the state the task ended in
    assert not result.watch_errors
    assert result.executions == WATCHES  # one execution each: no second watcher, no hand-over needed


def test_the_describe_rate_does_not_follow_the_watches(fleet_run) -> None:
    _, result, _ = fleet_run
    polls = result.invocations - result.executions  # every invocation but the validate step
    describes = sum(result.api_calls.get(api, 0) for api in
                    ("ec2:DescribeConversionTasks", "license-manager:GetLicenseConversionTask"))
    assert polls > 10 * WATCHES
    assert describes < polls / 5  # per-task polling makes one call per poll
    # Far below the free half of each bucket: at most a stray throttle when starts bunch up
    # (each one retried), where per-task polling is throttled thousands of times (make bench).
    assert sum(result.throttled.values()) <= polls / 100
