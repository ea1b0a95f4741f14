"""The bad-input matrix, end to end through the synthesized state machine.

Every case runs as its own execution in one scenario (they start together).
Each must end with exactly one ``Conversion Task Watch Error`` event
(``errorCode`` ``InvalidInput``, a message naming what is wrong), its execution
FAILED with error ``InvalidInput``, and not one call to EC2 or License Manager.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from localrun.engine import run_scenario
from localrun.report import Report
from localrun.scenario import parse
from tests.reliability.checks import WATCH_ERROR, service_calls


@dataclass(frozen=True)
class Case:
    name: str
    input: Any
    says: tuple[str, ...]  # words the error message must contain


EC2 = "ec2-conversion"
LICENSE = "license-conversion"
HUGE_ID = "lct-" + "0" * 200_000
HUGE_KEY = "x" * 100_000
# Step Functions fails an execution whose state passes 256 KB with States.DataLimitExceeded,
# which no Catch can handle: an error event must stay small whatever the input.
MAX_ERROR_DETAIL_BYTES = 4096

CASES = (
    # missing / empty
    Case("empty object", {}, ("taskType", "taskId", "required")),
    Case("missing taskType", {"taskId": "import-i-missingtype"}, ("taskType", "required")),
    Case("missing taskId", {"taskType": EC2}, ("taskId", "required")),
    Case("empty taskId", {"taskType": LICENSE, "taskId": ""}, ("taskId", "at least 1 character")),
    Case("empty taskType", {"taskType": "", "taskId": "import-i-emptytype"}, ("taskType",)),
    # wrong types
    Case("taskId a number", {"taskType": LICENSE, "taskId": 42}, ("taskId", "valid string")),
    Case("taskId null", {"taskType": EC2, "taskId": None}, ("taskId", "valid string")),
    Case("taskId a list", {"taskType": EC2, "taskId": ["import-i-ffvko9js"]}, ("taskId", "valid string")),
    Case("taskType a number", {"taskType": 1, "taskId": "import-i-numbertype"}, ("taskType",)),
    Case("maxWatchSeconds a string", {"taskType": EC2, "taskId": "import-i-maxwatchstr", "maxWatchSeconds": "30d"},
         ("maxWatchSeconds", "integer")),
    Case("maxWatchSeconds a boolean", {"taskType": EC2, "taskId": "import-i-maxwatchbool", "maxWatchSeconds": True},
         ("maxWatchSeconds", "integer")),
    Case("maxWatchSeconds over a year", {"taskType": EC2, "taskId": "import-i-maxwatchyear",
                                         "maxWatchSeconds": 366 * 24 * 3600}, ("maxWatchSeconds", "31536000")),
    Case("maxWatchSeconds under a minute", {"taskType": EC2, "taskId": "import-i-maxwatchmin",
                                            "maxWatchSeconds": 5}, ("maxWatchSeconds", "60")),
    # unknown task type
    Case("unknown taskType", {"taskType": "ami-copy", "taskId": "import-i-amicopy01"},
         ("taskType", "ec2-conversion", "license-conversion")),
    Case("taskType in other case", {"taskType": "EC2-CONVERSION", "taskId": "import-i-uppercase"}, ("taskType",)),
    # ids of the wrong type
    Case("license id given as EC2", {"taskType": EC2, "taskId": "lct-0a1b2c3d4e5f6071"},
         ("lct-0a1b2c3d4e5f6071", "not a valid ec2-conversion task id")),
    Case("EC2 id given as license", {"taskType": LICENSE, "taskId": "import-vol-ffut5xv4"},
         ("import-vol-ffut5xv4", "not a valid license-conversion task id")),
    Case("an instance id, not a task id", {"taskType": EC2, "taskId": "i-0123456789abcdef0"},
         ("i-0123456789abcdef0", "not a valid ec2-conversion task id")),
    # over length, injection characters
    Case("taskId over 64 characters", {"taskType": EC2, "taskId": "import-i-" + "a" * 60},
         ("taskId", "at most 64 characters")),
    Case("taskId of 200,000 characters", {"taskType": LICENSE, "taskId": HUGE_ID}, ("taskId", "at most 64 characters")),
    Case("shell metacharacters", {"taskType": EC2, "taskId": "import-i-abc;rm -rf /"}, ("not a valid ec2-conversion",)),
    Case("SQL quote", {"taskType": LICENSE, "taskId": "lct-1' OR '1'='1"}, ("not a valid license-conversion",)),
    Case("newline", {"taskType": EC2, "taskId": "import-i-ffvko9js\n"}, ("not a valid ec2-conversion",)),
    Case("JSONPath", {"taskType": EC2, "taskId": "$.watch.taskId"}, ("not a valid ec2-conversion",)),
    Case("unicode look-alike", {"taskType": LICENSE, "taskId": "lct-0a1b2c3d4e5f607\u0661"},
         ("not a valid license-conversion",)),
    Case("upper case id", {"taskType": EC2, "taskId": "import-i-FFVKO9JS"}, ("not a valid ec2-conversion",)),
    # extra fields
    Case("unknown field", {"taskType": EC2, "taskId": "import-i-extrafield", "callback": "https://example.com"},
         ("callback", "Extra inputs are not permitted")),
    Case("field with a 100,000-character name", {"taskType": EC2, "taskId": "import-i-hugefield", HUGE_KEY: 1},
         ("Extra inputs are not permitted", "(100000 characters)")),
    Case("misspelt field", {"taskType": EC2, "taskid": "import-i-ffvko9js"}, ("taskid", "taskId")),
    Case("continuation not an object", {"taskType": EC2, "taskId": "import-i-badcontinue", "continuation": "x"},
         ("continuation",)),
    # not an object at all
    Case("a list", [{"taskType": EC2, "taskId": "import-i-ffvko9js"}], ("JSON object", "list")),
    Case("a string", "import-i-ffvko9js", ("JSON object", "str")),
    Case("a number", 7, ("JSON object", "int")),
    Case("null", None, ("JSON object",)),
)


@pytest.fixture(scope="module")
def report() -> Report:
    return run_scenario({"tasks": [], "watches": [{"at": 0, "input": case.input} for case in CASES]})


def _names() -> dict[str, str]:
    """Case name -> the execution name the local driver gave it."""
    scenario = parse({"tasks": [], "watches": [{"at": 0, "input": case.input} for case in CASES]})
    return {case.name: start.name for case, start in zip(CASES, scenario.watches, strict=True)}


def test_every_case_is_its_own_execution() -> None:
    assert len(set(_names().values())) == len(CASES)


def test_no_api_call_to_either_service(report: Report) -> None:
    assert service_calls(report) == 0


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_invalid_input_ends_the_watch_with_one_error_event(report: Report, case: Case) -> None:
    execution = report.execution(_names()[case.name])
    assert (execution.status, execution.error) == ("FAILED", "InvalidInput")
    assert execution.lambdaInvocations == 1  # the validation step only: the poll step never ran

    mine = [event for event in report.events if _is_for(event, case)]
    assert [event["detail-type"] for event in mine] == [WATCH_ERROR]
    detail = mine[0]["detail"]
    assert detail["errorCode"] == "InvalidInput"
    assert detail["sequence"] == 1
    for words in case.says:
        assert words in detail["message"], f"{case.name}: {detail['message']!r} does not say {words!r}"
    assert len(json.dumps(detail)) < MAX_ERROR_DETAIL_BYTES


def _is_for(event: dict[str, Any], case: Case) -> bool:
    detail = event["detail"]
    echoed = detail.get("input")
    if echoed is not None:
        return bool(echoed == case.input)
    # Not echoed: a null input, or one too large to echo (nor is its task id).
    if case.input is None:
        return "got NoneType" in detail["message"]
    if not isinstance(case.input, dict):
        return False
    if case.input.get("taskId") == HUGE_ID:
        return detail["taskId"] is None and "at most 64" in detail["message"]
    return HUGE_KEY in case.input and detail["taskId"] == case.input["taskId"]
