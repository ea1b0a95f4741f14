"""Event details built by the real watch functions (``watch.start`` /
``watch.poll``) from service responses shaped like the real APIs, and the
EventBridge envelope around them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from conversion_watch import watch
from conversion_watch.errors import TaskNotFound
from conversion_watch.kinds import ec2_conversion as ec2_tasks
from conversion_watch.kinds import license_conversion as license_tasks
from conversion_watch.models import STATE_CHANGE, WATCH_ERROR, Watch
from conversion_watch.settings import Settings
from conversion_watch.snapshot import TaskSnapshot
from localrun.event_schemas import sample_envelope

START = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
SETTINGS = Settings()
EC2_TASK_ID = "import-i-ffvko9js"
LICENSE_TASK_ID = "lct-0123456789abcdef0123456789abcdef"


def ec2_task(state: str, *, converted: int = 20 * 1024**3, message: str | None = None) -> dict[str, Any]:
    task: dict[str, Any] = {
        "ConversionTaskId": EC2_TASK_ID,
        "ExpirationTime": "2026-11-29T09:00:00Z",
        "State": state,
        "ImportInstance": {
            "Description": "web01 from VMware",
            "InstanceId": "i-0123456789abcdef0",
            "Platform": "Windows",
            "Volumes": [
                {
                    "AvailabilityZone": "us-east-1a",
                    "BytesConverted": converted,
                    "Image": {"Format": "VMDK", "Size": 40 * 1024**3, "ImportManifestUrl": "https://example.invalid/m"},
                    "Status": state,
                    "Volume": {"Id": "vol-0123456789abcdef0", "Size": 40},
                }
            ],
        },
    }
    if message:
        task["StatusMessage"] = message
    return task


def license_task(status: str, *, message: str | None = None) -> dict[str, Any]:
    task: dict[str, Any] = {
        "LicenseConversionTaskId": LICENSE_TASK_ID,
        "ResourceArn": "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0",
        "SourceLicenseContext": {"UsageOperation": "RunInstances:0002"},
        "DestinationLicenseContext": {"UsageOperation": "RunInstances:0800"},
        "Status": status,
        "StartTime": START - timedelta(minutes=5),
    }
    if status != "IN_PROGRESS":
        task["EndTime"] = START + timedelta(hours=2, minutes=7)
    if message:
        task["StatusMessage"] = message
    return task


def new_watch(task_type: str, task_id: str, *, at: datetime = START) -> Watch:
    state = watch.start({"taskType": task_type, "taskId": task_id}, settings=SETTINGS, now=at)
    return Watch.model_validate(state["watch"])


def observe(current: Watch, snapshot: TaskSnapshot, *, at: datetime) -> tuple[Watch, dict[str, Any]]:
    result = watch.poll(current, settings=SETTINGS, describe=lambda _type, _id: snapshot, now=at)
    return Watch.model_validate(result["watch"]), result["status"]


def ec2_lifecycle() -> list[dict[str, Any]]:
    """active (first sight) -> active with a message -> completed 3 h 12 min later."""
    current = new_watch("ec2-conversion", EC2_TASK_ID)
    details = []
    steps = [
        (ec2_tasks.snapshot(ec2_task("active", converted=0)), START),
        (ec2_tasks.snapshot(ec2_task("active", message="Progress = 50%")), START + timedelta(hours=1)),
        (ec2_tasks.snapshot(ec2_task("completed", converted=40 * 1024**3)), START + timedelta(hours=3, minutes=12)),
    ]
    for snapshot, at in steps:
        current, status = observe(current, snapshot, at=at)
        details.append(status["detail"])
    return details


def license_lifecycle(final: str = "FAILED") -> list[dict[str, Any]]:
    current = new_watch("license-conversion", LICENSE_TASK_ID)
    details = []
    ended = license_task(final, message="disk busy")
    steps = [(license_task("IN_PROGRESS"), START), (ended, START + timedelta(hours=3))]
    for raw, at in steps:
        current, status = observe(current, license_tasks.snapshot(raw), at=at)
        details.append(status["detail"])
    return details


def error_details() -> list[dict[str, Any]]:
    """InvalidInput (start) and TaskNotFound (poll)."""
    invalid = watch.start({"taskType": "ec2-conversion", "taskId": LICENSE_TASK_ID}, settings=SETTINGS, now=START)

    def missing(_type: str, task_id: str) -> TaskSnapshot:
        raise TaskNotFound(f"no conversion task {task_id!r}")

    after_grace = START + timedelta(seconds=SETTINGS.not_found_grace_seconds)
    not_found = watch.poll(new_watch("ec2-conversion", EC2_TASK_ID), settings=SETTINGS, describe=missing,
                           now=after_grace)
    return [invalid["status"]["detail"], not_found["status"]["detail"]]


def as_events() -> list[dict[str, Any]]:
    """Every detail above, in the envelope EventBridge delivers."""
    changes = [*ec2_lifecycle(), *license_lifecycle("FAILED"), *license_lifecycle("SUCCEEDED")]
    errors = error_details()
    return [sample_envelope(STATE_CHANGE, d) for d in changes] + [sample_envelope(WATCH_ERROR, d) for d in errors]
