"""Fixtures for the handler tests: a fake Lambda context, a fixed clock and
botocore ``Stubber`` on the very clients the handlers use."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.stub import Stubber
from hypothesis import settings as hypothesis_settings

from conversion_watch import aws_clients, clock
from tests.stubbers import client_stubbers

T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
WATCH_TABLE = "watch-table"


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def fake_clock() -> Iterator[FakeClock]:
    fake = FakeClock(T0)
    clock.set_source(fake)
    yield fake
    clock.set_source(None)


@pytest.fixture
def watcher_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment the stack gives the functions (defaults of the construct);
    one SDK attempt so a simulated network failure does not back off for real. The shared
    snapshot is off: these tests pin one describe call per poll (tests/services/test_task_snapshots.py
    covers the snapshot-first read). The grace for a cancel's CloudTrail record and the event-history
    lookup are off: these tests pin the poll's other rules (tests/unit/test_cancel_evidence.py
    covers both)."""
    monkeypatch.setenv("SNAPSHOT_MAX_AGE_SECONDS", "0")
    monkeypatch.setenv("MIN_POLL_SECONDS", "30")
    monkeypatch.setenv("MAX_POLL_SECONDS", "300")
    monkeypatch.setenv("DEFAULT_MAX_WATCH_SECONDS", str(30 * 24 * 3600))
    monkeypatch.setenv("POLLS_PER_EXECUTION", "500")
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("WATCH_TABLE_NAME", WATCH_TABLE)
    monkeypatch.setenv("CANCEL_EVIDENCE_GRACE_SECONDS", "0")
    monkeypatch.setenv("CANCEL_LOOKUP", "false")


@pytest.fixture
def stubbed(watcher_env: None, fake_clock: FakeClock) -> Iterator[Callable[[str], Stubber]]:
    """``stubbed("ec2")`` activates a Stubber on the cached client the handler
    will get from ``aws_clients.client``: real client, real service model.
    Every queued response must be consumed by the end of the test."""
    aws_clients.reset()
    with client_stubbers() as get:
        yield get
    aws_clients.reset()


def no_calls_allowed(get: Callable[[str], Stubber]) -> None:
    """Stubbers with nothing queued: any API call raises ``UnStubbedResponseError``."""
    get("ec2")
    get("license-manager")


def client_error_kwargs(code: str, status: int, message: str = "simulated") -> dict[str, Any]:
    return {"service_error_code": code, "service_message": message, "http_status_code": status}


# Property tests: no example database left in the work tree.
hypothesis_settings.register_profile("conversion-watch", database=None)
hypothesis_settings.load_profile("conversion-watch")


def expect_cancel_mark_read(get: Callable[[str], Stubber], task_id: str, *, present: bool = False) -> None:
    """Queue the poll step's read of the task's CANCEL mark (a ``cancelled`` end that no observed
    ``cancelling`` already explains): the mark is there (a cancel call was seen) or not."""
    key = {"pk": {"S": f"TASK#{task_id}"}, "sk": {"S": "CANCEL"}}
    get("dynamodb").add_response(
        "get_item",
        {"Item": key} if present else {},
        {"TableName": WATCH_TABLE, "Key": key, "ConsistentRead": True, "ProjectionExpression": "#pk",
         "ExpressionAttributeNames": {"#pk": "pk"}},
    )
