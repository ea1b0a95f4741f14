"""The account's throttling: a token bucket per API, shared by every caller, part of it taken
by other tools, refilled on the simulated clock; an empty bucket answers with the service's
own throttling error."""

from __future__ import annotations

from collections import Counter

import pytest
from botocore.exceptions import ClientError

from localrun.services import FaultConfigError, FaultPlan
from tests.services.tasks import INSTANCE_ID, LICENSE_ID, instance_import, license_conversion

HALF_TAKEN = {
    "ec2": {"capacity": 100, "refillPerSecond": 20, "reservedShare": 0.5},
    "license-manager": {"capacity": 20, "refillPerSecond": 5, "reservedShare": 0.5},
}


def _codes(call, times: int) -> Counter[str]:
    seen: Counter[str] = Counter()
    for _ in range(times):
        try:
            call()
            seen["OK"] += 1
        except ClientError as error:
            seen[error.response["Error"]["Code"]] += 1
    return seen


def test_ec2_bucket_holds_its_free_half_then_throttles_until_it_refills(install, ec2, clock):
    double = install([instance_import()], faults={"tokenBuckets": HALF_TAKEN})
    describe = lambda: ec2.describe_conversion_tasks(ConversionTaskIds=[INSTANCE_ID])  # noqa: E731

    assert _codes(describe, 60) == Counter({"OK": 50, "RequestLimitExceeded": 10})
    clock.seconds += 1.0  # 10 tokens a second are ours
    assert _codes(describe, 12) == Counter({"OK": 10, "RequestLimitExceeded": 2})
    clock.seconds += 60.0  # never more than the free half of the capacity
    assert _codes(describe, 60) == Counter({"OK": 50, "RequestLimitExceeded": 10})
    assert double.faults_injected["ec2:DescribeConversionTasks:RequestLimitExceeded"] == 22


def test_license_manager_apis_have_a_bucket_each(install, license_manager, clock):
    install([license_conversion()], faults={"tokenBuckets": HALF_TAKEN})
    get = lambda: license_manager.get_license_conversion_task(LicenseConversionTaskId=LICENSE_ID)  # noqa: E731
    listed = lambda: license_manager.list_license_conversion_tasks()  # noqa: E731

    assert _codes(get, 12) == Counter({"OK": 10, "RateLimitExceededException": 2})
    assert _codes(listed, 10) == Counter({"OK": 10})  # EC2 documents one bucket per API
    clock.seconds += 2.0
    assert _codes(get, 6) == Counter({"OK": 5, "RateLimitExceededException": 1})


def test_no_bucket_no_throttling(install, ec2):
    install([instance_import()], faults={"tokenBuckets": {"license-manager": HALF_TAKEN["license-manager"]}})
    assert _codes(lambda: ec2.describe_conversion_tasks(), 300) == Counter({"OK": 300})


@pytest.mark.parametrize(
    ("buckets", "message"),
    [
        ([], "object keyed by service"),
        ({"s3": {"capacity": 1, "refillPerSecond": 1}}, "unknown service"),
        ({"ec2": {"capacity": 0, "refillPerSecond": 1}}, "capacity must be a positive number"),
        ({"ec2": {"capacity": 10}}, "refillPerSecond must be a positive number"),
        ({"ec2": {"capacity": 10, "refillPerSecond": 1, "reservedShare": 1}}, "reservedShare must be a number in"),
        ({"ec2": {"capacity": 10, "refillPerSecond": 1, "burst": 3}}, "unknown field"),
    ],
)
def test_bad_buckets_are_refused_clearly(buckets, message):
    with pytest.raises(FaultConfigError, match=message):
        FaultPlan.parse({"tokenBuckets": buckets})
