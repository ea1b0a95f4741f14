"""``ec2-export-instance`` through a Stubber: the ``State`` enum, cancel proven by ``cancelling``."""

from __future__ import annotations

import pytest

from conversion_watch.errors import TaskNotFound, UnknownServiceState
from conversion_watch.kinds import ec2_export_instance
from tests.kinds.samples import EXPORT_INSTANCE_TASK, describe_answering, export_instance, outcome

KIND = ec2_export_instance.KIND
PARAMS = {"ExportTaskIds": [EXPORT_INSTANCE_TASK]}


def _describe(ec2, raw):
    return describe_answering(ec2, KIND, EXPORT_INSTANCE_TASK, raw)


@pytest.mark.parametrize(("state", "normalized", "terminal"), [
    ("active", "IN_PROGRESS", False), ("cancelling", "CANCELLING", False),
    ("cancelled", "CANCELLED", True), ("completed", "COMPLETED", True),
])
def test_every_state_is_normalized_with_the_s3_object(ec2, state, normalized, terminal):
    snapshot = _describe(ec2, export_instance(state, message=f"now {state}"))

    assert (snapshot.state, snapshot.service_state, snapshot.terminal) == (normalized, state, terminal)
    assert (snapshot.status_message, snapshot.progress) == (f"now {state}", None)
    facts = snapshot.facts
    assert (facts.conversionType, facts.instanceId, facts.targetEnvironment) == (
        "CreateInstanceExportTask", "i-0123456789abcdef0", "vmware")
    assert (facts.s3Bucket, facts.s3Key, facts.diskImageFormat, facts.containerFormat) == (
        "my-export-bucket", f"vms/{EXPORT_INSTANCE_TASK}.ova", "VMDK", "ova")


def test_cancelled_after_cancelling_is_a_user_cancel_and_without_it_an_error_is_a_failure(ec2):
    cancelled = _describe(ec2, export_instance("cancelled"))
    failed = _describe(ec2, export_instance("cancelled", message="ClientError: Invalid configuration"))

    passed_cancelling = "cancelling" in KIND.cancel_request_states
    assert outcome(cancelled.state, None, cancel_requested=passed_cancelling) == ("CANCELLED", "user-cancelled")
    assert outcome(failed.state, failed.status_message) == ("FAILED", "error")


def test_named_errors(ec2):
    with pytest.raises(UnknownServiceState):
        _describe(ec2, export_instance("deleted"))
    client, stubber = ec2
    stubber.add_client_error("describe_export_tasks", "InvalidExportTaskID.NotFound", "gone", 400,
                             expected_params=PARAMS)
    with pytest.raises(TaskNotFound):
        KIND.describe(client, EXPORT_INSTANCE_TASK)


def test_list_tasks_is_one_call_without_ids(ec2):
    client, stubber = ec2
    stubber.add_response("describe_export_tasks", {"ExportTasks": [export_instance("active")]}, {})

    assert [KIND.raw_state(t) for t in KIND.list_tasks(client)] == ["active"]
