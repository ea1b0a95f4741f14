"""``ec2-import-image`` through a Stubber: every documented status, failure and cancellation."""

from __future__ import annotations

import pytest

from conversion_watch.errors import TaskNotFound, Throttled, UnknownServiceState
from conversion_watch.kinds import ec2_import_image, vmie
from tests.kinds.samples import AMI, FAILURE, IMAGE_TASK, SNAPSHOT, describe_answering, import_image, outcome

KIND = ec2_import_image.KIND
PARAMS = {"ImportTaskIds": [IMAGE_TASK]}


def _describe(ec2, raw):
    return describe_answering(ec2, KIND, IMAGE_TASK, raw)


@pytest.mark.parametrize(("status", "message", "progress"), [
    ("active", "pending", "2"), ("active", "validating", "12"), ("active", "converting", "40"),
    ("active", "booting", "62"), ("active", "preparing ami", "84"),
    # The user guide also lists the sub-steps as status values.
    ("updating", None, "20"), ("validating", None, "25"), ("validated", None, "30"), ("converting", None, "35"),
])
def test_running_statuses_are_in_progress_with_percent(ec2, status, message, progress):
    snapshot = _describe(ec2, import_image(status, message=message, progress=progress))

    assert (snapshot.state, snapshot.service_state, snapshot.terminal) == ("IN_PROGRESS", status, False)
    assert snapshot.status_message == message
    assert snapshot.progress is not None and snapshot.progress.percent == float(progress)
    assert snapshot.facts.conversionType == "ImportImage" and snapshot.facts.imageId is None


def test_completed_carries_the_image_and_snapshot_ids(ec2):
    snapshot = _describe(ec2, import_image("completed", image_id=AMI))

    assert (snapshot.state, snapshot.terminal, snapshot.progress) == ("COMPLETED", True, None)
    assert (snapshot.facts.imageId, snapshot.facts.snapshotIds) == (AMI, [SNAPSHOT])
    assert (snapshot.facts.architecture, snapshot.facts.licenseType, snapshot.facts.bootMode) == (
        "x86_64", "BYOL", "uefi")
    assert outcome(snapshot.state, snapshot.status_message) == ("COMPLETED", "completed")


def test_deleting_is_cancelling_but_not_proof_of_a_cancel_request():
    assert KIND.raw_states["deleting"] == "CANCELLING"
    assert KIND.cancel_request_states == frozenset()


def test_a_failure_ends_deleted_with_a_client_error_and_is_classified_failed(ec2):
    snapshot = _describe(ec2, import_image("deleted", message=FAILURE))

    assert (snapshot.state, snapshot.service_state, snapshot.terminal) == ("CANCELLED", "deleted", True)
    assert outcome(snapshot.state, snapshot.status_message) == ("FAILED", "error")


def test_deleted_after_a_cancel_import_task_call_is_a_user_cancel(ec2):
    snapshot = _describe(ec2, import_image("deleted", message="User cancelled"))

    assert outcome(snapshot.state, snapshot.status_message, cancel_requested=True) == ("CANCELLED", "user-cancelled")
    assert outcome(snapshot.state, None) == ("CANCELLED", "unknown")  # no evidence either way


def test_an_undocumented_status_is_a_named_error(ec2):
    with pytest.raises(UnknownServiceState, match="'failed'"):
        _describe(ec2, import_image("failed"))


def test_absent_task_and_service_errors_are_named(ec2):
    client, stubber = ec2
    stubber.add_response("describe_import_image_tasks", {"ImportImageTasks": []}, PARAMS)
    stubber.add_client_error("describe_import_image_tasks", "InvalidConversionTaskId", "no such task", 400,
                             expected_params=PARAMS)
    stubber.add_client_error("describe_import_image_tasks", "RequestLimitExceeded", "slow down", 503,
                             expected_params=PARAMS)
    for error in (TaskNotFound, TaskNotFound, Throttled):
        with pytest.raises(error):
            KIND.describe(client, IMAGE_TASK)


def test_list_tasks_follows_next_token_with_the_page_size(ec2):
    client, stubber = ec2
    first, second = import_image("active", task_id="import-ami-0000000000000000a"), import_image("completed")
    stubber.add_response("describe_import_image_tasks", {"ImportImageTasks": [first], "NextToken": "page-2"},
                         {"MaxResults": vmie.PAGE_SIZE})
    stubber.add_response("describe_import_image_tasks", {"ImportImageTasks": [second]},
                         {"MaxResults": vmie.PAGE_SIZE, "NextToken": "page-2"})

    assert [KIND.raw_task_id(t) for t in KIND.list_tasks(client)] == ["import-ami-0000000000000000a", IMAGE_TASK]
