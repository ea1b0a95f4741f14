"""Fleet scale (issue 14): per-task polling against the shared snapshot, for 10, 100, 1,000
and 5,000 concurrent watches of a realistic mix (``localrun.fleet``), under the account's
token buckets with half of each taken by other tools.

Small fleets are measured on the local engine; the larger ones are projected from a model
calibrated by the measured rows (``--measure N`` measures more). Every row says which it is.
"""

from __future__ import annotations

import logging
import math
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
MEASURED = (10, 100)
PROJECTED = (1000, 5000)
HOURS = 1.0  # tasks of 20 to 45 minutes (localrun/fleet.py); keeps make bench within budget
OUR_REFILL = {"ec2": 10.0, "license-manager": 2.5}  # half of each bucket's refill
LIST_PAGE = 100  # ListLicenseConversionTasks page size the kind asks for
LICENSE_BURST_PAGES = 10  # the free half of the assumed 20-token License Manager bucket
DEFAULT_MAX_AGE = 30


@dataclass
class Row:
    watches: int
    design: str
    measured: bool
    ec2_calls: float  # per second
    license_calls: float
    throttled: int
    lost: int
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
        watches=watches, design=design, measured=True,
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


def project(watches: int, design: str, calibration: dict[str, Row]) -> Row:
    """Scale the largest measured rows: per-watch figures stay, call rates follow the design.

    per-task: every poll is a describe, so the rates grow linearly with the watches. snapshot: one
    refresh per kind every half maximum age (EC2: one call; License Manager: a page per 100
    running tasks, at most one burst of the free bucket, 10 pages, before the rest is throttled
    and those tasks are read per task), plus one describe per task start and license end.
    What the free refill cannot serve is throttled (a retry: one more transition and invocation)."""
    base, per_task = calibration[design], calibration["per-task"]
    scale = watches / base.watches
    ec2, lic = base.ec2_calls * scale, base.license_calls * scale
    if design == "snapshot":
        license_share = 0.65  # the mix's license conversions (localrun/fleet.py)
        refresh_period = DEFAULT_MAX_AGE / 2
        starts_and_ends = watches * (1 + license_share) / (HOURS * 3600)
        pages = math.ceil(license_share * watches / LIST_PAGE)
        uncovered = max(0, pages - LICENSE_BURST_PAGES) * LIST_PAGE
        per_watch_license_polls = per_task.license_calls / (license_share * per_task.watches)
        ec2 = 1 / refresh_period + starts_and_ends * (1 - license_share)
        lic = (min(pages, LICENSE_BURST_PAGES + 1) / refresh_period + starts_and_ends * license_share
               + uncovered * per_watch_license_polls)
    over = max(0.0, ec2 - OUR_REFILL["ec2"]) + max(0.0, lic - OUR_REFILL["license-manager"])
    throttled = int(over * HOURS * 3600)
    extra = throttled / watches
    return Row(
        watches=watches, design=design, measured=False, ec2_calls=ec2, license_calls=lic, throttled=throttled,
        lost=-1 if throttled else 0, doubled=0, worst_delay=base.worst_delay, mean_delay=base.mean_delay,
        transitions=base.transitions + extra, invocations=base.invocations + extra,
        dynamodb_units=base.dynamodb_units,
    )


def print_table(rows: list[Row]) -> None:
    header = (f"{'watches':>7} {'design':<9} {'how':<9} {'EC2/s':>6} {'LM/s':>6} {'throttled':>9} {'lost':>5} "
              f"{'doubled':>7} {'worst':>6} {'mean':>6} {'trans/w':>7} {'λ/w':>5} {'$/1k watches':>12}")
    print(header)
    print("-" * len(header))
    for r in rows:
        lost = "?" if r.lost < 0 else str(r.lost)
        print(f"{r.watches:>7} {r.design:<9} {'measured' if r.measured else 'projected':<9} {r.ec2_calls:>6.2f} "
              f"{r.license_calls:>6.2f} {r.throttled:>9} {lost:>5} {r.doubled:>7} {r.worst_delay:>5.0f}s "
              f"{r.mean_delay:>5.0f}s {r.transitions:>7.1f} {r.invocations:>5.1f} {r.dollars_per_1000:>12.2f}")


def main(argv: list[str]) -> None:
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    logging.getLogger("moto").setLevel(logging.CRITICAL)  # failed conversions end their executions red
    extra = [int(a.split("=", 1)[1]) for a in argv if a.startswith("--measure=")]
    measured_sizes = sorted({*MEASURED, *extra})
    total = time.perf_counter()
    rows: list[Row] = []
    for watches in measured_sizes:
        for design in DESIGNS:
            rows.append(measure(watches, design))
            print(f"  measured {watches} watches / {design} in {rows[-1].wall:.0f} s", file=sys.stderr)
    calibration = {r.design: r for r in rows if r.watches == max(MEASURED)}
    rows += [project(w, d, calibration) for w in PROJECTED if w not in measured_sizes for d in DESIGNS]
    rows.sort(key=lambda r: (r.watches, r.design))
    print(f"Fleet: concurrent watches over {HOURS:.0f} simulated hours, mix of localrun/fleet.py, under the "
          "account's token buckets (EC2 100/20 per s, License Manager 20/5 per s, half taken by other tools)")
    print("EC2/s, LM/s: describe + list calls per second per service; worst/mean: change to event; "
          "$ = transitions + Lambda + DynamoDB; lost '?' = retries may run out")
    print_table(rows)
    print(f"\n(measured in {time.perf_counter() - total:.0f} s of wall time)")


if __name__ == "__main__":
    main(sys.argv[1:])
