"""The resources' attributes, from the wait condition's ``Data``.

``Fn::GetAtt <WaitCondition>.Data`` is the signals' ``UniqueId`` -> ``Data`` as JSON
(``{"import-ami-...":"import-ami-...;ami-...;snap-..."}``,
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-waitcondition.html).
The result resource (``Custom::ConversionTaskResult``) receives it as a property and returns the fields,
in the order below, as its own attributes: ``Fn::GetAtt`` on a custom resource is a string for sure,
where cfn-lint refuses ``Fn::Split`` on ``Data`` (not typed a string). The property may arrive as the
JSON text or as the object: both are read.
"""

from __future__ import annotations

import json
from typing import Any

from conversion_watch.contract import (
    RESOURCE_IMPORTED_IMAGE,
    RESOURCE_IMPORTED_SNAPSHOT,
    RESOURCE_LICENSE_CONVERSION,
    SIGNAL_FIELD_SEPARATOR,
)

# The attributes (Fn::GetAtt names), by field position of the success signal's Data.
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    RESOURCE_IMPORTED_IMAGE: ("ImportTaskId", "ImageId", "SnapshotIds"),
    RESOURCE_IMPORTED_SNAPSHOT: ("ImportTaskId", "SnapshotId"),
    RESOURCE_LICENSE_CONVERSION: ("LicenseConversionTaskId",),
}
BY_TASK_TYPE = {"ec2-import-image": RESOURCE_IMPORTED_IMAGE, "ec2-import-snapshot": RESOURCE_IMPORTED_SNAPSHOT,
                "license-conversion": RESOURCE_LICENSE_CONVERSION}


def attributes_from_data(resource_type: str, wait_data: Any) -> dict[str, str]:
    signals = json.loads(wait_data) if isinstance(wait_data, str) else wait_data
    if not isinstance(signals, dict) or len(signals) != 1:
        raise ValueError(f"the wait condition's Data holds {len(signals) if isinstance(signals, dict) else 'no'} "
                         "signals; exactly one success signal was expected")
    (data,) = signals.values()
    fields = str(data).split(SIGNAL_FIELD_SEPARATOR)
    names = ATTRIBUTES[resource_type]
    if len(fields) != len(names):
        raise ValueError(f"the success signal carries {len(fields)} fields, {resource_type} has {len(names)}")
    return dict(zip(names, fields, strict=True))
