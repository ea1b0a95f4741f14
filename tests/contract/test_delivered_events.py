"""Every event a local end-to-end run delivers (moto's ASL engine running the
synthesized state machine, EventBridge -> SQS) validates against its schema.

``localrun``'s report keeps only ``source``, ``detail-type`` and ``detail``;
the whole envelopes are taken where the engine drains the queue.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conversion_watch.models import STATE_CHANGE, WATCH_ERROR
from localrun import events as local_events
from localrun.engine import run_scenario
from localrun.event_schemas import validate_event
from localrun.scenario import load
from tests.contract.stack import ROOT

DEMO = ROOT / "scenarios" / "demo.json"
MOTO_ACCOUNT = "123456789012"
ERRORS_SCENARIO = {
    "description": "Watch errors: a malformed task id, and a task id the service does not know.",
    "epoch": "2026-01-05T09:00:00Z",
    "tasks": [],
    "watches": [
        {"at": 0, "input": {"taskType": "ec2-conversion", "taskId": "lct-0123456789abcdef"}},
        {"at": 0, "input": {"taskType": "ec2-conversion", "taskId": "import-i-0000000000"}},
    ],
}


@pytest.fixture
def delivered(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Fills with the full envelopes as the engine drains the delivery queue."""
    captured: list[dict[str, Any]] = []
    drain = local_events.drain

    def spy(sqs_client: Any, queue_url: str) -> list[dict[str, Any]]:
        events = drain(sqs_client, queue_url)
        captured.extend(events)
        return events

    monkeypatch.setattr(local_events, "drain", spy)
    return captured


def run(scenario: Path | dict[str, Any], delivered: list[dict[str, Any]]) -> list[dict[str, Any]]:
    report = run_scenario(load(scenario) if isinstance(scenario, Path) else scenario)
    assert len(delivered) == len(report.events) > 0
    # moto's default target input leaves out "account", which AWS always sets.
    return [{"account": MOTO_ACCOUNT, **event} for event in delivered]


def test_every_demo_event_validates(delivered: list[dict[str, Any]]) -> None:
    events = run(DEMO, delivered)
    for event in events:
        validate_event(event)
    assert {e["detail-type"] for e in events} >= {STATE_CHANGE}
    terminal = [e["detail"] for e in events if e["detail"].get("terminal")]
    assert terminal and all(d["elapsed"] for d in terminal)


def test_every_watch_error_event_validates(delivered: list[dict[str, Any]]) -> None:
    events = run(ERRORS_SCENARIO, delivered)
    for event in events:
        validate_event(event)
    assert sorted(e["detail"]["errorCode"] for e in events if e["detail-type"] == WATCH_ERROR) == [
        "InvalidInput",
        "TaskNotFound",
    ]
