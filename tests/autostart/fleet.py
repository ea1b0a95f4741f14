"""A fleet of conversion tasks as the two list APIs return them (shapes
checked by the Stubber against the real service models)."""

from __future__ import annotations

from typing import Any

from conversion_watch.kinds import vmie

LICENSE_PAGE_SIZE = 100  # what the sweeper asks for
RUNNING_FILTER = [{"Name": "Status", "Values": ["IN_PROGRESS"]}]


def ec2_task_id(n: int, kind: str = "vol") -> str:
    return f"import-{kind}-{n:08x}"


def license_task_id(n: int) -> str:
    return f"lct-{n:032x}"


def ec2_task(task_id: str, state: str) -> dict[str, Any]:
    task: dict[str, Any] = {"ConversionTaskId": task_id, "State": state, "ExpirationTime": "2026-03-08T12:00:00Z"}
    if task_id.startswith("import-i-"):
        task["ImportInstance"] = {"InstanceId": "i-0123456789abcdef0", "Platform": "Windows", "Volumes": []}
    else:
        task["ImportVolume"] = {"AvailabilityZone": "us-east-1a", "BytesConverted": 0, "Volume": {"Size": 8}}
    return task


def license_task(task_id: str, status: str) -> dict[str, Any]:
    return {
        "LicenseConversionTaskId": task_id,
        "ResourceArn": "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0",
        "SourceLicenseContext": {"UsageOperation": "RunInstances:0800"},
        "DestinationLicenseContext": {"UsageOperation": "RunInstances:0002"},
        "Status": status,
    }


def license_pages(tasks: list[dict[str, Any]], page_size: int) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(response, expected request) per ListLicenseConversionTasks page."""
    pages = []
    chunks = [tasks[i : i + page_size] for i in range(0, len(tasks), page_size)] or [[]]
    for index, chunk in enumerate(chunks):
        response: dict[str, Any] = {"LicenseConversionTasks": chunk}
        if index < len(chunks) - 1:
            response["NextToken"] = f"page-{index + 1}"
        request: dict[str, Any] = {"Filters": RUNNING_FILTER, "MaxResults": LICENSE_PAGE_SIZE}
        if index:
            request["NextToken"] = f"page-{index}"
        pages.append((response, request))
    return pages


# The VM Import/Export kinds' list calls (registry order, after DescribeConversionTasks), with no tasks.
EMPTY_VMIE_LISTINGS = [
    ("describe_import_image_tasks", {"ImportImageTasks": []}, {"MaxResults": vmie.PAGE_SIZE}),
    ("describe_import_snapshot_tasks", {"ImportSnapshotTasks": []}, {"MaxResults": vmie.PAGE_SIZE}),
    ("describe_export_image_tasks", {"ExportImageTasks": []}, {"MaxResults": vmie.PAGE_SIZE}),
    ("describe_export_tasks", {"ExportTasks": []}, {}),
]
