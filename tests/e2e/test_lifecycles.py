"""Each terminal path of both task types, driven through the real state machine."""

from __future__ import annotations

from localrun.engine import run_scenario
from tests.e2e.helpers import (
    EC2_INSTANCE,
    EC2_VOLUME,
    LICENSE_BAD,
    LICENSE_OK,
    STATE_CHANGE,
    ec2_task,
    license_task,
    outcome,
    sequence,
    watch,
)


def test_ec2_import_instance_completes_with_progress_events() -> None:
    gib = 1024**3
    report = run_scenario({
        "tasks": [ec2_task(
            EC2_INSTANCE,
            {"at": 0, "state": "active", "statusMessage": "Pending", "bytesConverted": [0, 0]},
            {"at": 300, "state": "active", "statusMessage": "Progress: 40%", "bytesConverted": [4 * gib, 0]},
            {"at": 900, "state": "active", "statusMessage": "Progress: 80%", "bytesConverted": [5 * gib, 3 * gib]},
            {"at": 1500, "state": "completed", "bytesConverted": [5 * gib, 5 * gib]},
            volumes=[{"imageSize": 5 * gib}, {"imageSize": 5 * gib}],
        )],
        "watches": [watch("ec2-conversion", EC2_INSTANCE)],
    })

    assert sequence(report) == [
        (STATE_CHANGE, "IN_PROGRESS", None),
        (STATE_CHANGE, "IN_PROGRESS", "IN_PROGRESS"),
        (STATE_CHANGE, "IN_PROGRESS", "IN_PROGRESS"),
        (STATE_CHANGE, "COMPLETED", "IN_PROGRESS"),
    ]
    details = [event["detail"] for event in report.events]
    assert [d["statusMessage"] for d in details] == ["Pending", "Progress: 40%", "Progress: 80%", None]
    assert [d["progress"]["percent"] for d in details] == [0.0, 40.0, 80.0, 100.0]
    assert [d["sequence"] for d in details] == [1, 2, 3, 4]
    assert details[-1]["terminal"] is True
    assert details[-1]["task"]["conversionType"] == "ImportInstance"
    assert len(details[-1]["task"]["volumes"]) == 2
    assert outcome(report, f"watch-{EC2_INSTANCE}") == ("SUCCEEDED", None)


def test_ec2_import_volume_cancelled_via_cancelling() -> None:
    report = run_scenario({
        "tasks": [ec2_task(
            EC2_VOLUME,
            (0, "active"),
            {"at": 400, "state": "cancelling", "statusMessage": "Cancelling by user request"},
            {"at": 800, "state": "cancelled", "statusMessage": "Cancelled by user request"},
        )],
        "watches": [watch("ec2-conversion", EC2_VOLUME)],
    })

    assert sequence(report) == [
        (STATE_CHANGE, "IN_PROGRESS", None),
        (STATE_CHANGE, "CANCELLING", "IN_PROGRESS"),
        (STATE_CHANGE, "CANCELLED", "CANCELLING"),
    ]
    last = report.events[-1]["detail"]
    assert (last["serviceState"], last["terminal"], last["task"]["conversionType"]) == (
        "cancelled", True, "ImportVolume")
    assert outcome(report, f"watch-{EC2_VOLUME}") == ("SUCCEEDED", None)


def test_license_conversion_succeeds_and_another_fails() -> None:
    report = run_scenario({
        "tasks": [
            license_task(LICENSE_OK, (0, "IN_PROGRESS"), (600, "SUCCEEDED")),
            license_task(LICENSE_BAD, (0, "IN_PROGRESS"),
                         {"at": 300, "state": "FAILED", "statusMessage": "instance must be stopped"}),
        ],
        "watches": [watch("license-conversion", LICENSE_OK), watch("license-conversion", LICENSE_BAD)],
    })

    assert sequence(report, LICENSE_OK) == [
        (STATE_CHANGE, "IN_PROGRESS", None),
        (STATE_CHANGE, "COMPLETED", "IN_PROGRESS"),
    ]
    assert sequence(report, LICENSE_BAD) == [
        (STATE_CHANGE, "IN_PROGRESS", None),
        (STATE_CHANGE, "FAILED", "IN_PROGRESS"),
    ]
    assert report.events[-1]["detail"]["serviceState"] in {"SUCCEEDED", "FAILED"}
    assert outcome(report, f"watch-{LICENSE_OK}") == ("SUCCEEDED", None)
    assert outcome(report, f"watch-{LICENSE_BAD}") == ("FAILED", "ConversionTaskFailed")


def test_ec2_task_already_completed_when_the_watch_starts() -> None:
    report = run_scenario({
        "tasks": [ec2_task(EC2_INSTANCE, (0, "active"), (60, "completed"))],
        "watches": [watch("ec2-conversion", EC2_INSTANCE, at=120)],
    })

    assert sequence(report) == [(STATE_CHANGE, "COMPLETED", None)]
    assert outcome(report, f"watch-{EC2_INSTANCE}") == ("SUCCEEDED", None)
