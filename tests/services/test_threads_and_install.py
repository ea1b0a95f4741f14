"""Many executions call at once; installing plugs into moto and unplugs cleanly."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from localrun.services import ConversionTaskDouble, DoubleInstallError
from tests.services.conftest import EPOCH
from tests.services.tasks import INSTANCE_ID, LICENSE_ID, instance_import, license_conversion

THREADS, CALLS_EACH = 8, 30
EC2_ORDER = {"active": 0, "completed": 1}
LICENSE_ORDER = {"IN_PROGRESS": 0, "SUCCEEDED": 1}


def test_concurrent_callers_see_consistent_answers_and_exact_counts(install, ec2, license_manager, clock):
    double = install([instance_import(), license_conversion()], faults={"seed": 11, "throttleRate": 0.5})
    seen: dict[int, list[tuple[str, str]]] = {}
    throttled = Counter()
    lock = threading.Lock()
    start = threading.Barrier(THREADS + 1)

    def worker(number: int) -> None:
        start.wait()
        observed = []
        for _ in range(CALLS_EACH):
            try:
                [task] = ec2.describe_conversion_tasks(ConversionTaskIds=[INSTANCE_ID])["ConversionTasks"]
                observed.append(("ec2", task["State"]))
            except ClientError as error:
                with lock:
                    throttled[error.response["Error"]["Code"]] += 1
            try:
                task = license_manager.get_license_conversion_task(LicenseConversionTaskId=LICENSE_ID)
                observed.append(("license", task["Status"]))
            except ClientError as error:
                with lock:
                    throttled[error.response["Error"]["Code"]] += 1
        seen[number] = observed

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    start.wait()
    clock.seconds = 7200  # both tasks end while the workers run
    for thread in threads:
        thread.join()

    total = THREADS * CALLS_EACH
    assert double.calls == Counter(
        {"ec2:DescribeConversionTasks": total, "license-manager:GetLicenseConversionTask": total}
    )
    assert throttled == Counter(
        {
            "RequestLimitExceeded": double.faults_injected["ec2:DescribeConversionTasks:RequestLimitExceeded"],
            "RateLimitExceededException": double.faults_injected[
                "license-manager:GetLicenseConversionTask:RateLimitExceededException"
            ],
        }
    )
    assert sum(len(observed) for observed in seen.values()) + sum(throttled.values()) == 2 * total
    for observed in seen.values():  # time only moves forward, so no caller sees a task go back
        ec2_states = [EC2_ORDER[state] for kind, state in observed if kind == "ec2"]
        license_states = [LICENSE_ORDER[state] for kind, state in observed if kind == "license"]
        assert ec2_states == sorted(ec2_states)
        assert license_states == sorted(license_states)


def test_install_needs_an_active_mock_aws(clock):
    double = ConversionTaskDouble(tasks=[], epoch=EPOCH, now=clock)
    with pytest.raises(DoubleInstallError, match="mock_aws"), double.install():
        pass


def test_two_doubles_cannot_be_installed_at_once(install, clock):
    install([])
    second = ConversionTaskDouble(tasks=[], epoch=EPOCH, now=clock)
    with pytest.raises(DoubleInstallError, match="another"), second.install():
        pass


def test_uninstall_hands_the_operations_back_to_moto(ec2, clock):
    from localrun.moto_patches.targets import botocore_stubber

    with mock_aws():
        double = ConversionTaskDouble(tasks=[instance_import()], epoch=EPOCH, now=clock)
        with double.install():
            assert ec2.describe_conversion_tasks()["ConversionTasks"]
        assert "process_request" not in vars(botocore_stubber())
        with pytest.raises(NotImplementedError):  # moto itself has no DescribeConversionTasks
            ec2.describe_conversion_tasks()
    assert double.calls["ec2:DescribeConversionTasks"] == 1


def test_epoch_must_be_timezone_aware(clock):
    with pytest.raises(ValueError, match="timezone-aware"):
        ConversionTaskDouble(tasks=[], epoch=EPOCH.replace(tzinfo=None), now=clock)
