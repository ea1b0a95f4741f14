"""The EC2 operations the double answers, by query-API ``Action``: one function per operation,
``(tasks, params, *, seconds, epoch, region) -> result`` (the output shape's members)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from localrun.services import ec2_service, vmie_export_service, vmie_import_service
from localrun.services.ec2_wire import list_param
from localrun.services.scenario import Task

Operation = Callable[..., dict[str, Any]]


def _describe_conversion_tasks(tasks: dict[str, Task], params: dict[str, list[str]], *, seconds: float,
                               epoch: datetime, region: str) -> dict[str, Any]:
    return ec2_service.describe_conversion_tasks(tasks, ids=list_param(params, "ConversionTaskId"), seconds=seconds,
                                                 epoch=epoch, region=region)


OPERATIONS: dict[str, Operation] = {
    ec2_service.OPERATION: _describe_conversion_tasks,
    "DescribeImportImageTasks": vmie_import_service.describe_import_image_tasks,
    "DescribeImportSnapshotTasks": vmie_import_service.describe_import_snapshot_tasks,
    "DescribeExportImageTasks": vmie_export_service.describe_export_image_tasks,
    "DescribeExportTasks": vmie_export_service.describe_export_tasks,
}
