"""Fleet scale (issue 14): per-task polling against the shared snapshot, for 10, 100, 1,000
and 5,000 concurrent watches of a realistic mix (``localrun.fleet``), under the account's
token buckets with half of each taken by other tools. Every row is a run of the synthesized
state machine on the local engine (``--sizes=10,100`` runs fewer; ``--quick`` stops at 1,000).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import dataclass

from localrun import fleet
from localrun.engine import run_scenario

PRICE_PER_TRANSITION = 0.025 / 1000  # Step Functions Standard, us-east-1
PRICE_PER_INVOCATION = 0.20 / 1_000_000  # Lambda requests
LAMBDA_GB_SECONDS_PER_INVOCATION = 0.256 * 0.2  # 256 MB for ~200 ms (bench/handler_cost.py measures it)
PRICE_PER_GB_SECOND = 0.0000133334  # Arm
PRICE_PER_READ_UNIT = 0.125 / 1_000_000  # DynamoDB on-demand
PRICE_PER_WRITE_UNIT = 0.625 / 1_000_000
PART_READ_UNITS = 0.5  # one eventually consistent GetItem of a part under 4 KB (below ~250 tasks per part)
DESIGNS = {"per-task": {"SNAPSHOT_MAX_AGE_SECONDS": "0"}, "snapshot": {}}
SIZES = (10, 100, 1000, 5000)
QUICK_SIZES = (10, 100, 1000)
HOURS = 1.0  # tasks of 20 to 48 minutes (localrun/fleet.py); keeps make bench within budget


@dataclass
class Row:
    watches: int
    design: str
    ec2_calls: float  # per second
    license_calls: float
    throttled: int
    lost: int  # tasks without a terminal event
    doubled: int
    worst_delay: float
    mean_delay: float
    transitions: float  # per watch
    invocations: float  # per watch
    dynamodb_units: float  # per watch (read + write request units)
    wall: float = 0.0

    @property
    def dollars_per_1000(self) -> float:
        transitions = self.transitions * PRICE_PER_TRANSITION
        lambdas = self.invocations * (PRICE_PER_INVOCATION + LAMBDA_GB_SECONDS_PER_INVOCATION * PRICE_PER_GB_SECOND)
        dynamodb = self.dynamodb_units * PRICE_PER_READ_UNIT  # writes in read-unit equivalents
        return 1000 * (transitions + lambdas + dynamodb)


def measure(watches: int, design: str) -> Row:
    scenario = fleet.build(watches, hours=HOURS, buckets=True)
    started = time.perf_counter()
    report = run_scenario(scenario, function_env_overrides=DESIGNS[design] or None, real_timeout=600)
    wall = time.perf_counter() - started
    result = fleet.outcome(scenario, report)
    polls = result.invocations - result.executions  # every invocation but the validate step
    units = 0.0 if design == "per-task" else polls * PART_READ_UNITS + _refresh_write_units(result)
    return Row(
        watches=watches, design=design,
        ec2_calls=result.calls_per_second("ec2"), license_calls=result.calls_per_second("license-manager"),
        throttled=sum(result.throttled.values()), lost=len(result.lost), doubled=len(result.doubled),
        worst_delay=max(result.delays, default=0.0),
        mean_delay=sum(result.delays) / len(result.delays) if result.delays else 0.0,
        transitions=result.transitions / watches, invocations=result.invocations / watches,
        dynamodb_units=units / watches, wall=wall,
    )


def _refresh_write_units(result: fleet.FleetOutcome) -> float:
    """Read-unit equivalents of the refreshes' writes: 16 parts of about 1 KB per list call at most
    (a write unit is priced 5 read units). An upper bound: EC2's own describes count as lists here."""
    lists = sum(n for api, n in result.api_calls.items() if "List" in api or api == "ec2:DescribeConversionTasks")
    return lists * 16 * PRICE_PER_WRITE_UNIT / PRICE_PER_READ_UNIT


def print_table(rows: list[Row]) -> None:
    header = (f"{'watches':>7} {'design':<9} {'EC2/s':>6} {'LM/s':>6} {'throttled':>9} {'lost':>5} "
              f"{'doubled':>7} {'worst':>6} {'mean':>6} {'trans/w':>7} {'λ/w':>5} {'$/1k watches':>12} {'wall':>6}")
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r.watches:>7} {r.design:<9} {r.ec2_calls:>6.2f} {r.license_calls:>6.2f} {r.throttled:>9} "
              f"{r.lost:>5} {r.doubled:>7} {r.worst_delay:>5.0f}s {r.mean_delay:>5.0f}s {r.transitions:>7.1f} "
              f"{r.invocations:>5.1f} {r.dollars_per_1000:>12.2f} {r.wall:>5.0f}s")


def sizes(argv: list[str]) -> list[int]:
    for arg in argv:
        if arg.startswith("--sizes="):
            return [int(size) for size in arg.split("=", 1)[1].split(",")]
    return list(QUICK_SIZES if "--quick" in argv else SIZES)


def main(argv: list[str]) -> None:
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    logging.getLogger("moto").setLevel(logging.CRITICAL)  # failed conversions end their executions red
    total = time.perf_counter()
    rows: list[Row] = []
    for watches in sizes(argv):
        for design in DESIGNS:
            rows.append(measure(watches, design))
            print(f"  measured {watches} watches / {design} in {rows[-1].wall:.0f} s", file=sys.stderr)
    print(f"Fleet: concurrent watches over {HOURS:.0f} simulated hour(s), mix of localrun/fleet.py, under the "
          "account's token buckets (EC2 100/20 per s, License Manager 20/5 per s, half taken by other tools)")
    print("EC2/s, LM/s: describe + list calls per second per service; throttled: calls the buckets refused; "
          "lost: tasks without a terminal event; worst/mean: change to event; $ = transitions + Lambda + DynamoDB; "
          "wall: seconds the local run took")
    print_table(rows)
    print(f"\n(measured in {time.perf_counter() - total:.0f} s of wall time)")


if __name__ == "__main__":
    main(sys.argv[1:])
