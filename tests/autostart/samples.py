"""CloudTrail records as EventBridge delivers them ("AWS API Call via
CloudTrail"), following the documented CloudTrail record structure: the
record is the event's ``detail``; ``responseElements`` use each API's wire
names (EC2 query API: ``conversionTask.conversionTaskId``), JSON-protocol
services' in lower camel case (License Manager: ``licenseConversionTaskId``,
as its user guide's example record writes its parameters). Other shapes:
tests/autostart/test_record_shapes.py."""

from __future__ import annotations

import copy
import uuid
from typing import Any

ACCOUNT = "123456789012"
REGION = "us-east-1"
VOLUME_TASK = "import-vol-ffut5xv4"
INSTANCE_TASK = "import-i-ffvko9js"
LICENSE_TASK = "lct-0123456789abcdef0123456789abcdef"


def _record(*, event_source: str, event_name: str, request: dict[str, Any], response: Any) -> dict[str, Any]:
    return {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROAEXAMPLE:importer",
            "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/Importer/importer",
            "accountId": ACCOUNT,
            "accessKeyId": "ASIAEXAMPLE",
        },
        "eventTime": "2026-03-01T12:00:00Z",
        "eventSource": event_source,
        "eventName": event_name,
        "awsRegion": REGION,
        "sourceIPAddress": "198.51.100.7",
        "userAgent": "aws-cli/2.17.0",
        "requestParameters": request,
        "responseElements": response,
        "requestID": str(uuid.uuid4()),
        "eventID": str(uuid.uuid4()),
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }


def _envelope(source: str, record: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "AWS API Call via CloudTrail",
        "source": source,
        "account": ACCOUNT,
        "time": record["eventTime"],
        "region": REGION,
        "resources": [],
        "detail": record,
    }


def import_volume_event(task_id: str = VOLUME_TASK) -> dict[str, Any]:
    request = {
        "availabilityZone": "us-east-1a",
        "image": {"format": "VMDK", "bytes": 8589934592, "importManifestUrl": "HIDDEN_DUE_TO_SECURITY_REASONS"},
        "volume": {"size": 8},
    }
    response = {
        "requestId": str(uuid.uuid4()),
        "conversionTask": {
            "conversionTaskId": task_id,
            "expirationTime": "2026-03-08T12:00:00Z",
            "importVolume": {
                "bytesConverted": 0,
                "availabilityZone": "us-east-1a",
                "image": {"format": "VMDK", "size": 8589934592, "importManifestUrl": "HIDDEN_DUE_TO_SECURITY_REASONS"},
                "volume": {"size": 8},
            },
            "state": "active",
        },
    }
    return _envelope("aws.ec2", _record(event_source="ec2.amazonaws.com", event_name="ImportVolume",
                                        request=request, response=response))


def import_instance_event(task_id: str = INSTANCE_TASK) -> dict[str, Any]:
    request = {"platform": "Windows", "launchSpecification": {"instanceType": "m5.large", "architecture": "x86_64"},
               "diskImageSet": {"items": [{"image": {"format": "VMDK", "bytes": 8589934592}}]}}
    response = {
        "requestId": str(uuid.uuid4()),
        "conversionTask": {
            "conversionTaskId": task_id,
            "expirationTime": "2026-03-08T12:00:00Z",
            "importInstance": {"instanceId": "i-0123456789abcdef0", "platform": "Windows", "volumes": {"items": []}},
            "state": "active",
        },
    }
    return _envelope("aws.ec2", _record(event_source="ec2.amazonaws.com", event_name="ImportInstance",
                                        request=request, response=response))


def license_conversion_event(task_id: str = LICENSE_TASK) -> dict[str, Any]:
    request = {
        "resourceArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/i-0123456789abcdef0",
        "sourceLicenseContext": {"usageOperation": "RunInstances:0800"},
        "destinationLicenseContext": {"usageOperation": "RunInstances:0002"},
    }
    return _envelope(
        "aws.license-manager",
        _record(event_source="license-manager.amazonaws.com", event_name="CreateLicenseConversionTaskForResource",
                request=request, response={"licenseConversionTaskId": task_id}),
    )


def failed_call(event: dict[str, Any]) -> dict[str, Any]:
    """CloudTrail's record of a refused call: errorCode/errorMessage, no response."""
    failed = copy.deepcopy(event)
    failed["detail"].update(
        {
            "errorCode": "Client.UnauthorizedOperation",
            "errorMessage": "You are not authorized to perform this operation.",
            "responseElements": None,
        }
    )
    return failed


def cancel_conversion_event(task_id: str = VOLUME_TASK) -> dict[str, Any]:
    return _envelope("aws.ec2", _record(event_source="ec2.amazonaws.com", event_name="CancelConversionTask",
                                        request={"conversionTaskId": task_id}, response={"_return": True}))


# VM Import/Export calls. No real CloudTrail record of these was found: the responseElements
# follow the query API's XML element names (lowerCamel), as CloudTrail renders EC2 responses.
IMAGE_TASK = "import-ami-0123456789abcdef0"
SNAPSHOT_TASK = "import-snap-0123456789abcdef0"
EXPORT_IMAGE_TASK = "export-ami-0123456789abcdef0"
EXPORT_INSTANCE_TASK = "export-i-0123456789abcdef0"


def _ec2(event_name: str, request: dict[str, Any], response: Any) -> dict[str, Any]:
    return _envelope("aws.ec2", _record(event_source="ec2.amazonaws.com", event_name=event_name,
                                        request=request, response=response))


def import_image_event(task_id: str = IMAGE_TASK) -> dict[str, Any]:
    request = {"diskContainerSet": {"items": [{"format": "OVA", "userBucket": {"s3Bucket": "my-import-bucket",
                                                                              "s3Key": "vms/web.ova"}}]}}
    response = {"requestId": str(uuid.uuid4()), "importTaskId": task_id, "status": "active",
                "statusMessage": "pending", "progress": "1", "licenseType": "BYOL"}
    return _ec2("ImportImage", request, response)


def import_snapshot_event(task_id: str = SNAPSHOT_TASK) -> dict[str, Any]:
    request = {"diskContainer": {"format": "VMDK", "userBucket": {"s3Bucket": "my-import-bucket",
                                                                 "s3Key": "vms/disk1.vmdk"}}}
    response = {"requestId": str(uuid.uuid4()), "importTaskId": task_id,
                "snapshotTaskDetail": {"status": "active", "statusMessage": "pending", "progress": "3"}}
    return _ec2("ImportSnapshot", request, response)


def export_image_event(task_id: str = EXPORT_IMAGE_TASK) -> dict[str, Any]:
    request = {"imageId": "ami-0123456789abcdef0", "diskImageFormat": "VMDK",
               "s3ExportLocation": {"s3Bucket": "my-export-bucket", "s3Prefix": "exports/"}}
    response = {"requestId": str(uuid.uuid4()), "exportImageTaskId": task_id, "imageId": "ami-0123456789abcdef0",
                "status": "active", "progress": "0", "diskImageFormat": "VMDK",
                "s3ExportLocation": {"s3Bucket": "my-export-bucket", "s3Prefix": "exports/"}}
    return _ec2("ExportImage", request, response)


def create_instance_export_task_event(task_id: str = EXPORT_INSTANCE_TASK) -> dict[str, Any]:
    request = {"instanceId": "i-0123456789abcdef0", "targetEnvironment": "vmware",
               "exportToS3": {"diskImageFormat": "VMDK", "containerFormat": "ova", "s3Bucket": "my-export-bucket",
                              "s3Prefix": "vms/"}}
    response = {"requestId": str(uuid.uuid4()), "exportTask": {
        "exportTaskId": task_id, "state": "active",
        "instanceExport": {"instanceId": "i-0123456789abcdef0", "targetEnvironment": "vmware"},
        "exportToS3": {"diskImageFormat": "VMDK", "containerFormat": "ova", "s3Bucket": "my-export-bucket",
                       "s3Key": f"vms/{task_id}.ova"}}}
    return _ec2("CreateInstanceExportTask", request, response)


def cancel_import_task_event(task_id: str = IMAGE_TASK) -> dict[str, Any]:
    return _ec2("CancelImportTask", {"importTaskId": task_id, "cancelReason": "no longer needed"},
                {"requestId": str(uuid.uuid4()), "importTaskId": task_id, "previousState": "active",
                 "state": "deleting"})


def cancel_export_task_event(task_id: str = EXPORT_INSTANCE_TASK) -> dict[str, Any]:
    return _ec2("CancelExportTask", {"exportTaskId": task_id}, {"requestId": str(uuid.uuid4()), "_return": True})
