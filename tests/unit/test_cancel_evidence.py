"""A cancel proven without a trail, and the grace for CloudTrail's record (issue 20, item 2).

The poll step, through its handler with botocore Stubbers on the real clients: a task that ends
``cancelled`` with no evidence is not published at once; the poll answers ``PENDING`` (poll again)
while the grace runs and looks the cancel call up in CloudTrail's event history (``LookupEvents``)
and the watch table's mark. A record that arrives within the grace makes the end
``user-cancelled``; none by the grace's end leaves it ``unknown``.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from botocore.stub import ANY

from conversion_watch import cancel_evidence
from conversion_watch import contract as c
from conversion_watch.contract import CANCEL_EVIDENCE_POLL_SECONDS
from tests.unit.conftest import T0, expect_cancel_mark_read
from tests.unit.samples import EC2_INSTANCE_TASK, ec2_instance_task, ec2_params, ec2_response
from tests.unit.steps import poll, start

GRACE = 900


@pytest.fixture
def evidence_on(monkeypatch: pytest.MonkeyPatch, stubbed: Any) -> Any:
    monkeypatch.setenv("CANCEL_EVIDENCE_GRACE_SECONDS", str(GRACE))
    monkeypatch.setenv("CANCEL_LOOKUP", "true")
    return stubbed


def _cancelled(stubbed: Any) -> None:
    stubbed("ec2").add_response("describe_conversion_tasks", ec2_response(ec2_instance_task("cancelled")),
                                ec2_params())


def _history(stubbed: Any, *records: dict[str, Any]) -> None:
    events = [{"EventId": str(n), "EventName": r["eventName"], "CloudTrailEvent": json.dumps(r)}
              for n, r in enumerate(records)]
    stubbed("cloudtrail").add_response(
        "lookup_events", {"Events": events},
        {"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "CancelConversionTask"}],
         "StartTime": ANY, "EndTime": ANY, "MaxResults": 50},
    )


def _cancel_record(task_id: str, **extra: Any) -> dict[str, Any]:
    # No trail needed: event history's record, here in the wrapped shape newer EC2 calls use.
    return {"eventSource": "ec2.amazonaws.com", "eventName": "CancelConversionTask", "eventID": "e-1",
            "requestParameters": {"CancelConversionTaskRequest": {"ConversionTaskId": task_id}}, **extra}


def test_a_cancel_found_in_event_history_within_the_grace_is_a_user_cancel(evidence_on, lambda_context, fake_clock):
    watch = start("ec2-conversion", EC2_INSTANCE_TASK, lambda_context)
    _cancelled(evidence_on)
    expect_cancel_mark_read(evidence_on, EC2_INSTANCE_TASK)
    _history(evidence_on)  # not there yet (CloudTrail's delivery delay)

    waiting = poll(watch, lambda_context)
    assert waiting["status"]["outcome"] == c.OUTCOME_PENDING
    assert waiting["status"]["waitSeconds"] == CANCEL_EVIDENCE_POLL_SECONDS
    assert waiting["watch"]["cancelEvidenceSince"] == "2026-03-01T12:00:00.000Z"
    assert waiting["watch"]["sequence"] == watch["sequence"]  # nothing published

    fake_clock.advance(300)  # the record arrives 5 minutes after the cancel
    _cancelled(evidence_on)
    expect_cancel_mark_read(evidence_on, EC2_INSTANCE_TASK)
    _history(evidence_on, _cancel_record("import-i-00000000"), _cancel_record(EC2_INSTANCE_TASK))
    ended = poll(waiting["watch"], lambda_context)["status"]

    assert (ended["state"], ended["outcomeReason"], ended["terminal"]) == ("CANCELLED", "user-cancelled", True)


def test_without_any_record_the_end_is_unknown_once_the_grace_is_over(evidence_on, lambda_context, fake_clock):
    watch = start("ec2-conversion", EC2_INSTANCE_TASK, lambda_context)
    state = watch
    for _ in range(GRACE // CANCEL_EVIDENCE_POLL_SECONDS):
        _cancelled(evidence_on)
        expect_cancel_mark_read(evidence_on, EC2_INSTANCE_TASK)
        _history(evidence_on, _cancel_record(EC2_INSTANCE_TASK, errorCode="Client.InvalidConversionTaskId"))
        result = poll(state, lambda_context)
        assert result["status"]["outcome"] == c.OUTCOME_PENDING
        state = result["watch"]
        fake_clock.advance(result["status"]["waitSeconds"])
    _cancelled(evidence_on)
    expect_cancel_mark_read(evidence_on, EC2_INSTANCE_TASK)
    _history(evidence_on)
    ended = poll(state, lambda_context)["status"]

    assert fake_clock.now - T0 == timedelta(seconds=GRACE)
    assert (ended["state"], ended["outcomeReason"]) == ("CANCELLED", "unknown")


def test_a_failed_lookup_is_no_evidence_and_fails_nothing(evidence_on, lambda_context):
    watch = start("ec2-conversion", EC2_INSTANCE_TASK, lambda_context)
    _cancelled(evidence_on)
    expect_cancel_mark_read(evidence_on, EC2_INSTANCE_TASK)
    evidence_on("cloudtrail").add_client_error("lookup_events", service_error_code="AccessDeniedException",
                                               http_status_code=400)

    assert poll(watch, lambda_context)["status"]["outcome"] == c.OUTCOME_PENDING


def test_a_mark_needs_no_lookup(evidence_on, lambda_context):
    watch = start("ec2-conversion", EC2_INSTANCE_TASK, lambda_context)
    _cancelled(evidence_on)
    expect_cancel_mark_read(evidence_on, EC2_INSTANCE_TASK, present=True)

    ended = poll(watch, lambda_context)["status"]
    assert (ended["state"], ended["outcomeReason"]) == ("CANCELLED", "user-cancelled")


def test_the_grace_ends_at_the_watch_deadline() -> None:
    assert cancel_evidence.grace_wait(since=T0, now=T0, grace_seconds=GRACE, deadline=T0 + timedelta(seconds=20)) == 20
    assert cancel_evidence.grace_wait(since=T0, now=T0, grace_seconds=GRACE, deadline=T0) is None
    assert cancel_evidence.grace_wait(since=T0, now=T0 + timedelta(seconds=GRACE), grace_seconds=GRACE,
                                      deadline=T0 + timedelta(days=1)) is None
    assert cancel_evidence.grace_wait(since=T0, now=T0, grace_seconds=0, deadline=T0 + timedelta(days=1)) is None


def test_throttled_lookups_are_waited_out_then_given_up() -> None:
    class Throttling:
        calls = 0

        def lookup_events(self, **_: Any) -> Any:
            from botocore.exceptions import ClientError

            self.calls += 1
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "LookupEvents")

    now = [0.0]
    client = Throttling()
    found = cancel_evidence.in_event_history(
        client, EC2_INSTANCE_TASK, since=T0, now=T0, clock=lambda: now[0],
        sleep=lambda seconds: now.__setitem__(0, now[0] + seconds))
    assert found is False
    assert 2 <= client.calls <= 12  # about one a second for LOOKUP_PACE_SECONDS
