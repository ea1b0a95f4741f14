"""The resources' attributes, read out of the wait condition's ``Data`` attribute.

CloudFormation's ``Fn::GetAtt <WaitCondition>.Data`` is a JSON object of the signals' ``UniqueId``
to ``Data`` (``{"import-ami-...":"import-ami-...;ami-...;snap-..."}``). With one signal, splitting
it on ``"`` puts that signal's Data at index 3; splitting the Data on ``;`` gives the fields in the
order below. The construct writes exactly these ``Fn::Select``/``Fn::Split`` expressions
(``conversion_watch_cdk.resources``); :func:`attributes_from_data` evaluates the same steps locally.
"""

from __future__ import annotations

from conversion_watch.contract import (
    RESOURCE_IMPORTED_IMAGE,
    RESOURCE_IMPORTED_SNAPSHOT,
    RESOURCE_LICENSE_CONVERSION,
    SIGNAL_FIELD_SEPARATOR,
)

DATA_QUOTE = '"'
DATA_INDEX = 3  # '{' | UniqueId | ':' | Data | '}'
# The attribute names (the construct's Python attributes are their snake_case), by field position.
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    RESOURCE_IMPORTED_IMAGE: ("importTaskId", "imageId", "snapshotIds"),
    RESOURCE_IMPORTED_SNAPSHOT: ("importTaskId", "snapshotId"),
    RESOURCE_LICENSE_CONVERSION: ("licenseConversionTaskId",),
}


def attributes_from_data(resource_type: str, data: str) -> dict[str, str]:
    fields = data.split(DATA_QUOTE)[DATA_INDEX].split(SIGNAL_FIELD_SEPARATOR)
    return {name: fields[index] for index, name in enumerate(ATTRIBUTES[resource_type])}
