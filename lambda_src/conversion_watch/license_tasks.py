"""License Manager license type conversion tasks (``GetLicenseConversionTask``)."""

from __future__ import annotations

from typing import Any

from conversion_watch.errors import UnknownServiceState
from conversion_watch.models import TaskFacts
from conversion_watch.service_errors import translate
from conversion_watch.snapshot import TaskSnapshot

STATES = {"IN_PROGRESS": "IN_PROGRESS", "SUCCEEDED": "COMPLETED", "FAILED": "FAILED"}
OPERATION = "license-manager:GetLicenseConversionTask"


def describe(client: Any, task_id: str) -> TaskSnapshot:
    try:
        response = client.get_license_conversion_task(LicenseConversionTaskId=task_id)
    except Exception as error:
        raise translate(error, operation=OPERATION, task_id=task_id) from error
    return snapshot(response)


def snapshot(task: dict[str, Any]) -> TaskSnapshot:
    raw_state = task.get("Status", "")
    if raw_state not in STATES:
        raise UnknownServiceState(f"License Manager reported status {raw_state!r}, which this watcher does not know")
    facts = TaskFacts(
        conversionType="LicenseConversion",
        resourceArn=task.get("ResourceArn"),
        sourceUsageOperation=task.get("SourceLicenseContext", {}).get("UsageOperation"),
        destinationUsageOperation=task.get("DestinationLicenseContext", {}).get("UsageOperation"),
        startTime=task.get("StartTime"),
        endTime=task.get("EndTime"),
        licenseConversionTime=task.get("LicenseConversionTime"),
    )
    return TaskSnapshot(
        state=STATES[raw_state],
        service_state=raw_state,
        status_message=task.get("StatusMessage") or None,
        facts=facts,
    )
