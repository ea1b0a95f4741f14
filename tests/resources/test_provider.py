"""The provider's logic on real botocore clients (Stubber: requests and responses checked against the
service models): bad input refused before any call, the start, the delete, the update, and the
response CloudFormation reads from the ResponseURL."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from conversion_watch.resources import provider
from conversion_watch.resources.ec2_cleanup import CANCEL_REASON

TASK = "import-ami-0123456789abcdef0"
URL = "s3://my-vm-images/web-server.vmdk"
DISK = {"DiskContainers": [{"Format": "VMDK", "Url": URL}]}
INSTANCE = "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0"
LICENSE = {"ResourceArn": INSTANCE, "SourceUsageOperation": "RunInstances:0002",
           "DestinationUsageOperation": "RunInstances:0800"}


class Clients:
    def __init__(self) -> None:
        self.made = {name: boto3.client(name, region_name="us-east-1") for name in ("ec2", "license-manager")}
        self.stubbers = {name: Stubber(client) for name, client in self.made.items()}

    def __call__(self, service: str) -> Any:
        return self.made[service]


@pytest.fixture
def clients() -> Iterator[Clients]:
    made = Clients()
    for stubber in made.stubbers.values():
        stubber.activate()
    yield made
    for stubber in made.stubbers.values():
        stubber.assert_no_pending_responses()
        stubber.deactivate()


def _request(request_type: str, resource_type: str, properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"RequestType": request_type, "ResponseURL": "http://127.0.0.1:9/unused", "RequestId": "r-1",
            "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/S/1", "ResourceType": resource_type,
            "LogicalResourceId": "Image", "ResourceProperties": {"ServiceToken": "arn:x", **properties}, **extra}


def _serve(request: dict[str, Any], clients: Clients) -> provider.Outcome:
    return provider.serve(request, clients=clients, state_machine_arn="arn:aws:states:us-east-1:1:stateMachine:W")


@pytest.mark.parametrize(("resource_type", "properties", "message"), [
    ("Custom::ImportedImage", {"DiskContainers": [{"Format": "VMDK", "Url": "https://x/y"}]},
     "DiskContainers[0].Url: 'https://x/y' is not an S3 URL of the form s3://bucket/key"),
    ("Custom::ImportedImage", {"DiskContainers": [{"Format": "QCOW2", "Url": URL}]},
     "DiskContainers[0].Format: 'QCOW2' is not a disk image format (OVA, VHD, VHDX, VMDK, RAW)"),
    ("Custom::ImportedImage", {**DISK, "Encrypted": "true"}, "KmsKeyId: is required when Encrypted is true"),
    ("Custom::ImportedImage", {**DISK, "LicenceType": "AWS"},
     "LicenceType: is not a property of Custom::ImportedImage"),
    ("Custom::ImportedImage", {**DISK, "BootMode": "bios"}, "BootMode: 'bios' is not one of legacy-bios, uefi, "
                                                             "uefi-preferred"),
    ("Custom::ImportedImage", {}, "DiskContainers: must list 1 to 21 disk images"),
    ("Custom::ImportedSnapshot", {"DiskContainer": {"Format": "OVA", "Url": URL}},
     "DiskContainer.Format: 'OVA' is not a disk image format (VHD, VMDK, RAW)"),
    ("Custom::LicenseTypeConversion", {**LICENSE, "ResourceArn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"},
     "ResourceArn: 'arn:aws:ec2:us-east-1:123456789012:volume/vol-1' is not an EC2 instance ARN"),
    ("Custom::LicenseTypeConversion", {**LICENSE, "DestinationUsageOperation": "RunInstances:0002"},
     "DestinationUsageOperation: is the same as SourceUsageOperation"),
])
def test_bad_input_fails_before_any_call_with_one_line_naming_the_property(clients, resource_type, properties,
                                                                           message):
    outcome = _serve(_request("Create", resource_type, properties), clients)  # no stubbed response: no call

    assert outcome.status == "FAILED"
    assert outcome.reason.startswith(f"Image: {message}")
    assert "\n" not in outcome.reason
    assert outcome.physical_id == provider.NOT_STARTED


def test_create_starts_the_import_once_per_request(clients):
    request = _request("Create", "Custom::ImportedImage", {**DISK, "Description": "web", "LicenseType": "BYOL",
                                                           "Tags": [{"Key": "team", "Value": "web"}]})
    clients.stubbers["ec2"].add_response("import_image", {"ImportTaskId": TASK, "Status": "active"}, {
        "DiskContainers": [{"Format": "VMDK", "UserBucket": {"S3Bucket": "my-vm-images", "S3Key": "web-server.vmdk"}}],
        "Description": "web", "LicenseType": "BYOL", "ClientToken": provider.client_token(request),
        "TagSpecifications": [{"ResourceType": "import-image-task", "Tags": [{"Key": "team", "Value": "web"}]}]})

    outcome = _serve(request, clients)

    assert (outcome.status, outcome.physical_id) == ("SUCCESS", TASK)
    assert outcome.data == {"TaskId": TASK, "TaskType": "ec2-import-image"}


def _described(status: str, **task: Any) -> dict[str, Any]:
    disk = {"Format": "VMDK", "Status": status, **({"SnapshotId": task.pop("snapshot")} if "snapshot" in task else {})}
    return {"ImportImageTasks": [{"ImportTaskId": TASK, "Status": status, "SnapshotDetails": [disk], **task}]}


def test_delete_of_a_completed_import_deregisters_the_image_then_deletes_its_snapshot(clients):
    ec2 = clients.stubbers["ec2"]
    ec2.add_response("describe_import_image_tasks", _described("completed", ImageId="ami-0123456789abcdef0",
                                                               snapshot="snap-0123456789abcdef0"),
                     {"ImportTaskIds": [TASK]})
    ec2.add_response("deregister_image", {"Return": True}, {"ImageId": "ami-0123456789abcdef0"})
    ec2.add_response("delete_snapshot", {}, {"SnapshotId": "snap-0123456789abcdef0"})

    outcome = _serve(_request("Delete", "Custom::ImportedImage", DISK, PhysicalResourceId=TASK), clients)

    assert outcome.status == "SUCCESS"
    assert outcome.reason == "deregistered ami-0123456789abcdef0; deleted snap-0123456789abcdef0"


def test_delete_keeps_the_image_when_the_removal_policy_retains_it(clients):
    clients.stubbers["ec2"].add_response("describe_import_image_tasks", _described(
        "completed", ImageId="ami-0123456789abcdef0", snapshot="snap-0123456789abcdef0"), {"ImportTaskIds": [TASK]})

    outcome = _serve(_request("Delete", "Custom::ImportedImage", {**DISK, "RetainOnDelete": "true"},
                              PhysicalResourceId=TASK), clients)

    assert outcome.reason == "kept ami-0123456789abcdef0 (snap-0123456789abcdef0): RetainOnDelete"


def test_delete_of_a_running_import_cancels_it_even_when_retained(clients):
    ec2 = clients.stubbers["ec2"]
    ec2.add_response("describe_import_image_tasks", _described("active"), {"ImportTaskIds": [TASK]})
    ec2.add_response("cancel_import_task", {"ImportTaskId": TASK, "State": "deleting"},
                     {"ImportTaskId": TASK, "CancelReason": CANCEL_REASON})

    outcome = _serve(_request("Delete", "Custom::ImportedImage", {**DISK, "RetainOnDelete": "true"},
                              PhysicalResourceId=TASK), clients)

    assert outcome.reason == f"cancelled {TASK} (it was active)"


def test_delete_after_a_refused_create_does_nothing(clients):
    outcome = _serve(_request("Delete", "Custom::ImportedImage", DISK, PhysicalResourceId=provider.NOT_STARTED),
                     clients)

    assert (outcome.status, outcome.reason) == ("SUCCESS", "no task was started")


def test_an_update_of_the_source_starts_a_new_import(clients):
    request = _request("Update", "Custom::ImportedImage", {"DiskContainers": [{"Format": "VMDK", "Url": URL + "2"}]},
                       PhysicalResourceId=TASK, OldResourceProperties={"ServiceToken": "arn:x", **DISK})
    clients.stubbers["ec2"].add_response("import_image", {"ImportTaskId": "import-ami-0aaaaaaaaaaaaaaaa"}, None)

    outcome = _serve(request, clients)

    assert outcome.physical_id == "import-ami-0aaaaaaaaaaaaaaaa"  # a new physical id: CloudFormation replaces


def test_a_failed_start_fails_the_create_with_ec2s_message(clients):
    clients.stubbers["ec2"].add_client_error("import_image", "InvalidParameter",
                                             "The service role vmimport does not exist")

    outcome = _serve(_request("Create", "Custom::ImportedImage", DISK), clients)

    assert outcome.status == "FAILED"
    assert "InvalidParameter" in outcome.reason and "vmimport does not exist" in outcome.reason


def test_the_result_resource_reads_the_attributes_from_the_wait_condition_data(clients):
    data = {TASK: f"{TASK};ami-0123456789abcdef0;snap-0a,snap-0b"}
    for wait_data in (json.dumps(data), data):  # the JSON text or the object: both are read
        request = _request("Create", "Custom::ConversionTaskResult",
                           {"TaskType": "ec2-import-image", "TaskId": TASK, "WaitData": wait_data})
        outcome = _serve(request, clients)

        assert outcome.data == {"ImportTaskId": TASK, "ImageId": "ami-0123456789abcdef0",
                                "SnapshotIds": "snap-0a,snap-0b"}


class _Capture(http.server.BaseHTTPRequestHandler):
    received: list[tuple[str | None, bytes]] = []

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Capture.received.append((self.headers.get("Content-Type"), body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


def test_handle_puts_the_documented_response_to_the_response_url(clients):
    _Capture.received = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Capture)
    threading.Thread(target=server.handle_request, daemon=True).start()
    request = _request("Delete", "Custom::ImportedImage", DISK, PhysicalResourceId=provider.NOT_STARTED,
                       ResponseURL=f"http://127.0.0.1:{server.server_address[1]}/response")
    try:
        sent = provider.handle(request, clients=clients, state_machine_arn="arn:x")
    finally:
        server.server_close()

    [(content_type, body)] = _Capture.received[-1:]
    assert content_type == ""  # the presigned URL is signed without one
    assert json.loads(body) == sent == {
        "Status": "SUCCESS", "Reason": "no task was started", "PhysicalResourceId": provider.NOT_STARTED,
        "StackId": request["StackId"], "RequestId": "r-1", "LogicalResourceId": "Image", "NoEcho": False, "Data": {}}


def test_the_follow_step_starts_the_watch_and_signals_a_task_that_already_ended(clients):
    """Its terminal event may have been published before the signaller's rule existed: the follow step
    looks, and signals the wait condition itself."""
    sfn = boto3.client("stepfunctions", region_name="us-east-1")
    clients.made["stepfunctions"] = sfn
    clients.stubbers["stepfunctions"] = Stubber(sfn)
    clients.stubbers["stepfunctions"].activate()
    machine = "arn:aws:states:us-east-1:123456789012:stateMachine:Watcher"
    clients.stubbers["stepfunctions"].add_response(
        "start_execution", {"executionArn": f"{machine.replace('stateMachine', 'execution')}:watch-{TASK}",
                            "startDate": datetime(2026, 1, 5, tzinfo=UTC)},
        {"stateMachineArn": machine, "name": f"watch-{TASK}",
         "input": json.dumps({"taskType": "ec2-import-image", "taskId": TASK}, separators=(",", ":"))})
    completed = _described("completed", ImageId="ami-0123456789abcdef0", snapshot="snap-0123456789abcdef0")
    for _ in range(2):  # the follow step's look, then the attributes' read
        clients.stubbers["ec2"].add_response("describe_import_image_tasks", completed, {"ImportTaskIds": [TASK]})
    _Capture.received = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Capture)
    threading.Thread(target=server.handle_request, daemon=True).start()
    handle = f"http://127.0.0.1:{server.server_address[1]}/handle"
    try:
        outcome = provider.serve(_request("Create", "Custom::ConversionTaskFollow", {
            "TaskType": "ec2-import-image", "TaskId": TASK, "WaitHandle": handle}), clients=clients,
            state_machine_arn=machine)
    finally:
        server.server_close()

    assert (outcome.status, outcome.reason) == ("SUCCESS", f"watch-{TASK} STARTED")
    [(_, body)] = _Capture.received
    assert json.loads(body) == {"Status": "SUCCESS", "Reason": f"{TASK} completed", "UniqueId": TASK,
                                "Data": f"{TASK};ami-0123456789abcdef0;snap-0123456789abcdef0"}


def test_the_result_resource_removes_the_image_from_the_ids_it_holds(clients):
    ec2 = clients.stubbers["ec2"]
    ec2.add_response("deregister_image", {"Return": True}, {"ImageId": "ami-0123456789abcdef0"})
    ec2.add_response("delete_snapshot", {}, {"SnapshotId": "snap-0a"})
    ec2.add_client_error("delete_snapshot", "InvalidSnapshot.NotFound", "gone",
                         expected_params={"SnapshotId": "snap-0b"})
    data = json.dumps({TASK: f"{TASK};ami-0123456789abcdef0;snap-0a,snap-0b"})

    outcome = _serve(_request("Delete", "Custom::ConversionTaskResult", {
        "TaskType": "ec2-import-image", "TaskId": TASK, "WaitData": data, "RetainOnDelete": "false"},
        PhysicalResourceId=f"result-{TASK}"), clients)  # no describe: it works however old the task is

    assert (outcome.status, outcome.physical_id) == ("SUCCESS", f"result-{TASK}")
    assert outcome.reason == "deregistered ami-0123456789abcdef0; deleted snap-0a; snap-0b was already gone"


def test_the_result_resource_keeps_a_retained_image(clients):
    data = json.dumps({TASK: f"{TASK};ami-0123456789abcdef0;snap-0a"})

    outcome = _serve(_request("Delete", "Custom::ConversionTaskResult", {
        "TaskType": "ec2-import-image", "TaskId": TASK, "WaitData": data, "RetainOnDelete": "true"},
        PhysicalResourceId=f"result-{TASK}"), clients)

    assert outcome.reason == f"kept {TASK}, ami-0123456789abcdef0, snap-0a: RetainOnDelete"


LCT = "lct-0a1b2c3d4e5f60718293a4b5c6d7e8f9"


def test_a_license_conversion_delete_converts_back_only_when_asked(clients):
    kept = _serve(_request("Delete", "Custom::LicenseTypeConversion", LICENSE, PhysicalResourceId=LCT), clients)
    assert kept.reason == f"{LCT}: the license type stays converted (ConvertBackOnDelete is not true)"

    clients.stubbers["license-manager"].add_response(
        "create_license_conversion_task_for_resource", {"LicenseConversionTaskId": "lct-0b"},
        {"ResourceArn": INSTANCE, "SourceLicenseContext": {"UsageOperation": "RunInstances:0800"},
         "DestinationLicenseContext": {"UsageOperation": "RunInstances:0002"}})
    back = _serve(_request("Delete", "Custom::LicenseTypeConversion", {**LICENSE, "ConvertBackOnDelete": "true"},
                           PhysicalResourceId=LCT), clients)
    assert back.reason == "started lct-0b converting back"
