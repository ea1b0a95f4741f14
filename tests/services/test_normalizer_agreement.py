"""The watcher's own describe + normalize code, run against the double: both sides agree
on every state, the progress figures, the task facts and the error mapping."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conversion_watch import aws_clients
from conversion_watch.describe import describe_task
from conversion_watch.errors import InvalidInput, ServiceUnavailable, TaskNotFound, Throttled
from tests.services.conftest import EPOCH
from tests.services.tasks import (
    GIB,
    INSTANCE_ID,
    LICENSE_ID,
    VOLUME_ID,
    instance_import,
    license_conversion,
    volume_import,
)

EC2_NORMALIZED = {
    "active": "IN_PROGRESS",
    "cancelling": "CANCELLING",
    "cancelled": "CANCELLED",
    "completed": "COMPLETED",
}
LICENSE_NORMALIZED = {"IN_PROGRESS": "IN_PROGRESS", "SUCCEEDED": "COMPLETED", "FAILED": "FAILED"}


@pytest.fixture(autouse=True)
def _one_attempt(monkeypatch):
    """The handlers' clients, built fresh, with no SDK retries: each fault surfaces once; the
    shared snapshot off, so every call is the per-task describe (test_task_snapshots covers it)."""
    monkeypatch.setenv("SNAPSHOT_MAX_AGE_SECONDS", "0")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    aws_clients.reset()
    yield
    aws_clients.reset()


@pytest.mark.parametrize("raw_state", list(EC2_NORMALIZED))
def test_ec2_instance_import_every_state(install, clock, raw_state):
    timeline = [
        {"at": 0, "state": "active", "bytesConverted": [0, 0]},
        {"at": 3600, "state": "active", "bytesConverted": [GIB, GIB], "statusMessage": "Progress: 50%"},
    ]
    if raw_state != "active":
        timeline.append({"at": 7200, "state": raw_state, "statusMessage": raw_state.title()})
    install([instance_import(timeline)])
    clock.seconds = 7200

    snapshot = describe_task("ec2-conversion", INSTANCE_ID)

    assert snapshot.state == EC2_NORMALIZED[raw_state]
    assert snapshot.service_state == raw_state
    assert snapshot.status_message == ("Progress: 50%" if raw_state == "active" else raw_state.title())
    assert snapshot.progress is not None
    assert (snapshot.progress.bytesConverted, snapshot.progress.totalBytes, snapshot.progress.percent) == (
        2 * GIB,
        4 * GIB,
        50.0,
    )
    facts = snapshot.facts
    assert (facts.conversionType, facts.instanceId, facts.platform) == (
        "ImportInstance",
        "i-0123456789abcdef0",
        "Windows",
    )
    assert [v.volumeId for v in facts.volumes] == ["vol-0aaaaaaaaaaaaaaa1", "vol-0aaaaaaaaaaaaaaa2"]
    assert [v.status for v in facts.volumes] == [raw_state, raw_state]
    assert snapshot.expires_at == EPOCH + timedelta(days=7)


@pytest.mark.parametrize("raw_state", list(EC2_NORMALIZED))
def test_ec2_volume_import_every_state(install, clock, raw_state):
    timeline = [{"at": 0, "state": "active", "bytesConverted": GIB // 4, "size": GIB}]
    if raw_state != "active":
        timeline.append({"at": 100, "state": raw_state})
    install([volume_import(timeline)])
    clock.seconds = 100

    snapshot = describe_task("ec2-conversion", VOLUME_ID)

    assert (snapshot.state, snapshot.service_state) == (EC2_NORMALIZED[raw_state], raw_state)
    assert snapshot.facts.conversionType == "ImportVolume"
    assert snapshot.facts.availabilityZone == "us-east-1b"
    assert snapshot.progress is not None and snapshot.progress.percent == 25.0
    assert snapshot.terminal is (raw_state in {"cancelled", "completed"})


@pytest.mark.parametrize("raw_state", list(LICENSE_NORMALIZED))
def test_license_conversion_every_state(install, clock, raw_state):
    timeline = [{"at": 10, "state": "IN_PROGRESS", "statusMessage": "Converting"}]
    if raw_state != "IN_PROGRESS":
        timeline.append({"at": 70, "state": raw_state, "statusMessage": f"Conversion {raw_state.lower()}"})
    install(
        [
            license_conversion(
                timeline, sourceUsageOperation="RunInstances:0800", destinationUsageOperation="RunInstances:0002"
            )
        ]
    )
    clock.seconds = 80

    snapshot = describe_task("license-conversion", LICENSE_ID)

    assert (snapshot.state, snapshot.service_state) == (LICENSE_NORMALIZED[raw_state], raw_state)
    facts = snapshot.facts
    assert facts.resourceArn == "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0"
    assert (facts.sourceUsageOperation, facts.destinationUsageOperation) == ("RunInstances:0800", "RunInstances:0002")
    assert facts.startTime == EPOCH + timedelta(seconds=10)
    assert facts.endTime == (None if raw_state == "IN_PROGRESS" else EPOCH + timedelta(seconds=70))
    assert snapshot.progress is None


@pytest.mark.parametrize(
    ("task_type", "task_id", "error"),
    [
        ("ec2-conversion", "import-i-doesnotexist", TaskNotFound),
        ("ec2-conversion", "import-x-12345678", InvalidInput),
        ("license-conversion", "lct-doesnotexist", TaskNotFound),
    ],
)
def test_unknown_and_malformed_ids_map_to_named_errors(install, task_type, task_id, error):
    install([instance_import(), license_conversion()])
    with pytest.raises(error):
        describe_task(task_type, task_id)


@pytest.mark.parametrize(
    ("faults", "error"),
    [({"throttleRate": 1.0}, Throttled), ({"serverErrorRate": 1.0}, ServiceUnavailable)],
)
@pytest.mark.parametrize(
    ("task_type", "task_id"), [("ec2-conversion", INSTANCE_ID), ("license-conversion", LICENSE_ID)]
)
def test_injected_faults_map_to_retryable_errors(install, faults, error, task_type, task_id):
    install([instance_import(), license_conversion()], faults={"seed": 5, **faults})
    with pytest.raises(error):
        describe_task(task_type, task_id)
