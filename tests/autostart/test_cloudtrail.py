"""Reading the task out of CloudTrail records, and the rule's pattern
(as the construct builds it) checked with moto's EventBridge matcher."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from conversion_watch.cloudtrail import RejectedEvent, task_from_event
from conversion_watch.starter import TaskRef
from localrun.moto_patches.targets import event_pattern
from tests.autostart import samples
from tests.autostart.stack_helpers import rule_with_pattern, synth_autostart


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (samples.import_volume_event(), TaskRef("ec2-conversion", samples.VOLUME_TASK)),
        (samples.import_instance_event(), TaskRef("ec2-conversion", samples.INSTANCE_TASK)),
        (samples.license_conversion_event(), TaskRef("license-conversion", samples.LICENSE_TASK)),
    ],
)
def test_reads_task_id_from_response_elements(event: dict[str, Any], expected: TaskRef) -> None:
    assert task_from_event(event) == expected


def _without_response(event: dict[str, Any]) -> dict[str, Any]:
    event = copy.deepcopy(event)
    event["detail"]["responseElements"] = None
    return event


def _with_task_id(event: dict[str, Any], task_id: Any) -> dict[str, Any]:
    event = copy.deepcopy(event)
    event["detail"]["responseElements"]["conversionTask"]["conversionTaskId"] = task_id
    return event


def _renamed(event: dict[str, Any], **changes: Any) -> dict[str, Any]:
    event = copy.deepcopy(event)
    event.update(changes)
    return event


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (None, "NotAnApiCallEvent"),
        ("ImportVolume", "NotAnApiCallEvent"),
        ({"detail-type": "AWS API Call via CloudTrail"}, "NotAnApiCallEvent"),
        (_renamed(samples.import_volume_event(), **{"detail-type": "Scheduled Event"}), "NotAnApiCallEvent"),
        (samples.cancel_conversion_event(), "UnsupportedCall"),
        (samples.failed_call(samples.import_volume_event()), "FailedCall"),
        (_without_response(samples.import_volume_event()), "MissingTaskId"),
        (_without_response(samples.license_conversion_event()), "MissingTaskId"),
        (_with_task_id(samples.import_volume_event(), None), "MissingTaskId"),
        (_with_task_id(samples.import_volume_event(), 12345), "MissingTaskId"),
        (_with_task_id(samples.import_volume_event(), "i-0123456789abcdef0"), "MalformedTaskId"),
        (_with_task_id(samples.import_volume_event(), "lct-0123456789abcdef"), "MalformedTaskId"),
    ],
)
def test_rejects_records_without_a_usable_task_id(event: Any, reason: str) -> None:
    with pytest.raises(RejectedEvent) as rejected:
        task_from_event(event)
    assert rejected.value.reason == reason


def test_rejects_a_call_claimed_by_the_wrong_service() -> None:
    event = samples.import_volume_event()
    event["detail"]["eventSource"] = "license-manager.amazonaws.com"
    with pytest.raises(RejectedEvent, match="UnsupportedCall"):
        task_from_event(event)


@pytest.fixture(scope="module")
def synthesized_pattern() -> Any:
    """The rule's pattern exactly as synthesized into the template."""
    return event_pattern(rule_with_pattern(synth_autostart())["EventPattern"])


def test_rule_pattern_matches_the_three_creating_calls(synthesized_pattern: Any) -> None:
    assert synthesized_pattern.matches_event(samples.import_volume_event())
    assert synthesized_pattern.matches_event(samples.import_instance_event())
    assert synthesized_pattern.matches_event(samples.license_conversion_event())


def test_rule_pattern_skips_failed_calls_and_cancellations(synthesized_pattern: Any) -> None:
    assert not synthesized_pattern.matches_event(samples.failed_call(samples.import_volume_event()))
    assert not synthesized_pattern.matches_event(samples.failed_call(samples.license_conversion_event()))
    assert not synthesized_pattern.matches_event(samples.cancel_conversion_event())
