"""Drive the service double through real boto3 clients inside moto."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.config import Config
from moto import mock_aws

from conversion_watch import aws_clients
from localrun.services import ConversionTaskDouble

EPOCH = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
NO_RETRIES = Config(retries={"total_max_attempts": 1})  # see every fault as the service sent it


class ManualClock:
    """A clock the test moves by hand (the engine's simulated clock plays this part in localrun)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self) -> datetime:
        return EPOCH + timedelta(seconds=self.seconds)

    def sleep(self, seconds: float) -> None:
        """A wait inside the code under test moves the clock on."""
        self.seconds += seconds


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def moto() -> Iterator[None]:
    aws_clients.reset()
    with mock_aws():
        yield
    aws_clients.reset()


@pytest.fixture
def install(moto: None, clock: ManualClock) -> Iterator[Callable[..., ConversionTaskDouble]]:
    """``install(tasks, faults=None)`` -> an installed double, removed at the end of the test."""
    stack: list[Any] = []

    def _install(tasks: list[dict[str, Any]], faults: dict[str, Any] | None = None) -> ConversionTaskDouble:
        double = ConversionTaskDouble(tasks=tasks, epoch=EPOCH, now=clock, faults=faults)
        context = double.install()
        context.__enter__()
        stack.append(context)
        return double

    yield _install
    for context in reversed(stack):
        context.__exit__(None, None, None)


# Clients are built once (loading EC2's model is slow); moto's stubber is on every
# botocore client and answers only while a mock_aws is active.
@pytest.fixture(scope="session")
def _ec2_client() -> Any:
    return boto3.client("ec2", region_name="us-east-1", config=NO_RETRIES)


@pytest.fixture(scope="session")
def _license_client() -> Any:
    return boto3.client("license-manager", region_name="us-east-1", config=NO_RETRIES)


@pytest.fixture
def ec2(moto: None, _ec2_client: Any) -> Any:
    return _ec2_client


@pytest.fixture
def license_manager(moto: None, _license_client: Any) -> Any:
    return _license_client
