"""The SDK's whole retry budget must fit inside the function timeout.

A Lambda time-out reaches the state machine as ``Lambda.Unknown``: retried,
but as a lost invocation (no named error, a full timeout per attempt) instead
of a prompt ``ServiceUnavailable`` for the state machine's own retry."""

from __future__ import annotations

from conversion_watch import aws_clients

MAX_BACKOFF = 20  # botocore standard mode: rand(0,1) * min(2**i, 20) seconds between attempts


def worst_case_sdk_seconds(attempts: int) -> float:
    per_attempt = aws_clients.CONNECT_TIMEOUT_SECONDS + aws_clients.READ_TIMEOUT_SECONDS
    backoff = sum(min(2**i, MAX_BACKOFF) for i in range(attempts - 1))
    return attempts * per_attempt + backoff


def test_the_clients_use_the_declared_timeouts():
    config = aws_clients._CONFIG

    assert (config.connect_timeout, config.read_timeout) == (
        aws_clients.CONNECT_TIMEOUT_SECONDS, aws_clients.READ_TIMEOUT_SECONDS
    )


def test_every_function_outlasts_its_sdk_retries(synthesized):
    functions = synthesized.template.find_resources("AWS::Lambda::Function")

    assert functions
    for logical_id, function in functions.items():
        properties = function["Properties"]
        variables = properties.get("Environment", {}).get("Variables", {})
        assert variables.get("AWS_RETRY_MODE") == "standard", logical_id
        attempts = int(variables["AWS_MAX_ATTEMPTS"])
        budget = worst_case_sdk_seconds(attempts)
        assert budget < properties["Timeout"], (
            f"{logical_id}: {attempts} SDK attempts may take {budget:.0f} s, timeout is {properties['Timeout']} s"
        )
