"""The service double as strict as AWS (issue 20, items 4 and 5), through real boto3 clients inside
moto, and the watcher's answer to each strictness through the real describe path.

* finished image and snapshot imports vanish from the describes 7 days after they ended
  ("tasks that are active or were completed or canceled in the previous 7 days");
* a snapshot import in progress reports ``SnapshotId: ""`` (aws/aws-cli#9118) and the watcher
  publishes no empty id;
* unknown ids get the codes AWS documents or has been seen to send, and every code that can mean
  "no such task" is ``TaskNotFound`` to the watcher;
* page sizes stay within the documented bounds (or, undocumented, the bound docs/task-kinds.md infers);
* CloudTrail's event history answers ``LookupEvents`` with a delay.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError

from conversion_watch import cancel_evidence
from conversion_watch.describe import describe_task
from conversion_watch.errors import TaskNotFound
from conversion_watch.kinds import TASK_KINDS, kind, license_conversion, vmie
from conversion_watch.kinds.base import MISSING_TASK_CODES
from conversion_watch.settings import Settings
from localrun.services import vmie_service
from tests.services.conftest import EPOCH, NO_RETRIES, _ec2_client, _license_client, clock, install, moto

__all__ = ["_ec2_client", "_license_client", "clock", "install", "moto"]

DAY = 24 * 3600
IMAGE = "import-ami-0123456789abcdef0"
SNAPSHOT = "import-snap-0123456789abcdef0"
PER_TASK = Settings(snapshot_max_age_seconds=0)


def _task(task_type: str, task_id: str, *timeline: dict[str, Any]) -> dict[str, Any]:
    return {"taskType": task_type, "taskId": task_id, "timeline": list(timeline)}


def _imports() -> list[dict[str, Any]]:
    return [
        _task("ec2-import-image", IMAGE, {"at": 0, "state": "active"}, {"at": 100, "state": "completed",
                                                                        "imageId": "ami-0123456789abcdef0"}),
        _task("ec2-import-snapshot", SNAPSHOT, {"at": 0, "state": "active", "progress": "3"},
              {"at": 100, "state": "deleted", "statusMessage": "ClientError: Unknown OS / Missing OS files"}),
        _task("ec2-export-image", "export-ami-0123456789abcdef0", {"at": 0, "state": "active"},
              {"at": 100, "state": "completed"}),
    ]


def test_finished_imports_vanish_after_seven_days_and_the_watcher_calls_them_not_found(install, _ec2_client, clock):
    install(_imports())
    clock.seconds = 100 + 7 * DAY - 1
    assert len(_ec2_client.describe_import_image_tasks()["ImportImageTasks"]) == 1
    assert describe_task("ec2-import-snapshot", SNAPSHOT, PER_TASK).service_state == "deleted"

    clock.seconds = 100 + 7 * DAY
    assert _ec2_client.describe_import_image_tasks()["ImportImageTasks"] == []
    assert _ec2_client.describe_import_snapshot_tasks()["ImportSnapshotTasks"] == []
    for task_type, task_id in (("ec2-import-image", IMAGE), ("ec2-import-snapshot", SNAPSHOT)):
        with pytest.raises(TaskNotFound):
            describe_task(task_type, task_id, PER_TASK)
    # Nothing is documented for the export describes: they keep their tasks.
    assert len(_ec2_client.describe_export_image_tasks()["ExportImageTasks"]) == 1


def test_a_running_snapshot_import_reports_an_empty_snapshot_id_and_no_event_carries_it(install, _ec2_client, clock):
    install(_imports())
    clock.seconds = 50

    [running] = _ec2_client.describe_import_snapshot_tasks(ImportTaskIds=[SNAPSHOT])["ImportSnapshotTasks"]
    assert running["SnapshotTaskDetail"]["SnapshotId"] == ""
    assert describe_task("ec2-import-snapshot", SNAPSHOT, PER_TASK).facts.snapshotId is None


@pytest.mark.parametrize("task_type", [t for t, k in TASK_KINDS.items() if k.service == "ec2"])
def test_an_unknown_id_of_every_ec2_kind_is_task_not_found(install, task_type):
    install([])
    unknown = kind(task_type).id_example.split(" ")[0]
    with pytest.raises(TaskNotFound):
        describe_task(task_type, unknown, PER_TASK)


def test_every_code_the_double_answers_for_a_missing_task_is_one_the_watcher_reads_as_not_found(install,
                                                                                               _ec2_client):
    install([])
    answers = set()
    for call in (lambda: _ec2_client.describe_import_image_tasks(ImportTaskIds=[IMAGE]),
                 lambda: _ec2_client.describe_import_snapshot_tasks(ImportTaskIds=[SNAPSHOT]),
                 lambda: _ec2_client.describe_export_image_tasks(ExportImageTaskIds=["export-ami-0123456789abcdef0"]),
                 lambda: _ec2_client.describe_export_tasks(ExportTaskIds=["export-i-0123456789abcdef0"]),
                 lambda: _ec2_client.describe_conversion_tasks(ConversionTaskIds=["import-i-0123abcd"])):
        with pytest.raises(ClientError) as error:
            call()
        answers.add(error.value.response["Error"]["Code"])
    assert answers <= MISSING_TASK_CODES, answers - MISSING_TASK_CODES


def _max_results_bounds(service: str, operation: str) -> tuple[int | None, int | None]:
    shape = botocore.session.get_session().get_service_model(service).operation_model(operation).input_shape
    metadata = shape.members["MaxResults"].metadata
    return metadata.get("min"), metadata.get("max")


def test_page_sizes_are_within_the_documented_bounds_or_the_inferred_one() -> None:
    for name, api in vmie_service.APIS.items():
        if not api.paged:
            continue
        low, high = _max_results_bounds("ec2", name)
        documented = (low, high) != (None, None)
        bounds = (low, high) if documented else vmie_service.UNDOCUMENTED_PAGE_BOUNDS
        assert api.page_bounds == bounds, name
        assert bounds[0] <= vmie.PAGE_SIZE <= bounds[1], name
    # License Manager documents no bound for ListLicenseConversionTasks; every bound its model
    # documents for a MaxResults is 1..100.
    model = botocore.session.get_session().get_service_model("license-manager")
    documented = {(s.members["MaxResults"].metadata.get("min"), s.members["MaxResults"].metadata.get("max"))
                  for op in model.operation_names
                  if (s := model.operation_model(op).input_shape) is not None and "MaxResults" in s.members}
    assert documented - {(None, None)} == {(1, 100)}
    assert license_conversion.PAGE_SIZE <= 100
    assert _max_results_bounds("cloudtrail", "LookupEvents") == (1, cancel_evidence.PAGE_SIZE)


def test_a_page_beyond_the_inferred_bound_is_refused(install, _ec2_client, _license_client):
    install([])
    with pytest.raises(ClientError, match="maxResults"):
        _ec2_client.describe_import_image_tasks(MaxResults=101)
    with pytest.raises(ClientError, match="MaxResults"):
        _license_client.list_license_conversion_tasks(MaxResults=101)


def test_event_history_answers_lookup_events_after_its_delay(install, clock):
    import boto3

    double = install([])
    record = {"eventSource": "ec2.amazonaws.com", "eventName": "CancelImportTask", "awsRegion": "us-east-1",
              "requestParameters": {"ImportTaskId": IMAGE}, "responseElements": None}
    double.history.record(record, at=10, delay=300)
    cloudtrail = boto3.client("cloudtrail", region_name="us-east-1", config=NO_RETRIES)
    lookup = {"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "CancelImportTask"}]}

    clock.seconds = 309
    assert cloudtrail.lookup_events(**lookup)["Events"] == []
    clock.seconds = 310
    [event] = cloudtrail.lookup_events(**lookup)["Events"]
    assert json.loads(event["CloudTrailEvent"])["requestParameters"] == {"ImportTaskId": IMAGE}
    assert event["EventTime"] == EPOCH + timedelta(seconds=10)
    assert cancel_evidence.in_event_history(cloudtrail, IMAGE, since=EPOCH, now=clock())
    assert not cancel_evidence.in_event_history(cloudtrail, SNAPSHOT, since=EPOCH, now=clock())
    with pytest.raises(ClientError, match="InvalidMaxResultsException"):
        cloudtrail.lookup_events(MaxResults=51)
    assert double.shape_errors == []
