"""Poll step failures: watch-ending errors come back as data (``ERROR`` outcome,
named ``errorCode``); transient ones are raised under the names the state
machine retries on."""

from __future__ import annotations

import pytest
from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

from conversion_watch import aws_clients
from conversion_watch.errors import RETRYABLE_ERROR_NAMES, ServiceUnavailable, Throttled
from conversion_watch.settings import Settings
from tests.unit.conftest import client_error_kwargs
from tests.unit.samples import (
    EC2_INSTANCE_TASK,
    LICENSE_TASK,
    ec2_instance_task,
    ec2_params,
    ec2_response,
    license_params,
)
from tests.unit.steps import poll, start

NOT_FOUND_GRACE = Settings().not_found_grace_seconds
EC2 = ("ec2", "describe_conversion_tasks", "ec2-conversion", EC2_INSTANCE_TASK, ec2_params())
LICENSE = ("license-manager", "get_license_conversion_task", "license-conversion", LICENSE_TASK, license_params())


def _queue_error(stubbed, api, code, status):
    service, operation, _, _, params = api
    stubbed(service).add_client_error(operation, expected_params=params, **client_error_kwargs(code, status))


def _start(api, context):
    _, _, task_type, task_id, _ = api
    return start(task_type, task_id, context)


def test_ec2_empty_list_is_task_not_found(stubbed, lambda_context, fake_clock):
    watch = _start(EC2, lambda_context)
    fake_clock.advance(NOT_FOUND_GRACE)
    stubbed("ec2").add_response("describe_conversion_tasks", ec2_response(), ec2_params())

    status = poll(watch, lambda_context)["status"]

    assert (status["outcome"], status["errorCode"]) == ("ERROR", "TaskNotFound")
    assert EC2_INSTANCE_TASK in status["message"]


@pytest.mark.parametrize(
    ("api", "code", "http_status", "error_code"),
    [
        (EC2, "InvalidConversionTaskId", 400, "TaskNotFound"),
        (EC2, "InvalidConversionTaskId.NotFound", 400, "TaskNotFound"),
        # The watcher describes only well-formed ids: "malformed" can only mean no such task (docs/task-kinds.md).
        (EC2, "InvalidConversionTaskId.Malformed", 400, "TaskNotFound"),
        (LICENSE, "InvalidParameterValueException", 400, "TaskNotFound"),
        (EC2, "UnauthorizedOperation", 403, "AccessDenied"),
        (EC2, "AuthFailure", 401, "AccessDenied"),
        (LICENSE, "AccessDeniedException", 403, "AccessDenied"),
        (LICENSE, "AuthorizationException", 403, "AccessDenied"),
        # A client error no retry can fix ends the watch at once instead of burning retries.
        (EC2, "OptInRequired", 403, "RequestRejected"),
        (LICENSE, "ValidationException", 400, "RequestRejected"),
    ],
    ids=lambda value: value[0] if isinstance(value, tuple) else None,
)
def test_watch_ending_errors_are_named(stubbed, lambda_context, fake_clock, api, code, http_status, error_code):
    watch = _start(api, lambda_context)
    fake_clock.advance(NOT_FOUND_GRACE)  # past the "just created, not visible yet" grace
    _queue_error(stubbed, api, code, http_status)

    result = poll(watch, lambda_context)

    status = result["status"]
    assert (status["outcome"], status["errorCode"]) == ("ERROR", error_code)
    assert code in status["message"]
    detail = status["detail"]
    assert (detail["taskId"], detail["taskType"], detail["errorCode"]) == (api[3], api[2], error_code)
    assert detail["lastKnownState"] is None
    assert (detail["sequence"], detail["eventId"], detail["pollCount"]) == (1, f"{api[3]}#1", 1)


@pytest.mark.parametrize(
    ("api", "code", "http_status", "raised"),
    [
        (EC2, "RequestLimitExceeded", 503, Throttled),
        (LICENSE, "RateLimitExceededException", 429, Throttled),
        (EC2, "InternalError", 500, ServiceUnavailable),
        (EC2, "Unavailable", 503, ServiceUnavailable),
        (LICENSE, "ServerInternalException", 500, ServiceUnavailable),
    ],
    ids=lambda value: value[0] if isinstance(value, tuple) else None,
)
def test_transient_errors_are_raised_for_the_state_machine_to_retry(
    stubbed, lambda_context, api, code, http_status, raised
):
    watch = _start(api, lambda_context)
    _queue_error(stubbed, api, code, http_status)

    with pytest.raises(raised, match=code) as caught:
        poll(watch, lambda_context)

    # Step Functions matches Retry on the exception's class name.
    assert type(caught.value).__name__ in RETRYABLE_ERROR_NAMES


@pytest.mark.parametrize(
    "failure",
    [
        EndpointConnectionError(endpoint_url="https://ec2.us-east-1.amazonaws.com/"),
        ConnectTimeoutError(endpoint_url="https://ec2.us-east-1.amazonaws.com/"),
        ReadTimeoutError(endpoint_url="https://ec2.us-east-1.amazonaws.com/"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_network_failures_are_raised_as_service_unavailable(stubbed, lambda_context, failure):
    watch = _start(EC2, lambda_context)
    attempts = []

    def fail_send(**_kwargs):
        attempts.append(1)
        raise failure

    # No Stubber here: the real client builds and signs the request, and the
    # network fails at send time.
    aws_clients.client("ec2").meta.events.register("before-send", fail_send)

    with pytest.raises(ServiceUnavailable, match="could not reach the service"):
        poll(watch, lambda_context)
    assert attempts == [1]  # AWS_MAX_ATTEMPTS=1 in the test environment: no SDK back-off here


def test_an_error_after_observations_carries_the_last_known_state(stubbed, lambda_context):
    watch = _start(EC2, lambda_context)
    stubbed("ec2").add_response("describe_conversion_tasks", ec2_response(ec2_instance_task("active")), ec2_params())
    _queue_error(stubbed, EC2, "UnauthorizedOperation", 403)

    first = poll(watch, lambda_context)
    second = poll(first["watch"], lambda_context)

    detail = second["status"]["detail"]
    assert detail["lastKnownState"] == "IN_PROGRESS"
    assert (detail["sequence"], detail["eventId"], detail["pollCount"]) == (2, f"{EC2_INSTANCE_TASK}#2", 2)
    assert second["watch"]["sequence"] == 2


@pytest.mark.parametrize("api", [EC2, LICENSE], ids=["ec2", "license"])
def test_a_task_not_visible_yet_is_looked_at_again_within_the_grace(stubbed, lambda_context, fake_clock, api):
    """Just created (the CloudTrail starter is seconds behind the call): the
    describe API may not know it yet. That is no reason to give the watch up."""
    watch = _start(api, lambda_context)
    code = "InvalidConversionTaskId" if api is EC2 else "InvalidParameterValueException"
    _queue_error(stubbed, api, code, 400)

    result = poll(watch, lambda_context)

    status = result["status"]
    assert status["outcome"] == "PENDING" and status["changed"] is False and "detail" not in status
    assert status["waitSeconds"] == Settings().min_poll_seconds
    assert result["watch"]["sequence"] == 0 and result["watch"]["last"] is None

    fake_clock.advance(NOT_FOUND_GRACE)
    _queue_error(stubbed, api, code, 400)
    status = poll(result["watch"], lambda_context)["status"]
    assert (status["outcome"], status["errorCode"]) == ("ERROR", "TaskNotFound")


def test_a_task_that_disappears_after_being_seen_is_not_found_at_once(stubbed, lambda_context):
    watch = _start(EC2, lambda_context)
    stubbed("ec2").add_response("describe_conversion_tasks", ec2_response(ec2_instance_task("active")), ec2_params())
    seen = poll(watch, lambda_context)["watch"]
    stubbed("ec2").add_response("describe_conversion_tasks", ec2_response(), ec2_params())

    status = poll(seen, lambda_context)["status"]

    assert (status["outcome"], status["errorCode"]) == ("ERROR", "TaskNotFound")
