"""Fleet scale (issue 14): per-task polling against the shared snapshot, for 10, 100, 1,000
and 5,000 concurrent watches of a realistic mix (``localrun.fleet``), under the account's
token buckets with half of each taken by other tools. Every row but one is a run of the
synthesized state machine on the local engine. The 5,000-watch per-task row is projected from
the measured per-task rows (``project_per_task``): at that size most polls are throttled and
retried, which would take the local run well over an hour here (``--measure-all`` runs it
anyway). ``--sizes=10,100`` runs fewer; ``--quick`` stops at 1,000. Rows print as they finish.
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
PROJECTED = {(5000, "per-task")}
CALIBRATION_WATCHES = 100  # the per-task run a projection scales when this run measured none
HOURS = 1.0  # tasks of 20 to 48 minutes (localrun/fleet.py); keeps make bench within budget
OUR_REFILL = {"ec2": 10.0, "license-manager": 2.5}  # the free half of each bucket's refill, per second


@dataclass
class Row:
    watches: int
    design: str
    measured: bool
    ec2_calls: float  # per second
    license_calls: float
    throttled: int
    lost: int  # tasks without a terminal event (-1: unknown, projected with throttling)
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


def project_per_task(watches: int, measured: list[Row]) -> Row:
    """Per-task polling at a size not run here, from the largest measured per-task row that was
    not throttled (its rates are the polls' own; a 100-watch run when there is none): every poll
    is one describe, so the call rates grow linearly with the watches. What the free half of each
    bucket cannot serve is throttled, each throttle one more retry (a transition and an
    invocation); whether the Retry policy's attempts run out is not modelled (lost '?')."""
    calm = [r for r in measured if r.design == "per-task" and r.throttled == 0] or \
        [r for r in measured if r.design == "per-task"] or [measure(CALIBRATION_WATCHES, "per-task")]
    base = max(calm, key=lambda r: r.watches)
    scale = watches / base.watches
    ec2, lic = base.ec2_calls * scale, base.license_calls * scale
    over = max(0.0, ec2 - OUR_REFILL["ec2"]) + max(0.0, lic - OUR_REFILL["license-manager"])
    throttled = int(over * HOURS * 3600)
    extra = throttled / watches
    return Row(
        watches=watches, design="per-task", measured=False, ec2_calls=ec2, license_calls=lic,
        throttled=throttled, lost=-1 if throttled else 0, doubled=0, worst_delay=base.worst_delay,
        mean_delay=base.mean_delay, transitions=base.transitions + extra, invocations=base.invocations + extra,
        dynamodb_units=0.0,
    )


HEADER = (f"{'watches':>7} {'design':<9} {'how':<9} {'EC2/s':>6} {'LM/s':>6} {'throttled':>9} {'lost':>5} "
          f"{'doubled':>7} {'worst':>6} {'mean':>6} {'trans/w':>7} {'λ/w':>5} {'$/1k watches':>12} {'wall':>6}")


def print_row(r: Row) -> None:
    lost = "?" if r.lost < 0 else str(r.lost)
    wall = f"{r.wall:>5.0f}s" if r.measured else f"{'-':>6}"
    print(f"{r.watches:>7} {r.design:<9} {'measured' if r.measured else 'projected':<9} {r.ec2_calls:>6.2f} "
          f"{r.license_calls:>6.2f} {r.throttled:>9} {lost:>5} {r.doubled:>7} {r.worst_delay:>5.0f}s "
          f"{r.mean_delay:>5.0f}s {r.transitions:>7.1f} {r.invocations:>5.1f} {r.dollars_per_1000:>12.2f} {wall}",
          flush=True)


def sizes(argv: list[str]) -> list[int]:
    for arg in argv:
        if arg.startswith("--sizes="):
            return [int(size) for size in arg.split("=", 1)[1].split(",")]
    return list(QUICK_SIZES if "--quick" in argv else SIZES)


def main(argv: list[str]) -> None:
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    logging.getLogger("moto").setLevel(logging.CRITICAL)  # failed conversions end their executions red
    total = time.perf_counter()
    print(f"Fleet: concurrent watches over {HOURS:.0f} simulated hour(s), mix of localrun/fleet.py, under the "
          "account's token buckets (EC2 100/20 per s, License Manager 20/5 per s, half taken by other tools)")
    print("EC2/s, LM/s: describe + list calls per second per service; throttled: calls the buckets refused; "
          "lost: tasks without a terminal event ('?': retries may run out); worst/mean: change to event; "
          "$ = transitions + Lambda + DynamoDB; wall: seconds the local run took")
    print(HEADER)
    print("-" * len(HEADER), flush=True)
    measured: list[Row] = []
    for watches in sizes(argv):
        for design in DESIGNS:
            if (watches, design) in PROJECTED and "--measure-all" not in argv:
                print_row(project_per_task(watches, measured))
                continue
            measured.append(measure(watches, design))
            print_row(measured[-1])
    print(f"\n(in {time.perf_counter() - total:.0f} s of wall time)")


if __name__ == "__main__":
    main(sys.argv[1:])
