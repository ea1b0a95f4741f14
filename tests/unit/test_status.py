"""The typed status (``conversion_watch.status``): one constructor per outcome, each giving exactly
the fields the state machine's Choice states read, and nothing the definition cannot branch on."""

from __future__ import annotations

import json
import typing

import pytest
from pydantic import ValidationError

from conversion_watch import contract as c
from conversion_watch.status import Status, StatusOutcome, document


def test_the_outcomes_are_the_contracts():
    assert typing.get_args(StatusOutcome) == c.STATUS_OUTCOMES


def test_valid_is_the_bare_outcome_and_a_resume_says_so():
    assert Status.valid().dump() == {"outcome": "VALID"}
    assert Status.valid(resumed=True).dump() == {"outcome": "VALID", "resumed": True}


def test_an_observation_keeps_a_null_reason_and_names_no_successor_unless_one_is_due():
    status = Status.observed(state=c.IN_PROGRESS, terminal=False, changed=False, wait_seconds=30, summary="s")
    assert status.dump() == {"outcome": "OBSERVED", "state": "IN_PROGRESS", "terminal": False, "outcomeReason": None,
                             "changed": False, "waitSeconds": 30, "handOver": False, "summary": "s"}


def test_a_hand_over_is_due_exactly_when_a_successor_is_named():
    status = Status.observed(state=c.IN_PROGRESS, terminal=False, changed=False, wait_seconds=30, summary="s",
                             next_execution_name="watch-x-g2", continuation={"sequence": 3})
    dumped = status.dump()
    assert dumped["handOver"] is True
    assert (dumped["nextExecutionName"], dumped["continuation"]) == ("watch-x-g2", {"sequence": 3})


def test_pending_and_error_carry_what_their_branches_read():
    assert Status.pending(wait_seconds=5, summary="not visible").dump() == {
        "outcome": "PENDING", "changed": False, "terminal": False, "handOver": False, "waitSeconds": 5,
        "summary": "not visible"}
    error = Status.error(error_code="TaskNotFound", message="gone", detail={"eventId": "x#2"})
    assert error.is_error and error.dump() == {"outcome": "ERROR", "errorCode": "TaskNotFound", "message": "gone",
                                               "detail": {"eventId": "x#2"}}


def test_an_unknown_outcome_or_field_is_refused():
    with pytest.raises(ValidationError):
        Status(outcome="MAYBE")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Status(outcome="VALID", surprise=True)  # type: ignore[call-arg]


def test_the_document_is_what_a_lambda_step_returns():
    assert json.loads(json.dumps(document(None, Status.valid()))) == {"watch": None, "status": {"outcome": "VALID"}}

