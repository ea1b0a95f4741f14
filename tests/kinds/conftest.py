"""Fixtures: the handler tests' Stubbers and clock (tests.unit.conftest), and a plain
Stubber-backed EC2 client for calling a kind's functions directly."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from botocore.stub import Stubber

from tests.unit.conftest import fake_clock, stubbed, watcher_env

__all__ = ["fake_clock", "stubbed", "watcher_env"]


@pytest.fixture
def ec2() -> Iterator[tuple[object, Stubber]]:
    """(client, stubber): every queued response must be consumed by the end of the test."""
    client = boto3.client("ec2", region_name="us-east-1")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()
