"""The EC2 operations the double answers, by query-API ``Action``: one function per operation,
``(tasks, params, *, seconds, epoch, region) -> result`` (the output shape's members)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from localrun.services import ec2_service, vmie_export_service, vmie_import_service, vmie_service
from localrun.services.ec2_wire import list_param
from localrun.services.scenario import Task

Operation = Callable[..., dict[str, Any]]


def _describe_conversion_tasks(tasks: dict[str, Task], params: dict[str, list[str]], *, seconds: float,
                               epoch: datetime, region: str) -> dict[str, Any]:
    return ec2_service.describe_conversion_tasks(tasks, ids=list_param(params, "ConversionTaskId"), seconds=seconds,
                                                 epoch=epoch, region=region)


# How each VM Import/Export kind's task is drawn: the one thing per kind the double states itself.
RENDERERS = {
    "ec2-import-image": vmie_import_service.render_image,
    "ec2-import-snapshot": vmie_import_service.render_snapshot,
    "ec2-export-image": vmie_export_service.render_image,
    "ec2-export-instance": vmie_export_service.render_instance,
}

# Describe API name -> operation, from the registry of kinds (vmie_service.APIS).
OPERATIONS: dict[str, Operation] = {
    ec2_service.OPERATION: _describe_conversion_tasks,
    **{name: vmie_service.operation(name, RENDERERS[api.task_type]) for name, api in vmie_service.APIS.items()},
}
