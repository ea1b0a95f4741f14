"""Fixtures: moto's Step Functions (real start/list/idempotency semantics),
botocore Stubbers for EC2 and License Manager (moto implements neither API;
the Stubber checks requests and responses against the real service models)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.stub import Stubber
from moto import mock_aws

from conversion_watch import aws_clients
from tests.stubbers import client_stubbers

PASS_DEFINITION = json.dumps({"StartAt": "Hold", "States": {"Hold": {"Type": "Pass", "End": True}}})


@pytest.fixture
def state_machine_arn(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A moto state machine that does not execute: its executions stay RUNNING,
    like watches waiting between polls."""
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    aws_clients.reset()
    with mock_aws():
        arn = aws_clients.client("stepfunctions").create_state_machine(
            name="ConversionWatch", definition=PASS_DEFINITION, roleArn="arn:aws:iam::123456789012:role/watcher"
        )["stateMachineArn"]
        monkeypatch.setenv("STATE_MACHINE_ARN", arn)
        yield arn
    aws_clients.reset()


@pytest.fixture
def stub(state_machine_arn: str) -> Iterator[Callable[[str], Stubber]]:
    """``stub("ec2")``: a Stubber on the cached client the handler will use.
    Every queued response must be consumed: that is how call counts are checked."""
    with client_stubbers() as get:
        yield get


def executions(arn: str, status: str | None = None) -> list[dict[str, Any]]:
    sfn = aws_clients.client("stepfunctions")
    kwargs: dict[str, Any] = {"stateMachineArn": arn, **({"statusFilter": status} if status else {})}
    return [e for page in sfn.get_paginator("list_executions").paginate(**kwargs) for e in page["executions"]]


def emitted_metrics(output: str) -> dict[str, float]:
    """Metric values from the Powertools EMF lines a handler printed."""
    found: dict[str, float] = {}
    for line in output.splitlines():
        try:
            blob = json.loads(line)
        except ValueError:
            continue
        for directive in blob.get("_aws", {}).get("CloudWatchMetrics", []):
            for metric in directive["Metrics"]:
                value = blob[metric["Name"]]
                found[metric["Name"]] = sum(value) if isinstance(value, list) else value
    return found
