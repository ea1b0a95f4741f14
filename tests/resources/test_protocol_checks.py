"""The CloudFormation double refuses what CloudFormation would refuse (so a local run can fail)."""

from __future__ import annotations

from typing import Any

import pytest

from localrun.cloudformation_protocol import response_problems, signal_problems

REQUEST = {"RequestType": "Delete", "StackId": "arn:s", "RequestId": "r-1", "LogicalResourceId": "Image",
           "PhysicalResourceId": "import-ami-0123456789abcdef0"}
GOOD = {"Status": "SUCCESS", "Reason": "", "PhysicalResourceId": "import-ami-0123456789abcdef0", "StackId": "arn:s",
        "RequestId": "r-1", "LogicalResourceId": "Image", "NoEcho": False, "Data": {}}


def test_a_documented_response_passes():
    assert response_problems(REQUEST, GOOD) == ""


@pytest.mark.parametrize(("change", "problem"), [
    ({"Status": "OK"}, "Status 'OK' is not SUCCESS or FAILED"),
    ({"Status": "FAILED", "Reason": ""}, "a FAILED response needs a Reason"),
    ({"PhysicalResourceId": ""}, "PhysicalResourceId must be a non-empty string of at most 1 KB"),
    ({"PhysicalResourceId": "other"}, "a Delete must answer with the PhysicalResourceId it was given"),
    ({"RequestId": "r-2"}, "RequestId 'r-2' does not echo the request's"),
    ({"Data": {"ImageId": 1}}, "Data must be an object of strings"),
    ({"Extra": 1}, "unknown fields ['Extra']"),
])
def test_a_response_cloudformation_would_refuse_is_found(change: dict[str, Any], problem: str):
    assert problem in response_problems(REQUEST, {**GOOD, **change})


def test_a_signal_needs_a_status_and_a_unique_id():
    assert signal_problems({"Status": "SUCCESS", "UniqueId": "t", "Data": "d", "Reason": "r"}) == ""
    assert "UniqueId must be a non-empty string" in signal_problems({"Status": "SUCCESS", "UniqueId": ""})
    assert "Status 'DONE' is not SUCCESS or FAILURE" in signal_problems({"Status": "DONE", "UniqueId": "t"})
