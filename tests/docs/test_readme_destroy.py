"""What the README says `cdk destroy` leaves behind: nothing, except the notification topic's KMS key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tests.contract.stack import synth_stack

RETAINED_ON_PURPOSE = {"AWS::KMS::Key"}  # README, "Destroy": CDK's default for keys


def _retained(template: Mapping[str, Any]) -> dict[str, str]:
    return {name: r["Type"] for name, r in template["Resources"].items()
            if r.get("DeletionPolicy", "Delete") != "Delete" or r.get("UpdateReplacePolicy", "Delete") != "Delete"}


def test_destroy_removes_every_resource_of_the_default_stack() -> None:
    assert _retained(synth_stack().to_json()) == {}


def test_with_notifications_only_the_topic_key_is_retained() -> None:
    template = synth_stack(**{"conversionWatch:notificationEmails": "ops@example.com"}).to_json()
    assert set(_retained(template).values()) == RETAINED_ON_PURPOSE
