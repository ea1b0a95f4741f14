"""Seeded fault injection: the services' own throttling and 5xx answers, at the configured rates."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from botocore.exceptions import ClientError

from localrun.services import ConversionTaskDouble, FaultConfigError, FaultPlan
from tests.services.conftest import EPOCH
from tests.services.tasks import INSTANCE_ID, LICENSE_ID, instance_import, license_conversion

CALLS = 600


def _outcome(call) -> tuple[str, int]:
    try:
        response = call()
    except ClientError as error:
        return error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]
    return "OK", response["ResponseMetadata"]["HTTPStatusCode"]


def _describe(ec2):
    return lambda: ec2.describe_conversion_tasks(ConversionTaskIds=[INSTANCE_ID])


def _get(license_manager):
    return lambda: license_manager.get_license_conversion_task(LicenseConversionTaskId=LICENSE_ID)


def test_ec2_throttling_is_request_limit_exceeded_503(install, ec2):
    double = install([instance_import()], faults={"seed": 1, "throttleRate": 1.0})
    assert _outcome(_describe(ec2)) == ("RequestLimitExceeded", 503)
    assert double.faults_injected == Counter({"ec2:DescribeConversionTasks:RequestLimitExceeded": 1})


def test_license_manager_throttling_is_rate_limit_exceeded_400(install, license_manager):
    install([license_conversion()], faults={"seed": 1, "throttleRate": 1.0})
    assert _outcome(_get(license_manager)) == ("RateLimitExceededException", 400)
    assert _outcome(lambda: license_manager.list_license_conversion_tasks()) == ("RateLimitExceededException", 400)


def test_ec2_server_errors_are_internal_error_500_and_unavailable_503(install, ec2):
    install([instance_import()], faults={"seed": 7, "serverErrorRate": 1.0})
    outcomes = Counter(_outcome(_describe(ec2)) for _ in range(60))
    assert set(outcomes) == {("InternalError", 500), ("Unavailable", 503)}


def test_license_manager_server_error_is_server_internal_exception_500(install, license_manager):
    install([license_conversion()], faults={"seed": 7, "serverErrorRate": 1.0})
    assert _outcome(_get(license_manager)) == ("ServerInternalException", 500)


def _within_five_sigma(count: int, rate: float, calls: int = CALLS) -> bool:
    mean, sigma = rate * calls, math.sqrt(calls * rate * (1 - rate))
    return abs(count - mean) <= 5 * sigma


def test_fault_rates_hold_statistically(install, ec2):
    double = install([instance_import()], faults={"seed": 42, "throttleRate": 0.3, "serverErrorRate": 0.1})
    codes = Counter(_outcome(_describe(ec2))[0] for _ in range(CALLS))
    assert _within_five_sigma(codes["RequestLimitExceeded"], 0.3)
    assert _within_five_sigma(codes["InternalError"] + codes["Unavailable"], 0.1)
    assert _within_five_sigma(codes["OK"], 0.6)
    assert double.calls["ec2:DescribeConversionTasks"] == CALLS
    assert sum(double.faults_injected.values()) == CALLS - codes["OK"]


def test_the_same_seed_gives_the_same_sequence(ec2, clock):
    faults = {"seed": 3, "throttleRate": 0.2, "serverErrorRate": 0.2}

    def sequence(seed: int) -> list[str]:
        double = ConversionTaskDouble(
            tasks=[instance_import()], epoch=EPOCH, now=clock, faults={**faults, "seed": seed}
        )
        with double.install():
            return [_outcome(_describe(ec2))[0] for _ in range(50)]

    first, again, other = sequence(3), sequence(3), sequence(4)
    assert first == again
    assert other != first
    assert len(set(first)) > 1  # the sequence mixes outcomes, so equality means something


def test_no_faults_without_a_faults_object(install, ec2):
    double = install([instance_import()])
    assert {_outcome(_describe(ec2)) for _ in range(50)} == {("OK", 200)}
    assert not double.faults_injected
    assert double.faults == FaultPlan()


def test_put_events_failure_rate_is_exposed_for_the_engine(install):
    double = install([], faults={"seed": 2, "putEventsFailureRate": 0.25})
    assert double.faults.put_events_failure_rate == 0.25
    assert not double.faults.injects_service_faults


@pytest.mark.parametrize(
    ("faults", "message"),
    [
        ([], "must be an object"),
        ({"throttleRate": 1.5}, "between 0 and 1"),
        ({"serverErrorRate": "often"}, "between 0 and 1"),
        ({"throttleRate": 0.6, "serverErrorRate": 0.6}, "cannot exceed 1"),
        ({"seed": "x"}, "integer"),
        ({"throttle": 0.1}, "unknown field"),
    ],
)
def test_bad_fault_settings_are_refused_clearly(faults, message):
    with pytest.raises(FaultConfigError, match=message):
        FaultPlan.parse(faults)
