"""Dispatch a describe call to the right service for the task type."""

from __future__ import annotations

from conversion_watch import aws_clients, ec2_tasks, license_tasks
from conversion_watch.snapshot import TaskSnapshot


def describe_task(task_type: str, task_id: str) -> TaskSnapshot:
    if task_type == "ec2-conversion":
        return ec2_tasks.describe(aws_clients.client("ec2"), task_id)
    return license_tasks.describe(aws_clients.client("license-manager"), task_id)
