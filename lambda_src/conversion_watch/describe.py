"""Describe one task: the registry picks the kind's API and client."""

from __future__ import annotations

from conversion_watch import aws_clients
from conversion_watch.kinds import kind
from conversion_watch.snapshot import TaskSnapshot


def describe_task(task_type: str, task_id: str) -> TaskSnapshot:
    task_kind = kind(task_type)
    snapshot: TaskSnapshot = task_kind.describe(aws_clients.client(task_kind.service), task_id)
    return snapshot
