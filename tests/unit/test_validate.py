"""Validate step: the input is checked before any API call.

Every test runs with Stubbers that have nothing queued on both clients: an
API call would raise ``UnStubbedResponseError`` out of the handler."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conversion_watch import clock
from conversion_watch.handlers import validate_watch
from conversion_watch.models import ONE_YEAR_SECONDS, WatchErrorDetail
from tests.unit.conftest import T0, no_calls_allowed
from tests.unit.samples import EC2_INSTANCE_TASK, EC2_VOLUME_TASK, LICENSE_TASK, validate_event
from tests.unit.steps import validate

EC2 = "ec2-conversion"
LIC = "license-conversion"
GOOD_CONTINUATION = {
    "watchStartedAt": "2026-03-01T00:00:00.000Z",
    "deadline": "2026-03-31T00:00:00.000Z",
    "pollCount": 500,
    "sequence": 2,
    "generation": 1,
}


@pytest.fixture(autouse=True)
def _no_api_calls(stubbed):
    no_calls_allowed(stubbed)


@pytest.mark.parametrize(
    ("task_type", "task_id"),
    [(EC2, EC2_INSTANCE_TASK), (EC2, EC2_VOLUME_TASK), (EC2, "import-i-" + "a" * 32), (LIC, LICENSE_TASK)],
)
def test_valid_requests_open_a_watch(lambda_context, task_type, task_id):
    result = validate({"taskType": task_type, "taskId": task_id}, lambda_context)

    assert result["status"] == {"outcome": "VALID"}
    watch = result["watch"]
    assert (watch["taskType"], watch["taskId"]) == (task_type, task_id)
    assert (watch["pollCount"], watch["sequence"], watch["generation"], watch["last"]) == (0, 0, 1, None)
    assert watch["watchStartedAt"] == "2026-03-01T12:00:00.000Z"
    assert watch["deadline"] == clock.timestamp(T0 + timedelta(days=30))


def test_max_watch_seconds_sets_the_deadline(lambda_context):
    result = validate({"taskType": LIC, "taskId": LICENSE_TASK, "maxWatchSeconds": 7200}, lambda_context)

    assert result["watch"]["deadline"] == "2026-03-01T14:00:00.000Z"


def test_default_watch_time_comes_from_the_environment(lambda_context, monkeypatch):
    monkeypatch.setenv("DEFAULT_MAX_WATCH_SECONDS", "86400")

    result = validate({"taskType": LIC, "taskId": LICENSE_TASK}, lambda_context)

    assert result["watch"]["deadline"] == "2026-03-02T12:00:00.000Z"


INVALID = {
    "missing-task-type": {"taskId": EC2_INSTANCE_TASK},
    "missing-task-id": {"taskType": EC2},
    "empty-object": {},
    "empty-task-id": {"taskType": EC2, "taskId": ""},
    "null-task-id": {"taskType": EC2, "taskId": None},
    "numeric-task-id": {"taskType": EC2, "taskId": 12345678},
    "list-task-id": {"taskType": EC2, "taskId": [EC2_INSTANCE_TASK]},
    "numeric-task-type": {"taskType": 1, "taskId": EC2_INSTANCE_TASK},
    "unknown-task-type": {"taskType": "ami-copy", "taskId": EC2_INSTANCE_TASK},
    "task-type-wrong-case": {"taskType": "EC2-Conversion", "taskId": EC2_INSTANCE_TASK},
    "license-id-as-ec2": {"taskType": EC2, "taskId": LICENSE_TASK},
    "ec2-id-as-license": {"taskType": LIC, "taskId": EC2_INSTANCE_TASK},
    "ec2-id-too-short": {"taskType": EC2, "taskId": "import-i-abc"},
    "ec2-id-upper-case": {"taskType": EC2, "taskId": "import-i-FFVKO9JS"},
    "ec2-other-import-kind": {"taskType": EC2, "taskId": "import-ami-ffvko9js"},
    "over-long-id": {"taskType": LIC, "taskId": "lct-" + "0" * 61},
    "over-long-ec2-id": {"taskType": EC2, "taskId": "import-i-" + "a" * 33},
    "trailing-newline": {"taskType": EC2, "taskId": EC2_INSTANCE_TASK + "\n"},
    "surrounding-space": {"taskType": EC2, "taskId": f" {EC2_INSTANCE_TASK}"},
    "shell-injection": {"taskType": EC2, "taskId": "import-i-ffvko9js;rm"},
    "jsonpath-injection": {"taskType": LIC, "taskId": "lct-$.watch"},
    "markup-injection": {"taskType": LIC, "taskId": "lct-<script>alert(1)</script>"},
    "unicode-lookalike": {"taskType": EC2, "taskId": "import-i-ffvko9j\u0455"},
    "extra-field": {"taskType": EC2, "taskId": EC2_INSTANCE_TASK, "region": "us-west-2"},
    "max-watch-as-string": {"taskType": EC2, "taskId": EC2_INSTANCE_TASK, "maxWatchSeconds": "3600"},
    "max-watch-as-bool": {"taskType": EC2, "taskId": EC2_INSTANCE_TASK, "maxWatchSeconds": True},
    "max-watch-as-float": {"taskType": EC2, "taskId": EC2_INSTANCE_TASK, "maxWatchSeconds": 3600.5},
    "max-watch-too-short": {"taskType": EC2, "taskId": EC2_INSTANCE_TASK, "maxWatchSeconds": 59},
    "max-watch-over-a-year": {"taskType": EC2, "taskId": EC2_INSTANCE_TASK, "maxWatchSeconds": ONE_YEAR_SECONDS + 1},
    "continuation-not-object": {"taskType": EC2, "taskId": EC2_INSTANCE_TASK, "continuation": "resume"},
    "continuation-incomplete": {"taskType": EC2, "taskId": EC2_INSTANCE_TASK, "continuation": {"pollCount": 1}},
    "continuation-negative-count": {
        "taskType": EC2, "taskId": EC2_INSTANCE_TASK, "continuation": {**GOOD_CONTINUATION, "pollCount": -1}
    },
    "continuation-extra-field": {
        "taskType": EC2, "taskId": EC2_INSTANCE_TASK, "continuation": {**GOOD_CONTINUATION, "x": 1}
    },
}


@pytest.mark.parametrize("request_body", list(INVALID.values()), ids=list(INVALID))
def test_invalid_requests_are_rejected_with_invalid_input(lambda_context, request_body):
    result = validate(request_body, lambda_context)

    assert result["watch"] is None
    status = result["status"]
    assert (status["outcome"], status["errorCode"]) == ("ERROR", "InvalidInput")
    assert status["message"]
    detail = WatchErrorDetail.model_validate(status["detail"])
    assert detail.errorCode == "InvalidInput"
    assert detail.sequence == 1
    assert detail.input == request_body  # small inputs are echoed back to the subscriber


@pytest.mark.parametrize("request_body", [None, [], ["ec2-conversion", EC2_INSTANCE_TASK], "import-i-ffvko9js", 42,
                                          True], ids=repr)
def test_non_object_input_is_rejected(lambda_context, request_body):
    status = validate(request_body, lambda_context)["status"]

    assert (status["outcome"], status["errorCode"]) == ("ERROR", "InvalidInput")
    assert "must be a JSON object" in status["message"]
    assert (status["detail"]["taskId"], status["detail"]["eventId"]) == (None, "watch-invalid-input#rejected")


def test_the_message_names_the_field_and_an_example_id(lambda_context):
    status = validate({"taskType": EC2, "taskId": LICENSE_TASK}, lambda_context)["status"]

    assert LICENSE_TASK in status["message"]
    assert "import-i-" in status["message"]


def test_a_large_rejected_input_is_not_echoed(lambda_context):
    body = {"taskType": EC2, "taskId": EC2_INSTANCE_TASK, "notes": "x" * 5000}

    detail = validate(body, lambda_context)["status"]["detail"]

    assert detail["input"] is None


HAND_OVER = {"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": "arn:aws:states:us-east-1:123456789012:execution:sm:watch-x"}


def test_a_continuation_resumes_the_watch_in_the_next_generation(lambda_context):
    body = {"taskType": EC2, "taskId": EC2_INSTANCE_TASK, "continuation": GOOD_CONTINUATION, **HAND_OVER}

    result = validate(body, lambda_context)

    watch = result["watch"]
    assert result["status"] == {"outcome": "VALID"}
    assert (watch["generation"], watch["generationPolls"], watch["pollCount"], watch["sequence"]) == (2, 0, 500, 2)
    assert (watch["watchStartedAt"], watch["deadline"]) == ("2026-03-01T00:00:00.000Z", "2026-03-31T00:00:00.000Z")


def test_a_continuation_is_only_taken_from_a_hand_over(lambda_context):
    body = {"taskType": EC2, "taskId": EC2_INSTANCE_TASK, "continuation": GOOD_CONTINUATION}

    result = validate(body, lambda_context)

    # A well-formed request that cannot hold the watch: refused, and no event is built for the task.
    assert (result["status"]["outcome"], result["status"]["errorCode"]) == ("REFUSED", "NotTheWatchHolder")
    assert "hand-over" in result["status"]["message"] and "detail" not in result["status"]
    assert result["watch"] is None


def test_a_continuation_cannot_stretch_the_watch_past_one_year(lambda_context):
    forged = {**GOOD_CONTINUATION, "deadline": "2036-03-01T00:00:00.000Z"}
    body = {"taskType": EC2, "taskId": EC2_INSTANCE_TASK, "continuation": forged, **HAND_OVER}

    watch = validate(body, lambda_context)["watch"]

    assert watch["deadline"] == "2027-03-01T00:00:00.000Z"  # watchStartedAt 2026-03-01 + 365 days


@pytest.mark.parametrize("name", ["3f0c2a9e-1b7d-4c55-9d8e-0a1b2c3d4e5f", "watch-import-i-other0001", "watch-x-g2"])
def test_the_execution_must_carry_the_watch_name(lambda_context, name):
    """One watcher per task: only watch-<taskId> can run it, and Step Functions
    refuses that name twice."""
    request = {"taskType": EC2, "taskId": EC2_INSTANCE_TASK}

    status = validate_watch.handler(validate_event(request, execution=name), lambda_context)["status"]

    assert (status["outcome"], status["errorCode"]) == ("ERROR", "InvalidInput")
    assert f"must be named 'watch-{EC2_INSTANCE_TASK}'" in status["message"]
