"""Describe one task: the registry picks the kind's API and client.

Snapshot first (issue 14): the poll reads its task from the kind's shared
snapshot in the watch table (``task_snapshots``) and calls the kind's own
describe only for a task the snapshot does not hold, so the account's describe
rate stays flat however many watches run. ``SNAPSHOT_MAX_AGE_SECONDS=0`` turns
the snapshot off (one describe per poll).

The snapshot is a hint: a terminal state read from it is published only once a
describe of that one task confirms it (the task's end costs one more call; a
forged or corrupted part cannot end a watch), and a part that does not decode,
is dated in the future or is too old is ignored and counted
(``SnapshotPartsIgnored``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from conversion_watch import aws_clients, clock, watch_table
from conversion_watch.kinds import kind
from conversion_watch.settings import Settings
from conversion_watch.snapshot import TaskSnapshot
from conversion_watch.task_snapshots import SnapshotStore


def describe_task(task_type: str, task_id: str, settings: Settings | None = None, *,
                  on_ignored: Callable[[str], None] | None = None) -> TaskSnapshot:
    """``settings``: the poll step's own (read once per invocation); default: from the environment.
    ``on_ignored(reason)``: a snapshot part (or its task record) was ignored (the poll step counts it)."""
    on_ignored = on_ignored or _log_ignored
    task_kind = kind(task_type)
    client = aws_clients.client(task_kind.service)
    max_age = (settings or Settings.from_env()).snapshot_max_age_seconds
    if max_age > 0:
        store = SnapshotStore(
            dynamodb=aws_clients.client("dynamodb"), table=watch_table.table_name(), max_age=max_age,
            now=lambda: clock.utc_now().timestamp(), on_ignored=on_ignored,
        )
        raw = store.lookup(task_kind, task_id, client)
        if raw is not None:
            try:
                snapshot: TaskSnapshot = task_kind.snapshot(raw)
            except (KeyError, TypeError, ValueError):
                on_ignored("unreadable-task")
            else:
                if not snapshot.terminal:
                    return snapshot
    described: TaskSnapshot = task_kind.describe(client, task_id)
    return described


def _log_ignored(reason: str) -> None:
    logging.getLogger(__name__).warning("snapshot part ignored: %s", reason)
