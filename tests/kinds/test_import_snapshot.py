"""``ec2-import-snapshot`` through a Stubber: the state is ``SnapshotTaskDetail.Status``."""

from __future__ import annotations

import pytest

from conversion_watch.errors import TaskNotFound, UnknownServiceState
from conversion_watch.kinds import ec2_import_snapshot, vmie
from tests.kinds.samples import FAILURE, SNAPSHOT, SNAPSHOT_TASK, describe_answering, import_snapshot, outcome

KIND = ec2_import_snapshot.KIND
PARAMS = {"ImportTaskIds": [SNAPSHOT_TASK]}


def _describe(ec2, raw):
    return describe_answering(ec2, KIND, SNAPSHOT_TASK, raw)


@pytest.mark.parametrize(("status", "message", "progress", "normalized", "terminal"), [
    ("pending", None, "0", "IN_PROGRESS", False),
    ("active", "pending", "3", "IN_PROGRESS", False),
    ("active", "downloading/converting", "22", "IN_PROGRESS", False),
    ("deleting", "deleting", "22", "CANCELLING", False),
    ("deleted", None, None, "CANCELLED", True),
    ("error", "ClientError: Footers not identical", None, "FAILED", True),
])
def test_every_status_is_normalized(ec2, status, message, progress, normalized, terminal):
    snapshot = _describe(ec2, import_snapshot(status, message=message, progress=progress))

    assert (snapshot.state, snapshot.service_state, snapshot.terminal) == (normalized, status, terminal)
    assert snapshot.status_message == message
    assert (snapshot.progress.percent if snapshot.progress else None) == (float(progress) if progress else None)
    assert (snapshot.facts.conversionType, snapshot.facts.s3Bucket, snapshot.facts.s3Key) == (
        "ImportSnapshot", "my-import-bucket", "vms/disk1.vmdk")


def test_completed_carries_the_snapshot_id(ec2):
    snapshot = _describe(ec2, import_snapshot("completed", snapshot_id=SNAPSHOT))

    assert (snapshot.state, snapshot.facts.snapshotId, snapshot.facts.diskImageFormat) == (
        "COMPLETED", SNAPSHOT, "VMDK")
    assert outcome(snapshot.state, snapshot.status_message) == ("COMPLETED", "completed")


def test_error_status_is_a_failure(ec2):
    snapshot = _describe(ec2, import_snapshot("error", message="ClientError: Footers not identical"))

    assert outcome(snapshot.state, snapshot.status_message) == ("FAILED", "error")


def test_deleted_is_a_failure_with_an_error_message_and_a_cancel_after_a_cancel_call(ec2):
    failed = _describe(ec2, import_snapshot("deleted", message=FAILURE))
    cancelled = _describe(ec2, import_snapshot("deleted"))

    assert outcome(failed.state, failed.status_message) == ("FAILED", "error")
    assert outcome(cancelled.state, cancelled.status_message, cancel_requested=True) == (
        "CANCELLED", "user-cancelled")
    assert KIND.cancel_request_states == frozenset()


def test_unknown_status_and_absent_task_are_named_errors(ec2):
    with pytest.raises(UnknownServiceState):
        _describe(ec2, import_snapshot("exploded"))
    client, stubber = ec2
    stubber.add_response("describe_import_snapshot_tasks", {"ImportSnapshotTasks": []}, PARAMS)
    with pytest.raises(TaskNotFound):
        KIND.describe(client, SNAPSHOT_TASK)


def test_list_tasks_is_paginated(ec2):
    client, stubber = ec2
    stubber.add_response("describe_import_snapshot_tasks",
                         {"ImportSnapshotTasks": [import_snapshot("active")], "NextToken": "t"},
                         {"MaxResults": vmie.PAGE_SIZE})
    stubber.add_response("describe_import_snapshot_tasks", {"ImportSnapshotTasks": []},
                         {"MaxResults": vmie.PAGE_SIZE, "NextToken": "t"})

    assert [KIND.raw_state(t) for t in KIND.list_tasks(client)] == ["active"]
