"""The conversion resources' whole lifecycle on the local engine: the CloudFormation double plays the
custom-resource protocol and the wait condition against the real provider and signaller handlers,
the synthesized watcher follows each task, the service double plays the imports. One run holds every
case (each its own logical id), to keep the suite's budget."""

from __future__ import annotations

from typing import Any

import pytest

from localrun.engine import run_scenario
from localrun.report import Report
from localrun.services import ConversionTaskDouble

IMAGE = "s3://my-vm-images/web-server.vmdk"
DISK = {"DiskContainers": [{"Format": "VMDK", "Url": IMAGE}]}
FAILURE = "ClientError: Disk validation failed [Unsupported VMDK File Format]"
LICENSE_FAILURE = "The instance must be stopped before its license type can be converted"
INSTANCE = "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0"
OK, BAD, SLOW, ROLLED = ("import-ami-0000000000000000a", "import-ami-0000000000000000b",
                         "import-ami-0000000000000000c", "import-ami-0000000000000000d")
FIRST, SECOND = "import-ami-0000000000000000e", "import-ami-0000000000000000f"
SNAP, LCT_OK, LCT_BAD = "import-snap-0000000000000000a", "lct-0a1b2c3d4e5f60718293a4b5c6d7e8f9", "lct-ffeeddcc"


def _image_task(task_id: str, start: float, *later: dict[str, Any]) -> dict[str, Any]:
    return {"taskType": "ec2-import-image", "taskId": task_id,
            "timeline": [{"at": start, "state": "active", "statusMessage": "pending", "progress": "0"}, *later]}


TASKS = [
    _image_task(OK, 0, {"at": 1800, "state": "active", "statusMessage": "converting", "progress": "50"},
                {"at": 3600, "state": "completed", "imageId": "ami-0a1b2c3d4e5f60718",
                 "snapshotId": "snap-0a1b2c3d4e5f60718"}),
    _image_task(BAD, 0, {"at": 900, "state": "deleting", "statusMessage": FAILURE},
                {"at": 960, "state": "deleted", "statusMessage": FAILURE}),
    _image_task(SLOW, 0, {"at": 9000, "state": "completed", "imageId": "ami-0c0c0c0c0c0c0c0c0",
                          "snapshotId": "snap-0c0c0c0c0c0c0c0c0"}),
    _image_task(ROLLED, 0, {"at": 9000, "state": "completed", "imageId": "ami-0d0d0d0d0d0d0d0d0",
                            "snapshotId": "snap-0d0d0d0d0d0d0d0d0"}),
    _image_task(FIRST, 0, {"at": 600, "state": "completed", "imageId": "ami-0e0e0e0e0e0e0e0e0",
                           "snapshotId": "snap-0e1e1e1e1e1e1e1e1"}),
    _image_task(SECOND, 1000, {"at": 2000, "state": "completed", "imageId": "ami-0f0f0f0f0f0f0f0f0",
                               "snapshotId": "snap-0f1f1f1f1f1f1f1f1"}),
    {"taskType": "ec2-import-snapshot", "taskId": SNAP,
     "timeline": [{"at": 0, "state": "active"},
                  {"at": 1200, "state": "completed", "snapshotId": "snap-0e0e0e0e0e0e0e0e0"}]},
    {"taskType": "license-conversion", "taskId": LCT_OK,
     "timeline": [{"at": 0, "state": "IN_PROGRESS"}, {"at": 600, "state": "SUCCEEDED"}]},
    {"taskType": "license-conversion", "taskId": LCT_BAD,
     "timeline": [{"at": 0, "state": "IN_PROGRESS"}, {"at": 300, "state": "FAILED", "statusMessage": LICENSE_FAILURE}]},
]
LICENSE = {"ResourceArn": INSTANCE, "SourceUsageOperation": "RunInstances:0002",
           "DestinationUsageOperation": "RunInstances:0800"}


def _create(logical_id: str, resource: str, properties: dict[str, Any], task_id: str | None, *,
            timeout: int = 7200) -> dict[str, Any]:
    deployment = {"at": 0, "action": "create", "resource": resource, "logicalId": logical_id,
                  "properties": properties, "timeoutSeconds": timeout}
    return deployment if task_id is None else {**deployment, "taskId": task_id}


DEPLOYMENTS = [
    _create("Image", "ImportedImage", {**DISK, "Tags": [{"Key": "team", "Value": "web"}]}, OK),
    _create("Broken", "ImportedImage", DISK, BAD),
    _create("Slow", "ImportedImage", DISK, SLOW, timeout=3600),
    _create("Rolled", "ImportedImage", DISK, ROLLED),
    _create("BadUrl", "ImportedImage", {"DiskContainers": [{"Format": "VMDK", "Url": "s3:/my-vm-images"}]}, None),
    _create("Snapshot", "ImportedSnapshot", {"DiskContainer": {"Format": "VMDK", "Url": IMAGE}}, SNAP),
    _create("License", "LicenseTypeConversion", LICENSE, LCT_OK),
    _create("LicenseBroken", "LicenseTypeConversion", LICENSE, LCT_BAD),
    _create("Replaced", "ImportedImage", DISK, FIRST),
    {"at": 1000, "action": "update", "resource": "ImportedImage", "logicalId": "Replaced", "taskId": SECOND,
     "properties": {"DiskContainers": [{"Format": "VMDK", "Url": IMAGE + ".v2"}]}},
    {"at": 1200, "action": "rollback", "resource": "ImportedImage", "logicalId": "Rolled"},
    {"at": 5000, "action": "update", "resource": "ImportedImage", "logicalId": "Image",
     "properties": {**DISK, "Tags": [{"Key": "team", "Value": "platform"}]}},
    {"at": 6000, "action": "delete", "resource": "ImportedImage", "logicalId": "Image"},
]


@pytest.fixture(scope="module")
def played() -> tuple[Report, ConversionTaskDouble]:
    doubles: list[ConversionTaskDouble] = []

    def factory(**kwargs: Any) -> ConversionTaskDouble:
        doubles.append(ConversionTaskDouble(**kwargs))
        return doubles[0]

    report = run_scenario({"tasks": TASKS, "watches": [], "deployments": DEPLOYMENTS}, double_factory=factory)
    return report, doubles[0]


def _entry(report: Report, logical_id: str, action: str = "create") -> dict[str, Any]:
    [entry] = [e for e in report.deployments if e["logicalId"] == logical_id and e["action"] == action]
    return entry


def test_an_import_that_completes_gives_the_image_and_its_snapshots(played):
    report, _ = played
    entry = _entry(report, "Image")

    assert entry["status"] == "SUCCESS"
    assert entry["attributes"] == {"ImportTaskId": OK, "ImageId": "ami-0a1b2c3d4e5f60718",
                                   "SnapshotIds": "snap-0a1b2c3d4e5f60718"}
    # Ended by the watcher's terminal event: the poll after the task completed at 3600 s.
    assert 3600 <= entry["at"] < 3600 + 300


def test_an_import_that_fails_fails_the_deployment_with_its_client_error(played):
    entry = _entry(played[0], "Broken")

    assert entry["status"] == "FAILED"
    assert BAD in entry["reason"]
    assert FAILURE in entry["reason"]
    assert "outcomeReason error" in entry["reason"]


def test_an_import_still_running_at_its_deadline_fails_with_its_state_and_is_cancelled(played):
    report, double = played
    entry = _entry(report, "Slow")

    assert entry["status"] == "FAILED"
    # The deadline schedule fires 300 s before the wait condition's 3600 s: the stack event names the task.
    assert entry["at"] == 3300
    assert (f"'{SLOW} still IN_PROGRESS near the resource's 3600 s timeout (service state active, 0%): pending'"
            in entry["reason"])
    assert f"rollback: cancelled {SLOW}" in entry["reason"]
    assert double.writes.cancelled == {SLOW: 3300, ROLLED: 1200}
    assert "ami-0c0c0c0c0c0c0c0c0" not in double.writes.images()


def test_a_rollback_during_the_import_cancels_it_and_leaves_nothing(played):
    report, double = played

    assert _entry(report, "Rolled")["status"] == "FAILED"
    rollback = _entry(report, "Rolled", "rollback")
    assert (rollback["status"], rollback["at"]) == ("SUCCESS", 1200)
    assert rollback["reason"] == f"cancelled {ROLLED} (it was active, pending, 0%)"
    assert double.tasks[ROLLED].entry_at(report.simulatedSeconds).state == "deleted"
    assert "ami-0d0d0d0d0d0d0d0d0" not in double.writes.images()
    assert "snap-0d0d0d0d0d0d0d0d0" not in double.writes.snapshots()


def test_bad_input_fails_before_any_task_starts_with_one_line_naming_the_property(played):
    report, _ = played
    entry = _entry(report, "BadUrl")

    assert entry["status"] == "FAILED"
    assert entry["reason"].startswith("BadUrl: DiskContainers[0].Url: 's3:/my-vm-images' is not an S3 URL")
    assert "\n" not in entry["reason"]
    assert report.apiCalls["ec2:ImportImage"] == 6  # Image, Broken, Slow, Rolled, Replaced twice: none for BadUrl


def test_a_tags_only_update_retags_in_place(played):
    report, double = played
    entry = _entry(report, "Image", "update")

    assert entry["status"] == "SUCCESS"
    assert entry["attributes"]["ImageId"] == "ami-0a1b2c3d4e5f60718"  # the same image: no new import
    for resource in (OK, "ami-0a1b2c3d4e5f60718", "snap-0a1b2c3d4e5f60718"):
        assert double.writes.tags[resource] == {"team": "platform"}


def test_an_update_of_the_source_is_a_new_import_and_the_old_image_goes_after_it_succeeded(played):
    report, double = played
    entry = _entry(report, "Replaced", "update")

    assert entry["status"] == "SUCCESS"
    assert entry["attributes"] == {"ImportTaskId": SECOND, "ImageId": "ami-0f0f0f0f0f0f0f0f0",
                                   "SnapshotIds": "snap-0f1f1f1f1f1f1f1f1"}
    assert entry["reason"] == (f"{SECOND} completed (cleanup of {FIRST}: ReplacedResult: deregistered "
                               "ami-0e0e0e0e0e0e0e0e0; deleted snap-0e1e1e1e1e1e1e1e1; Replaced: ami-0e0e0e0e0e0e0e0e0 "
                               "was already gone; snap-0e1e1e1e1e1e1e1e1 was already gone)")
    assert "ami-0f0f0f0f0f0f0f0f0" in double.writes.images()
    assert "ami-0e0e0e0e0e0e0e0e0" not in double.writes.images()


def test_delete_deregisters_the_image_and_deletes_its_snapshots(played):
    report, double = played
    entry = _entry(report, "Image", "delete")

    assert entry["status"] == "SUCCESS"
    # The result resource removes them from the ids it holds (at any age of the task); the task's own
    # resource, deleted after it, finds them gone.
    assert entry["reason"] == ("ImageResult: deregistered ami-0a1b2c3d4e5f60718; deleted snap-0a1b2c3d4e5f60718; "
                               "Image: ami-0a1b2c3d4e5f60718 was already gone; snap-0a1b2c3d4e5f60718 was already gone")
    assert "ami-0a1b2c3d4e5f60718" in double.writes.deregistered
    assert "snap-0a1b2c3d4e5f60718" in double.writes.deleted_snapshots


def test_a_snapshot_import_gives_its_snapshot(played):
    entry = _entry(played[0], "Snapshot")

    assert entry["status"] == "SUCCESS"
    assert entry["attributes"] == {"ImportTaskId": SNAP, "SnapshotId": "snap-0e0e0e0e0e0e0e0e0"}


def test_a_license_conversion_that_succeeds_and_one_that_fails(played):
    report, _ = played
    succeeded, failed = _entry(report, "License"), _entry(report, "LicenseBroken")

    assert succeeded["status"] == "SUCCESS"
    assert succeeded["attributes"] == {"LicenseConversionTaskId": LCT_OK}
    assert failed["status"] == "FAILED"
    assert LCT_BAD in failed["reason"] and LICENSE_FAILURE in failed["reason"]


def test_the_report_has_one_entry_per_action_in_order(played):
    report, _ = played

    assert [(e["logicalId"], e["action"]) for e in report.deployments] == [
        (d["logicalId"], d["action"]) for d in sorted(DEPLOYMENTS, key=lambda d: d["at"])]
    assert report.to_json()["deployments"] == report.deployments
