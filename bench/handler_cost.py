"""The poll handler's own cost: warm per-invocation overhead without the API
round trip (botocore Stubber answers instantly, after validating against the
real service model), memory per invocation, and cold import time."""

from __future__ import annotations

import contextlib
import io
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from typing import Any

from localrun.lambda_context import FakeLambdaContext

QUIET_ENV = {
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "ERROR",
    "POWERTOOLS_SERVICE_NAME": "conversion-watch",
    "POWERTOOLS_METRICS_NAMESPACE": "ConversionWatch",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
}
EC2_TASK = {
    "ConversionTaskId": "import-vol-ffut5xv4",
    "State": "active",
    "StatusMessage": "Pending",
    "ImportVolume": {
        "AvailabilityZone": "us-east-1a",
        "BytesConverted": 1_073_741_824,
        "Image": {"Format": "VMDK", "Size": 8_589_934_592},
        "Volume": {"Id": "vol-0123456789abcdef0", "Size": 8},
    },
}


def _watch_event() -> dict[str, Any]:
    return {
        "watch": {
            "taskType": "ec2-conversion",
            "taskId": "import-vol-ffut5xv4",
            "watchStartedAt": "2026-11-22T09:00:00Z",
            "deadline": "2026-12-22T09:00:00Z",
            "pollCount": 10,
            "sequence": 1,
            "lastChangeAt": "2026-11-22T09:00:00Z",
            "last": {"state": "IN_PROGRESS", "serviceState": "active", "statusMessage": "Pending"},
        }
    }


def warm_overhead(invocations: int = 2000) -> dict[str, float]:
    os.environ.update(QUIET_ENV)
    import boto3
    from botocore.stub import Stubber

    from conversion_watch import aws_clients
    from conversion_watch.handlers import poll_task

    client = boto3.client("ec2", region_name="us-east-1")
    aws_clients.client.cache_clear()
    original = aws_clients.client
    aws_clients.client = lambda service: client  # type: ignore[assignment]
    context = FakeLambdaContext()
    samples: list[float] = []
    peaks: list[int] = []
    # Powertools prints EMF metrics to stdout; keep the report readable.
    quiet = contextlib.redirect_stdout(io.StringIO())
    try:
        with quiet, Stubber(client) as stubber:
            for index in range(invocations):
                stubber.add_response("describe_conversion_tasks", {"ConversionTasks": [EC2_TASK]},
                                     {"ConversionTaskIds": ["import-vol-ffut5xv4"]})
                track_memory = index % 20 == 0  # tracemalloc slows calls: sample a few
                if track_memory:
                    tracemalloc.start()
                started = time.perf_counter_ns()
                poll_task.handler(_watch_event(), context)
                elapsed = time.perf_counter_ns() - started
                if track_memory:
                    peaks.append(tracemalloc.get_traced_memory()[1])
                    tracemalloc.stop()
                else:
                    samples.append(elapsed / 1e6)
    finally:
        aws_clients.client = original  # type: ignore[assignment]
    samples.sort()
    return {
        "invocations": float(len(samples)),
        "mean_ms": statistics.fmean(samples),
        "p50_ms": samples[len(samples) // 2],
        "p99_ms": samples[int(len(samples) * 0.99)],
        "peak_kib": statistics.fmean(peaks) / 1024,
    }


def cold_import(module: str, runs: int = 5) -> dict[str, float]:
    """Median wall time of a fresh interpreter importing the handler module."""
    env = {**os.environ, **QUIET_ENV}
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
        times.append(float(out.stdout.strip()) * 1000)
    heaviest = _heaviest_imports(module, env)
    return {"median_ms": statistics.median(times), "min_ms": min(times), "heaviest": heaviest}  # type: ignore[dict-item]


def _heaviest_imports(module: str, env: dict[str, str], top: int = 4) -> str:
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                         env=env, check=True, capture_output=True, text=True)
    rows = []
    for line in out.stderr.splitlines():
        parts = line.split("|")
        # Direct children of the handler module are indented by three spaces.
        if len(parts) == 3 and parts[1].strip().isdigit() and parts[2].startswith("   ") \
                and not parts[2].startswith("    "):
            rows.append((int(parts[1]), parts[2].strip()))
    rows.sort(reverse=True)
    return ", ".join(f"{name} {micros / 1000:.0f} ms" for micros, name in rows[:top])


def main() -> None:
    print("Poll handler cost (botocore Stubber: no network, response validated against the EC2 model)")
    warm = warm_overhead()
    print(f"  warm invocation   mean {warm['mean_ms']:.3f} ms   p50 {warm['p50_ms']:.3f} ms   "
          f"p99 {warm['p99_ms']:.3f} ms   over {int(warm['invocations'])} calls")
    print(f"  memory            {warm['peak_kib']:.0f} KiB peak traced allocation per invocation")
    for module in ("conversion_watch.handlers.poll_task", "conversion_watch.handlers.validate_watch"):
        cold = cold_import(module)
        print(f"  cold import       {module}: median {cold['median_ms']:.0f} ms (min {cold['min_ms']:.0f} ms); "
              f"heaviest top-level imports: {cold['heaviest']}")


if __name__ == "__main__":
    main()
