"""The service double's VM Import/Export describes through a real boto3 client inside moto:
every response is validated against botocore's output shapes, pages follow MaxResults/NextToken,
the documented task-state filter works, unknown ids answer as the API reference says."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from localrun.services import ScenarioError
from tests.services.conftest import _ec2_client, clock, install, moto

__all__ = ["_ec2_client", "clock", "install", "moto"]


def _task(task_type: str, task_id: str, *timeline: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"taskType": task_type, "taskId": task_id, "timeline": list(timeline), **fields}


def _images(n: int) -> list[dict[str, Any]]:
    return [_task("ec2-import-image", f"import-ami-{i:017x}", {"at": i, "state": "active", "progress": "5"},
                  {"at": 100 + i, "state": "completed", "imageId": f"ami-{i:017x}"}) for i in range(n)]


@pytest.fixture
def ec2(moto: None, _ec2_client: Any) -> Any:
    return _ec2_client


def test_import_image_pages_follow_max_results_and_next_token(install, ec2, clock):
    double = install(_images(5))
    clock.seconds = 50

    pages = list(ec2.get_paginator("describe_import_image_tasks").paginate(PaginationConfig={"PageSize": 2}))

    assert [len(p["ImportImageTasks"]) for p in pages] == [2, 2, 1]
    assert [t["ImportTaskId"] for p in pages for t in p["ImportImageTasks"]] == [f"import-ami-{i:017x}"
                                                                                for i in range(5)]
    assert double.calls["ec2:DescribeImportImageTasks"] == 3 and double.shape_errors == []


def test_resulting_ids_appear_on_completion_and_the_task_state_filter_applies(install, ec2, clock):
    install(_images(3))
    clock.seconds = 101.5  # two have completed

    done = ec2.describe_import_image_tasks(Filters=[{"Name": "task-state", "Values": ["completed"]}])

    assert [(t["Status"], t["ImageId"]) for t in done["ImportImageTasks"]] == [
        ("completed", f"ami-{i:017x}") for i in range(2)]
    assert "Progress" not in done["ImportImageTasks"][0]


def test_every_new_operation_answers_with_its_raw_fields(install, ec2, clock):
    install([
        _task("ec2-import-snapshot", "import-snap-0123456789abcdef0",
              {"at": 0, "state": "active", "statusMessage": "pending", "progress": "3"},
              {"at": 10, "state": "completed", "snapshotId": "snap-0123456789abcdef0"}, s3Bucket="in"),
        _task("ec2-export-image", "export-ami-0123456789abcdef0",
              {"at": 0, "state": "active", "statusMessage": "converting", "progress": "60"}, s3Prefix="out/"),
        _task("ec2-export-instance", "export-i-0123456789abcdef0", {"at": 0, "state": "cancelling"},
              s3Bucket="out", targetEnvironment="microsoft"),
    ])
    clock.seconds = 20

    [snapshot] = ec2.describe_import_snapshot_tasks(ImportTaskIds=["import-snap-0123456789abcdef0"])[
        "ImportSnapshotTasks"]
    [image] = ec2.describe_export_image_tasks(ExportImageTaskIds=["export-ami-0123456789abcdef0"])["ExportImageTasks"]
    [instance] = ec2.describe_export_tasks(ExportTaskIds=["export-i-0123456789abcdef0"])["ExportTasks"]

    detail = snapshot["SnapshotTaskDetail"]
    assert (detail["Status"], detail["SnapshotId"], detail["UserBucket"]["S3Bucket"]) == (
        "completed", "snap-0123456789abcdef0", "in")
    assert (image["Status"], image["Progress"], image["S3ExportLocation"]["S3Prefix"]) == ("active", "60", "out/")
    assert (instance["State"], instance["ExportToS3Task"]["S3Key"],
            instance["InstanceExportDetails"]["TargetEnvironment"]) == (
        "cancelling", "vms/export-i-0123456789abcdef0.ova", "microsoft")


def test_unknown_ids_answer_as_documented_or_reported(install, ec2, clock):
    install([])

    with pytest.raises(ClientError) as unknown_import:  # reported (docs/task-kinds.md), not documented
        ec2.describe_import_image_tasks(ImportTaskIds=["import-ami-0123456789abcdef0"])
    assert unknown_import.value.response["Error"]["Code"] == "InvalidConversionTaskId.Malformed"
    with pytest.raises(ClientError) as missing:
        ec2.describe_export_tasks(ExportTaskIds=["export-i-0123456789abcdef0"])
    with pytest.raises(ClientError) as malformed:
        ec2.describe_export_image_tasks(ExportImageTaskIds=["export-ami-XYZ"])
    assert missing.value.response["Error"]["Code"] == "InvalidExportTaskID.NotFound"
    assert malformed.value.response["Error"]["Code"] == "InvalidExportTaskID.Malformed"


def test_bad_paging_input_is_refused(install, ec2, clock):
    install(_images(1))

    with pytest.raises(ClientError, match="InvalidNextToken"):
        ec2.describe_import_snapshot_tasks(NextToken="not-a-token")
    with pytest.raises(ClientError, match="maxResults"):
        ec2.describe_export_image_tasks(MaxResults=501)  # the model's maximum is 500


@pytest.mark.parametrize(("task", "message"), [
    (_task("ec2-import-image", "import-ami-0123456789abcdef0", {"at": 0, "state": "cancelled"}), "not a state"),
    (_task("ec2-export-instance", "export-i-0123456789abcdef0", {"at": 0, "state": "deleted"}), "not a state"),
    (_task("ec2-import-snapshot", "import-snap-0123456789abcdef0", {"at": 0, "state": "active", "progress": 35}),
     "percent string"),
    (_task("ec2-export-image", "export-ami-01", {"at": 0, "state": "active"}), "looks like"),
    (_task("ec2-import-image", "import-ami-0123456789abcdef0", {"at": 0, "state": "completed"},
           {"at": 5, "state": "active"}), "terminal"),
    (_task("ec2-import-image", "import-ami-0123456789abcdef0", {"at": 0, "state": "active", "bytesConverted": 1}),
     "unknown field"),
])
def test_scenario_tasks_of_the_new_kinds_are_checked(install, task, message):
    with pytest.raises(ScenarioError, match=message):
        install([task])
