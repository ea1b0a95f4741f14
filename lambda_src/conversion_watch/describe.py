"""Describe one task: the registry picks the kind's API and client.

Snapshot first (issue 14): the poll reads its task from the kind's shared
snapshot in the watch table (``task_snapshots``) and calls the kind's own
describe only for a task the snapshot does not hold, so the account's describe
rate stays flat however many watches run. ``SNAPSHOT_MAX_AGE_SECONDS=0`` turns
the snapshot off (one describe per poll).
"""

from __future__ import annotations

from conversion_watch import aws_clients, clock, watch_table
from conversion_watch.kinds import kind
from conversion_watch.settings import Settings
from conversion_watch.snapshot import TaskSnapshot
from conversion_watch.task_snapshots import SnapshotStore


def describe_task(task_type: str, task_id: str, settings: Settings | None = None) -> TaskSnapshot:
    """``settings``: the poll step's own (read once per invocation); default: from the environment."""
    task_kind = kind(task_type)
    client = aws_clients.client(task_kind.service)
    max_age = (settings or Settings.from_env()).snapshot_max_age_seconds
    if max_age > 0:
        store = SnapshotStore(
            dynamodb=aws_clients.client("dynamodb"), table=watch_table.table_name(), max_age=max_age,
            now=lambda: clock.utc_now().timestamp(),
        )
        raw = store.lookup(task_kind, task_id, client)
        if raw is not None:
            snapshot: TaskSnapshot = task_kind.snapshot(raw)
            return snapshot
    described: TaskSnapshot = task_kind.describe(client, task_id)
    return described
