"""``Custom::LicenseTypeConversion``: a license type conversion of an EC2 instance (License Manager
``CreateLicenseConversionTaskForResource``).

Properties: ``ResourceArn`` (an EC2 instance ARN), ``SourceUsageOperation``,
``DestinationUsageOperation`` (billing codes such as ``RunInstances:0002``), ``ConvertBackOnDelete``.
Attribute (the success signal's Data): the conversion task id. A delete converts back (a new
conversion, destination to source) only when ``ConvertBackOnDelete`` is true; it does not wait for it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from conversion_watch.contract import RESOURCE_LICENSE_CONVERSION
from conversion_watch.resources.base import PropertyError, ResourceKind, flag, text

TASK_TYPE = "license-conversion"
KNOWN = {"ResourceArn", "SourceUsageOperation", "DestinationUsageOperation", "ConvertBackOnDelete",
         "ServiceToken", "ServiceTimeout"}
_INSTANCE_ARN = re.compile(r"^arn:aws[a-z-]*:ec2:[a-z0-9-]+:\d{12}:instance/i-[0-9a-f]{8,17}$")
# Billing codes: "RunInstances" or "RunInstances:<4 digits>" (License Manager's license-conversion guide).
_USAGE_OPERATION = re.compile(r"^RunInstances(:\d{4})?$")


def check(properties: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(properties) - KNOWN)
    if unknown:
        raise PropertyError(unknown[0], f"is not a property of {RESOURCE_LICENSE_CONVERSION}")
    arn = text(properties, "ResourceArn", required=True, max_length=2048)
    if not _INSTANCE_ARN.fullmatch(str(arn)):
        raise PropertyError("ResourceArn", f"{arn!r} is not an EC2 instance ARN (arn:aws:ec2:<region>:<account>:"
                            "instance/i-...)")
    operations = {}
    for name in ("SourceUsageOperation", "DestinationUsageOperation"):
        value = text(properties, name, required=True)
        if not _USAGE_OPERATION.fullmatch(str(value)):
            raise PropertyError(name, f"{value!r} is not a usage operation (RunInstances or RunInstances:NNNN)")
        operations[name] = value
    if operations["SourceUsageOperation"] == operations["DestinationUsageOperation"]:
        raise PropertyError("DestinationUsageOperation", "is the same as SourceUsageOperation")
    flag(properties, "ConvertBackOnDelete")
    return {"ResourceArn": arn,
            "SourceLicenseContext": {"UsageOperation": operations["SourceUsageOperation"]},
            "DestinationLicenseContext": {"UsageOperation": operations["DestinationUsageOperation"]}}


def start(clients: Any, request: dict[str, Any], client_token: str) -> str:
    # The API takes no client token; a repeated Create request (same RequestId) is answered by the
    # provider from the physical id CloudFormation already holds, never by a second conversion.
    response = clients("license-manager").create_license_conversion_task_for_resource(**request)
    return str(response["LicenseConversionTaskId"])


def attributes(snapshot: Any) -> list[str]:
    return []  # the task id (the Data's first field) is the attribute


def remove(clients: Any, task_id: str, properties: Mapping[str, Any]) -> list[str]:
    if not flag(properties, "ConvertBackOnDelete"):
        return [f"{task_id}: the license type stays converted (ConvertBackOnDelete is not true)"]
    request = check(properties)
    back = clients("license-manager").create_license_conversion_task_for_resource(
        ResourceArn=request["ResourceArn"], SourceLicenseContext=request["DestinationLicenseContext"],
        DestinationLicenseContext=request["SourceLicenseContext"])
    return [f"started {back['LicenseConversionTaskId']} converting back"]


KIND = ResourceKind(resource_type=RESOURCE_LICENSE_CONVERSION, task_type=TASK_TYPE, check=check, start=start,
                    attributes=attributes, remove=remove)
