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
from localrun.moto_patches.targets import event_pattern
from localrun.scenario import load
from tests.contract.stack import ROOT

DEMO = ROOT / "scenarios" / "demo.json"
# The sample rule patterns docs/events.md shows (included from these very files).
PATTERNS = ROOT / "docs" / "examples" / "rule-patterns"
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


def capture_delivered(patch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """A list that fills with the full envelopes as the engine drains the delivery queue."""
    captured: list[dict[str, Any]] = []
    drain = local_events.drain

    def spy(sqs_client: Any, queue_url: str) -> list[dict[str, Any]]:
        events = drain(sqs_client, queue_url)
        captured.extend(events)
        return events

    patch.setattr(local_events, "drain", spy)
    return captured


@pytest.fixture
def delivered(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    return capture_delivered(monkeypatch)


def run(scenario: Path | dict[str, Any], delivered: list[dict[str, Any]]) -> list[dict[str, Any]]:
    report = run_scenario(load(scenario) if isinstance(scenario, Path) else scenario)
    assert len(delivered) == len(report.events) > 0
    # moto's default target input leaves out "account", which AWS always sets.
    return [{"account": MOTO_ACCOUNT, **event} for event in delivered]


@pytest.fixture(scope="module")
def demo_events() -> list[dict[str, Any]]:
    """The whole envelopes of one run of scenarios/demo.json (shared: the run takes ~30 s)."""
    with pytest.MonkeyPatch.context() as patch:
        return run(DEMO, capture_delivered(patch))


def test_every_demo_event_validates(demo_events: list[dict[str, Any]]) -> None:
    for event in demo_events:
        validate_event(event)
    assert {e["detail-type"] for e in demo_events} >= {STATE_CHANGE}
    terminal = [e["detail"] for e in demo_events if e["detail"].get("terminal")]
    assert terminal and all(d["elapsed"] for d in terminal)


def test_every_demo_end_says_why(demo_events: list[dict[str, Any]]) -> None:
    ends = {d["taskId"]: (d["state"], d["serviceState"], d["outcomeReason"])
            for d in (e["detail"] for e in demo_events) if d.get("terminal")}
    assert ends == {
        "import-i-ffvko9js": ("COMPLETED", "completed", "completed"),
        "import-vol-ffut5xv4": ("CANCELLED", "cancelled", "user-cancelled"),  # passed through 'cancelling'
        "lct-0a1b2c3d4e5f60718293a4b5c6d7e8f9": ("COMPLETED", "SUCCEEDED", "completed"),
        "lct-ffeeddccbbaa99887766554433221100": ("FAILED", "FAILED", "error"),
        "import-i-0fa11ed0": ("FAILED", "cancelled", "error"),  # ClientError: ... in StatusMessage
        "import-ami-0a982d965114f8228": ("COMPLETED", "completed", "completed"),
        "import-snap-08b8bbff8bd50f46d": ("COMPLETED", "completed", "completed"),
        "export-ami-0f7900141ff1f3caa": ("COMPLETED", "completed", "completed"),
        "export-i-0d4c3b2a190817263": ("CANCELLED", "cancelled", "user-cancelled"),  # passed through 'cancelling'
        "import-ami-0d3e10f00a1b2c3d4": ("COMPLETED", "completed", "completed"),  # the ImportedImage deployment's
    }
    assert all(e["detail"]["outcomeReason"] is None for e in demo_events if not e["detail"]["terminal"])


def _pattern(name: str) -> Any:
    return event_pattern((PATTERNS / f"{name}.json").read_text())  # parsed as put_rule parses it


def _matched(name: str, events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    pattern = _pattern(name)
    return sorted((e["detail"]["taskId"], e["detail"]["eventId"]) for e in events if pattern.matches_event(e))


def _ids(events: list[dict[str, Any]], keep: Any) -> list[tuple[str, str]]:
    return sorted((e["detail"]["taskId"], e["detail"]["eventId"]) for e in events if keep(e["detail"]))


def test_sample_pattern_every_terminal_outcome(demo_events: list[dict[str, Any]]) -> None:
    matched = _matched("every-terminal-outcome", demo_events)
    assert len(matched) == 10  # one end per demo task
    assert matched == _ids(demo_events, lambda d: d["state"] in ("COMPLETED", "CANCELLED", "FAILED"))


def test_sample_pattern_only_failures_includes_ec2s(demo_events: list[dict[str, Any]]) -> None:
    matched = _matched("only-failures", demo_events)
    assert [task_id for task_id, _ in matched] == ["import-i-0fa11ed0", "lct-ffeeddccbbaa99887766554433221100"]


def test_sample_pattern_one_task_type(demo_events: list[dict[str, Any]]) -> None:
    matched = _matched("one-task-type", demo_events)
    assert matched == _ids(demo_events, lambda d: d["taskType"] == "ec2-conversion")
    assert {task_id for task_id, _ in matched} == {"import-i-ffvko9js", "import-vol-ffut5xv4", "import-i-0fa11ed0"}


def test_sample_pattern_progress_above_half(demo_events: list[dict[str, Any]]) -> None:
    matched = _matched("progress-above-half", demo_events)
    assert matched == _ids(demo_events, lambda d: (d.get("progress") or {}).get("percent") is not None
                           and d["progress"]["percent"] > 50)
    # the big instance import at 54.3 %, 90 % and 100 %, the image import at 55, 62 and 84 %, the image export at 60 %
    assert len(matched) == 7


def test_the_sample_patterns_do_not_match_watch_errors() -> None:
    error = {"source": "conversion-watch", "detail-type": WATCH_ERROR, "detail": {"terminal": True, "state": "FAILED"}}
    assert not any(_pattern(path.stem).matches_event(error) for path in PATTERNS.glob("*.json"))


def test_every_watch_error_event_validates(delivered: list[dict[str, Any]]) -> None:
    events = run(ERRORS_SCENARIO, delivered)
    for event in events:
        validate_event(event)
    assert sorted(e["detail"]["errorCode"] for e in events if e["detail-type"] == WATCH_ERROR) == [
        "InvalidInput",
        "TaskNotFound",
    ]


def test_the_outcomes_page_shows_the_tested_patterns_verbatim() -> None:
    page = (ROOT / "docs" / "events.md").read_text()
    for path in PATTERNS.glob("*.json"):
        assert f"```json\n{path.read_text().rstrip()}\n```" in page, path.name
