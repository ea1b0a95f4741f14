"""Where a local run's CPU goes: per ASL state type, per Lambda handler, per function.

    python -m bench.engine_profile scenarios/demo.json
    python -m bench.engine_profile --fleet 100 [--hours 2] [--buckets] [--functions 30]
    python -m bench.engine_profile bench/one_watch.json --repeat 10   # CPU per run_scenario

Every thread of the run (one per execution) is measured with its own CPU clock
(``time.thread_time``), so threads waiting on the GIL or on the simulated clock
count nothing. Two tables:

* **by part**: CPU time per ASL state type (moto's engine: the state's input and
  output paths, its history events, the deep copies), per Lambda handler
  (``HandlerRouter.invoke``: the handler and everything it calls), and the rest of
  the process (the driver: creating resources, starting executions, reading the
  report). Each row is exclusive: a Task state's row excludes the handler it invokes.
* **by function** (``--functions N``): cProfile on every thread, timed on each
  thread's CPU clock, the N functions with the most time of their own. It costs
  about twice the run's time; the parts table is measured without it unless asked.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import logging
import pstats
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

from localrun import fleet
from localrun.engine import run_scenario
from localrun.lambdas import HandlerRouter
from localrun.moto_patches import targets


class PartClock:
    """Exclusive CPU time per part; parts nest per thread (a state, then the handler it invokes)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()
        self._local = threading.local()

    @contextlib.contextmanager
    def part(self, name: str) -> Iterator[None]:
        stack: list[list[Any]] = self._local.__dict__.setdefault("stack", [])
        frame: list[Any] = [name, time.thread_time(), 0.0]  # name, started, time of nested parts
        stack.append(frame)
        try:
            yield
        finally:
            stack.pop()
            total = time.thread_time() - frame[1]
            if stack:
                stack[-1][2] += total
            with self._lock:
                self.seconds[name] += total - frame[2]
                self.calls[name] += 1

    @contextlib.contextmanager
    def install(self) -> Iterator[None]:
        state_class = targets.state_base()
        original_body = state_class._eval_body
        original_invoke = HandlerRouter.invoke
        clock = self

        def eval_body(state: Any, env: Any) -> None:
            with clock.part(f"state {type(state).__name__}"):
                original_body(state, env)

        def invoke(router: Any, function_name: str, *args: Any) -> bytes:
            handler = router._handlers.get(function_name)
            name = getattr(handler, "__module__", function_name).rsplit(".", 1)[-1]
            with clock.part(f"handler {name}"):
                return original_invoke(router, function_name, *args)  # type: ignore[no-any-return]

        with mock.patch.object(state_class, "_eval_body", eval_body), \
                mock.patch.object(HandlerRouter, "invoke", invoke):
            yield


class ThreadProfiles:
    """One cProfile per thread, each on its thread's CPU clock; merged at the end."""

    def __init__(self) -> None:
        self.profiles: list[cProfile.Profile] = []
        self._lock = threading.Lock()

    def _start(self, *_: Any) -> None:
        profile = cProfile.Profile(time.thread_time)
        with self._lock:
            self.profiles.append(profile)
        profile.enable()  # replaces this bootstrap hook for the thread

    @contextlib.contextmanager
    def install(self) -> Iterator[None]:
        threading.setprofile(self._start)
        main = cProfile.Profile(time.thread_time)
        self.profiles.append(main)
        main.enable()
        try:
            yield
        finally:
            main.disable()
            threading.setprofile(None)  # type: ignore[arg-type]

    def stats(self) -> pstats.Stats:
        for profile in self.profiles:
            profile.create_stats()
        merged = pstats.Stats(self.profiles[0])
        for profile in self.profiles[1:]:
            if profile.stats:  # type: ignore[attr-defined]
                merged.add(profile)
        return merged


def _scenario(args: argparse.Namespace) -> dict[str, Any]:
    if args.fleet:
        return fleet.build(args.fleet, hours=args.hours, buckets=args.buckets)
    return json.loads(Path(args.scenario).read_text())  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.engine_profile", description=__doc__.split("\n")[0])
    parser.add_argument("scenario", nargs="?", default="scenarios/demo.json")
    parser.add_argument("--fleet", type=int, metavar="WATCHES", help="a localrun.fleet scenario of this many watches")
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--buckets", action="store_true")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a function environment variable for the run (as python -m localrun --set)")
    parser.add_argument("--functions", type=int, default=0, metavar="N",
                        help="also cProfile every thread and print the N functions with the most own time")
    parser.add_argument("--repeat", type=int, default=0, metavar="N",
                        help="instead: run the scenario N times after one warm-up run and print CPU per run "
                             "(a small scenario's figure is the engine's fixed cost per run_scenario)")
    parser.add_argument("--dump", type=Path, metavar="FILE.prof",
                        help="with --functions: write the merged profile (pstats, snakeviz) here")
    args = parser.parse_args(argv)

    logging.getLogger("moto").setLevel(logging.CRITICAL)  # as python -m localrun does
    scenario = _scenario(args)
    overrides = dict(item.split("=", 1) for item in args.set)
    if args.repeat:
        run_scenario(scenario, function_env_overrides=overrides)  # imports, the definition's parse, ...
        started_cpu = time.process_time()
        for _ in range(args.repeat):
            run_scenario(scenario, function_env_overrides=overrides)
        print(f"{(time.process_time() - started_cpu) / args.repeat:.3f} s CPU per run ({args.repeat} runs)")
        return 0
    parts = PartClock()
    profiles = ThreadProfiles()
    started_cpu, started_wall = time.process_time(), time.perf_counter()
    with parts.install(), profiles.install() if args.functions else contextlib.nullcontext():
        report = run_scenario(scenario, function_env_overrides=overrides, real_timeout=600)
    cpu, wall = time.process_time() - started_cpu, time.perf_counter() - started_wall

    invocations = sum(execution.lambdaInvocations for execution in report.executions)
    print(f"{len(report.executions)} executions, {len(report.events)} events, {invocations} Lambda invocations, "
          f"{report.simulatedSeconds / 3600:.1f} simulated hours: {cpu:.1f} s CPU, {wall:.1f} s wall")
    measured = sum(parts.seconds.values())
    rows = sorted(parts.seconds.items(), key=lambda item: -item[1])
    rows.append(("rest of the process (driver, report, threads)", max(cpu - measured, 0.0)))
    print(f"\n{'part':<48} {'calls':>8} {'CPU s':>8} {'share':>6} {'ms/call':>8}")
    for name, seconds in rows:
        calls = parts.calls.get(name, 0)
        per_call = f"{seconds / calls * 1000:8.2f}" if calls else " " * 8
        print(f"{name:<48} {calls:>8} {seconds:8.2f} {seconds / cpu:6.1%} {per_call}")
    if args.functions:
        print(f"\nthe {args.functions} functions with the most own CPU time (all threads, cProfile on):")
        stats = profiles.stats()
        stats.sort_stats("tottime").print_stats(args.functions)
        if args.dump:
            stats.dump_stats(args.dump)
    return 0


if __name__ == "__main__":
    sys.exit(main())
