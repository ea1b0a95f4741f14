"""The outcome classification every kind reuses: a raw "cancelled"/"deleted" end is a
user cancel only with evidence of a cancel request, a failure with evidence of one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from conversion_watch.outcome import EndEvidence, Outcome, classify, is_error_message

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def evidence(normalized: str = "CANCELLED", **overrides: object) -> EndEvidence:
    fields: dict[str, object] = {
        "normalized": normalized, "status_message": None, "expires_at": None, "observed_at": NOW,
        "cancel_requested": False,
    }
    return EndEvidence(**{**fields, **overrides})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "message",
    [
        "ClientError: Unsupported kernel version 4.15.0-1021-aws",
        "ClientError: Disk validation failed [Unsupported VMDK File Format]",
        "FirstBootFailure: This import request failed because the Windows instance failed to boot",
        "ERROR: Bucket my-bucket is not in the us-east-1 Region, it's in eu-west-1",
        "The service role vmimport does not exist or does not have sufficient permissions",
        "Invalid S3 source location",
        "Linux is not supported on the requested instance",
    ],
)
def test_documented_error_forms_make_a_cancelled_end_a_failure(message: str) -> None:
    assert is_error_message(message)
    assert classify(evidence(status_message=message)) == Outcome("FAILED", "error")


@pytest.mark.parametrize("message", [None, "", "Cancelled by user request", "Task cancelled", "pending"])
def test_without_evidence_a_cancelled_end_stays_cancelled(message: str | None) -> None:
    assert classify(evidence(status_message=message)) == Outcome("CANCELLED", "unknown")


def test_a_recorded_cancel_call_makes_it_a_user_cancel_even_with_an_error_message_or_expiry() -> None:
    assert classify(evidence(cancel_call_recorded=True)) == Outcome("CANCELLED", "user-cancelled")
    assert classify(evidence(cancel_call_recorded=True, status_message="ClientError: x",
                             expires_at=NOW - timedelta(hours=1))) == Outcome("CANCELLED", "user-cancelled")


def test_a_seen_cancelling_state_makes_it_a_user_cancel_only_without_other_evidence() -> None:
    assert classify(evidence(cancel_requested=True)) == Outcome("CANCELLED", "user-cancelled")
    assert classify(evidence(cancel_requested=True, status_message="ClientError: x")) == Outcome("FAILED", "error")


def test_an_expiry_beats_cancelling() -> None:
    """AWS cancels an expired conversion task itself ("If the upload isn't complete before the
    expiration time, we automatically cancel the task"): ``cancelling`` then proves no user cancel."""
    expired = evidence(cancel_requested=True, expires_at=NOW - timedelta(seconds=1))
    assert classify(expired) == Outcome("FAILED", "expired")


def test_a_passed_expiration_time_makes_it_expired_but_not_before() -> None:
    assert classify(evidence(expires_at=NOW - timedelta(seconds=1))) == Outcome("FAILED", "expired")
    assert classify(evidence(expires_at=NOW)) == Outcome("FAILED", "expired")
    assert classify(evidence(expires_at=NOW + timedelta(hours=1))) == Outcome("CANCELLED", "unknown")


def test_raw_success_and_raw_failure_keep_their_meaning() -> None:
    assert classify(evidence("COMPLETED", status_message="ClientError: ignored")) == Outcome("COMPLETED", "completed")
    assert classify(evidence("FAILED")) == Outcome("FAILED", "error")


def test_an_active_state_is_not_an_end() -> None:
    with pytest.raises(ValueError, match="not a terminal state"):
        classify(evidence("IN_PROGRESS"))
