"""Ordinary boto3 clients inside moto, answered by the conversion-task double from scenario tasks.

    python -m docs.examples.service_double
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws

from localrun.services import ConversionTaskDouble

TASKS = [json.loads(path.read_text()) for path in sorted((Path(__file__).parent / "tasks").glob("*.json"))]
EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def states_at(seconds: float) -> tuple[dict[str, Any], Counter[str]]:
    """Each task's raw state `seconds` after the epoch, and the requests the double received."""
    double = ConversionTaskDouble(tasks=TASKS, epoch=EPOCH, now=lambda: EPOCH + timedelta(seconds=seconds))
    with mock_aws(), double.install():
        ec2 = boto3.client("ec2", region_name="us-east-1")
        license_manager = boto3.client("license-manager", region_name="us-east-1")
        ec2_task = ec2.describe_conversion_tasks(ConversionTaskIds=["import-i-ffvko9js"])["ConversionTasks"][0]
        license_task = license_manager.get_license_conversion_task(
            LicenseConversionTaskId="lct-0123456789abcdef0123456789abcdef")
    assert not double.shape_errors  # every answer matched botocore's output shape
    return {"import-i-ffvko9js": ec2_task["State"], "lct-0123456789abcdef0123456789abcdef": license_task["Status"]}, \
        double.calls


if __name__ == "__main__":
    for seconds in (0, 3600, 10800):
        states, calls = states_at(seconds)
        print(f"+{seconds:>5} s  {states}  {dict(calls)}")
