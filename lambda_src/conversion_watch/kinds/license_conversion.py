"""``license-conversion``: License Manager license type conversion tasks, read
with ``GetLicenseConversionTask`` (one) and ``ListLicenseConversionTasks`` (all)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from conversion_watch.facts import TaskFacts
from conversion_watch.kinds.base import ApiCall, TaskKind, describe_error, observed
from conversion_watch.service_errors import translate
from conversion_watch.snapshot import TaskSnapshot

STATES = {"IN_PROGRESS": "IN_PROGRESS", "SUCCEEDED": "COMPLETED", "FAILED": "FAILED"}
OPERATION = "license-manager:GetLicenseConversionTask"
LIST_OPERATION = "license-manager:ListLicenseConversionTasks"
# License Manager's own model: pattern ^lct-[a-zA-Z0-9]*, at most 50 characters.
TASK_ID = re.compile(r"^lct-[a-zA-Z0-9]{8,46}$")
PAGE_SIZE = 100


def describe(client: Any, task_id: str) -> TaskSnapshot:
    try:
        response = client.get_license_conversion_task(LicenseConversionTaskId=task_id)
    except Exception as error:
        raise describe_error(error, operation=OPERATION, task_id=task_id, id_pattern=TASK_ID) from error
    return snapshot(response)


def snapshot(task: dict[str, Any]) -> TaskSnapshot:
    facts = TaskFacts(
        conversionType="LicenseConversion",
        resourceArn=task.get("ResourceArn"),
        sourceUsageOperation=task.get("SourceLicenseContext", {}).get("UsageOperation"),
        destinationUsageOperation=task.get("DestinationLicenseContext", {}).get("UsageOperation"),
        startTime=task.get("StartTime"),
        endTime=task.get("EndTime"),
        licenseConversionTime=task.get("LicenseConversionTime"),
    )
    return observed(task.get("Status", ""), STATES, what="License Manager reported status",
                    status_message=task.get("StatusMessage"), facts=facts)


def list_tasks(client: Any) -> Iterator[dict[str, Any]]:
    """Every running task. Finished tasks stay listed, so the documented ``Status`` filter keeps
    the pages few (callers check the status again, in case it is ignored). No botocore
    paginator exists for this operation: ``NextToken`` is followed by hand."""
    running = sorted(raw for raw, state in STATES.items() if state == "IN_PROGRESS")
    kwargs: dict[str, Any] = {"Filters": [{"Name": "Status", "Values": running}], "MaxResults": PAGE_SIZE}
    while True:
        try:
            page = client.list_license_conversion_tasks(**kwargs)
        except Exception as error:
            raise translate(error, operation=LIST_OPERATION, task_id="*") from error
        yield from page.get("LicenseConversionTasks", [])
        token = page.get("NextToken")
        if not token:
            return
        kwargs["NextToken"] = token


KIND = TaskKind(
    task_type="license-conversion",
    label="License conversion",
    id_pattern=TASK_ID,
    id_example="lct-0123456789abcdef0123456789abcdef",
    describe_action=OPERATION,
    list_action=LIST_OPERATION,
    raw_states=STATES,
    start_calls=(
        ApiCall(event_source="license-manager.amazonaws.com", event_name="CreateLicenseConversionTaskForResource",
                # CloudTrail writes JSON-protocol parameters in lower camel case (License Manager's
                # user guide shows "licenseConversionTaskId"); the id is also found wherever it sits.
                id_path=("licenseConversionTaskId",)),
    ),
    describe=describe,
    list_tasks=list_tasks,
    id_field=("LicenseConversionTaskId",),
    state_field=("Status",),
    snapshot=snapshot,
)
