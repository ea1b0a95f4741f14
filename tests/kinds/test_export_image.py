"""``ec2-export-image`` through a Stubber: active / deleting / deleted / completed."""

from __future__ import annotations

import pytest

from conversion_watch.errors import TaskNotFound, UnknownServiceState
from conversion_watch.kinds import ec2_export_image, vmie
from tests.kinds.samples import AMI, EXPORT_IMAGE_TASK, describe_answering, export_image, outcome

KIND = ec2_export_image.KIND
PARAMS = {"ExportImageTaskIds": [EXPORT_IMAGE_TASK]}


def _describe(ec2, raw):
    return describe_answering(ec2, KIND, EXPORT_IMAGE_TASK, raw)


@pytest.mark.parametrize(("status", "message", "progress", "normalized", "terminal"), [
    ("active", "updating", "21", "IN_PROGRESS", False),
    ("active", "converting", "60", "IN_PROGRESS", False),
    ("deleting", None, "60", "CANCELLING", False),
    ("deleted", None, None, "CANCELLED", True),
    ("completed", None, None, "COMPLETED", True),
])
def test_every_status_is_normalized_with_the_s3_location(ec2, status, message, progress, normalized, terminal):
    snapshot = _describe(ec2, export_image(status, message=message, progress=progress))

    assert (snapshot.state, snapshot.service_state, snapshot.terminal) == (normalized, status, terminal)
    assert (snapshot.progress.percent if snapshot.progress else None) == (float(progress) if progress else None)
    facts = snapshot.facts
    assert (facts.conversionType, facts.imageId, facts.s3Bucket, facts.s3Prefix) == (
        "ExportImage", AMI, "my-export-bucket", "exports/")


def test_deleted_is_a_cancel_after_cancel_export_task_and_a_failure_with_an_error(ec2):
    cancelled = _describe(ec2, export_image("deleted"))
    failed = _describe(ec2, export_image("deleted", message="ClientError: Unknown OS / Missing OS files"))

    assert outcome(cancelled.state, cancelled.status_message, cancel_requested=True) == (
        "CANCELLED", "user-cancelled")
    assert outcome(failed.state, failed.status_message) == ("FAILED", "error")
    assert outcome("COMPLETED", None) == ("COMPLETED", "completed")


def test_named_errors(ec2):
    with pytest.raises(UnknownServiceState):
        _describe(ec2, export_image("cancelled"))  # export-instance's word, not this API's
    client, stubber = ec2
    stubber.add_client_error("describe_export_image_tasks", "InvalidExportTaskID.NotFound", "gone", 400,
                             expected_params=PARAMS)
    stubber.add_client_error("describe_export_image_tasks", "InvalidExportTaskID.Malformed", "bad", 400,
                             expected_params=PARAMS)
    with pytest.raises(TaskNotFound):
        KIND.describe(client, EXPORT_IMAGE_TASK)
    # The id is well formed (the watcher describes no other): "malformed" can only mean no such task.
    with pytest.raises(TaskNotFound):
        KIND.describe(client, EXPORT_IMAGE_TASK)


def test_list_tasks_pages_at_the_watchers_page_size(ec2):
    client, stubber = ec2
    stubber.add_response("describe_export_image_tasks", {"ExportImageTasks": [export_image("active")]},
                         {"MaxResults": vmie.PAGE_SIZE})

    assert [KIND.raw_task_id(t) for t in KIND.list_tasks(client)] == [EXPORT_IMAGE_TASK]
