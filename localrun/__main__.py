"""``python -m localrun SCENARIO.json [--json REPORT.json]``: run a scenario, print its timeline."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import time
from pathlib import Path

from localrun import scenario as scenario_format
from localrun.template import DEFAULT_TEMPLATE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m localrun",
        description="Run the synthesized Conversion Watch state machine locally on a simulated clock.",
    )
    parser.add_argument("scenario", type=Path, help="scenario file (JSON, see the README)")
    parser.add_argument("--json", type=Path, metavar="REPORT.json", help="also write the JSON report here")
    parser.add_argument("--template", type=Path, default=DEFAULT_TEMPLATE,
                        help=f"synthesized template (default: {DEFAULT_TEMPLATE}; synthesized if missing)")
    parser.add_argument("--function-log", type=Path, metavar="LOG",
                        help="write the handlers' output (Powertools JSON logs, EMF metrics) here")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a function environment variable, e.g. --set POLLS_PER_EXECUTION=10")
    parser.add_argument("--verbose", action="store_true", help="show moto's own log messages")
    args = parser.parse_args(argv)
    if not args.verbose:
        # moto logs every failed execution's internals at ERROR; the timeline already says it.
        logging.getLogger("moto").setLevel(logging.CRITICAL)

    try:
        overrides = dict(item.split("=", 1) for item in args.set)
    except ValueError:
        parser.error("--set takes NAME=VALUE")
    started = time.monotonic()
    try:
        scenario = scenario_format.load(args.scenario)
        from localrun.engine import run_scenario

        if args.function_log:
            args.function_log.parent.mkdir(parents=True, exist_ok=True)
        with args.function_log.open("w") if args.function_log else contextlib.nullcontext() as log:
            report = run_scenario(scenario, template=args.template, function_env_overrides=overrides,
                                  function_log=log)
    except Exception as error:  # noqa: BLE001 - any engine failure is reported, with a non-zero exit
        print(f"localrun: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(report.format_timeline())
    failed = sum(1 for e in report.executions if e.status != "SUCCEEDED")
    print(
        f"\n{len(report.events)} events, {len(report.executions)} executions ({failed} not SUCCEEDED), "
        f"{report.simulatedSeconds / 3600:.1f} simulated hours in {time.monotonic() - started:.1f} s; "
        f"API calls: {', '.join(f'{k} {v}' for k, v in sorted(report.apiCalls.items()))}"
    )
    if args.json:
        report.write(args.json)
        print(f"report: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
