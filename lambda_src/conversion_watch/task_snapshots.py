"""The shared snapshot of every task of a kind (issue 14: the informer pattern).

A poll reads its task's state from a snapshot that one paginated describe-all
per kind and refresh interval wrote to the watch table, so the account's
describe rate does not grow with the number of watches:

* ``SNAPSHOT#<taskType>`` / ``PART#n``: the raw tasks whose id hashes to part
  ``n`` (zlib-compressed JSON, ``PARTS`` parts so each stays far below
  DynamoDB's 400 KB item limit) and ``refreshedAt`` (epoch milliseconds).
* ``SNAPSHOT#<taskType>`` / ``LEASE``: ``leaseUntil``; the poll that takes it
  (a conditional update) refreshes the snapshot, the others keep reading.

A poll reads its one part (one eventually consistent GetItem). A part that does
not decode, that is dated in the future (more than ``CLOCK_SKEW_SECONDS``
ahead), or that is older than the maximum age is ignored (``on_ignored`` counts
it: a metric) and the poll describes its task itself. A part younger than half
the maximum age is used as it is. An older one makes the poll try
the lease: the winner lists every task and writes the parts; a loser uses the
part while it is younger than the maximum age. A task the snapshot does not
hold (created after the last refresh, or finished and dropped by the list's
"running" filter), a part older than the maximum age, and any snapshot error
fall back to the task's own describe call: the snapshot saves calls, it never
decides an outcome on its own (``describe`` confirms a terminal state read from
it with a describe of that one task).
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from conversion_watch import clock
from conversion_watch.contract import SNAPSHOT_LEASE_SECONDS, SNAPSHOT_PACE_SECONDS, SNAPSHOT_PARTS
from conversion_watch.errors import TransientError, WatchError
from conversion_watch.kinds import TaskKind
from conversion_watch.paced_client import PacedClient
from conversion_watch.watch_table import lost_the_condition, snapshot_key

LEASE = "LEASE"
PART = "PART#"
# Compressed bytes per part above which the refresher refuses to write (DynamoDB's item limit is 400 KB).
MAX_PART_BYTES = 350_000
Clock = Callable[[], float]  # epoch seconds
BATCH = 25  # BatchWriteItem's limit
BATCH_ATTEMPTS = 3
READ_NAMES = {"#tasks": "tasks", "#refreshed": "refreshedAt"}  # a poll reads only what it uses
CLOCK_SKEW_SECONDS = 5.0  # a part dated further ahead than this was not written by a refresher
# Why a part was ignored (the SnapshotPartsIgnored metric's reason).
UNDECODABLE, FUTURE, TOO_OLD = "undecodable", "future", "too-old"


class BadPart(ValueError):
    """A snapshot part that does not decode (zlib, JSON or its shape)."""


class SnapshotTooLarge(RuntimeError):
    """A part would not fit in one DynamoDB item: too many tasks of one kind for PARTS parts."""


@dataclass(frozen=True)
class Part:
    refreshed_at: float  # epoch seconds
    tasks: dict[str, dict[str, Any]]  # task id -> raw task as the list API returned it


def part_of(task_id: str, parts: int = SNAPSHOT_PARTS) -> int:
    """The part a task id hashes to (stable across processes, unlike ``hash``)."""
    return zlib.crc32(task_id.encode()) % parts


class SnapshotStore:
    """Reads and refreshes one table's snapshots; ``max_age`` seconds is the staleness bound."""

    def __init__(
        self, *, dynamodb: Any, table: str, max_age: float, now: Clock = time.time,
        sleep: Callable[[float], None] = clock.sleep, on_ignored: Callable[[str], None] | None = None,
    ) -> None:
        self.dynamodb, self.table, self.max_age, self.now, self.sleep = dynamodb, table, max_age, now, sleep
        self.on_ignored = on_ignored or (lambda reason: None)
        # A lease never outlives the soft age, or a held lease would let parts age past the bound.
        self.lease_seconds = min(SNAPSHOT_LEASE_SECONDS, max_age / 2)
        # Throttled pages are waited out for at most 3/4 of the lease: the rest is for writing the parts.
        self.pace_seconds = min(SNAPSHOT_PACE_SECONDS, self.lease_seconds * 0.75)

    # -- the poll's read ---------------------------------------------------------------------
    def lookup(self, kind: TaskKind, task_id: str, list_client: Any) -> dict[str, Any] | None:
        """The task's raw record from a fresh-enough snapshot, or ``None`` (then describe it)."""
        index = part_of(task_id)
        try:
            part = self.read_part(kind.task_type, index)
            age = self.now() - part.refreshed_at if part else None
            if age is not None and age < -CLOCK_SKEW_SECONDS:
                self.on_ignored(FUTURE)  # no refresher wrote it: never trusted, never refreshed over
                return None
            if age is None or age > self.max_age / 2:
                refreshed = self.refresh_if_leased(kind, list_client)
                if refreshed is not None:
                    part = refreshed.get(index)
                elif age is None or age > self.max_age:
                    if age is not None:
                        self.on_ignored(TOO_OLD)
                    return None
        except BadPart:
            self.on_ignored(UNDECODABLE)
            return None
        except (ClientError, BotoCoreError, WatchError, TransientError, SnapshotTooLarge):
            # The snapshot only saves calls: any trouble with it falls back to the task's own describe.
            return None
        task = part.tasks.get(task_id) if part else None
        return task if isinstance(task, dict) else None

    def read_part(self, task_type: str, index: int) -> Part | None:
        item = self.dynamodb.get_item(
            TableName=self.table, Key=snapshot_key(task_type, f"{PART}{index}"),
            ProjectionExpression="#tasks, #refreshed", ExpressionAttributeNames=READ_NAMES,
        ).get("Item")
        if not item:
            return None
        try:
            tasks = json.loads(zlib.decompress(item["tasks"]["B"]))
            refreshed_at = int(item["refreshedAt"]["N"]) / 1000
        except (zlib.error, ValueError, KeyError, TypeError) as error:  # UnicodeDecodeError is a ValueError
            raise BadPart(f"{task_type} snapshot part {index}: {error}") from error
        if not isinstance(tasks, dict):
            raise BadPart(f"{task_type} snapshot part {index}: not an object of tasks")
        return Part(refreshed_at=refreshed_at, tasks=tasks)

    # -- the refresh -------------------------------------------------------------------------
    def refresh_if_leased(self, kind: TaskKind, list_client: Any) -> dict[int, Part] | None:
        """Take the kind's lease and refresh; ``None`` when another poll holds the lease."""
        if not self._take_lease(kind.task_type):
            return None
        parts = self.build_parts(kind, list_client)
        self.write_parts(kind.task_type, parts)
        return parts

    def build_parts(self, kind: TaskKind, list_client: Any) -> dict[int, Part]:
        refreshed_at = self.now()
        parts = {index: Part(refreshed_at=refreshed_at, tasks={}) for index in range(SNAPSHOT_PARTS)}
        listed = 0
        paced = PacedClient(list_client, deadline=refreshed_at + self.pace_seconds, now=self.now, sleep=self.sleep)
        try:
            for raw in kind.list_tasks(paced):
                task_id = kind.raw_task_id(raw)
                if task_id:
                    parts[part_of(task_id)].tasks[task_id] = raw
                    listed += 1
        except TransientError:
            # Still throttled when the pacing budget ran out: keep what was read. A task on a later
            # page is simply missing, and a missing task is described on its own, so a fleet larger
            # than one refresh can read degrades to per-task reads for the rest, not for everyone.
            if not listed:
                raise
        return parts

    def write_parts(self, task_type: str, parts: dict[int, Part]) -> None:
        encoded = {index: _compress(part.tasks) for index, part in parts.items()}
        too_big = [index for index, blob in encoded.items() if len(blob) > MAX_PART_BYTES]
        if too_big:
            raise SnapshotTooLarge(f"{task_type} snapshot part(s) {too_big} exceed {MAX_PART_BYTES} bytes")
        requests = []
        for index, blob in encoded.items():
            item = snapshot_key(task_type, f"{PART}{index}")
            item["tasks"] = {"B": blob}
            item["refreshedAt"] = {"N": str(int(parts[index].refreshed_at * 1000))}
            item["count"] = {"N": str(len(parts[index].tasks))}
            requests.append({"PutRequest": {"Item": item}})
        # One request for all parts (at most 25 a batch). A part left unwritten after the retries
        # stays as old as it was: polls that read it describe their task on their own.
        for start in range(0, len(requests), BATCH):
            pending: dict[str, Any] = {self.table: requests[start : start + BATCH]}
            for _ in range(BATCH_ATTEMPTS):
                pending = self.dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
                if not pending:
                    break

    def _take_lease(self, task_type: str) -> bool:
        now = self.now()
        try:
            self.dynamodb.update_item(
                TableName=self.table,
                Key=snapshot_key(task_type, LEASE),
                UpdateExpression="SET leaseUntil = :until",
                ConditionExpression="attribute_not_exists(leaseUntil) OR leaseUntil < :now",
                ExpressionAttributeValues={":until": {"N": str(now + self.lease_seconds)},
                                           ":now": {"N": str(now)}},
            )
        except ClientError as error:
            if lost_the_condition(error):
                return False
            raise
        return True


def _compress(tasks: dict[str, dict[str, Any]]) -> bytes:
    return zlib.compress(json.dumps(tasks, default=_plain, separators=(",", ":")).encode(), 6)


def _plain(value: Any) -> Any:
    """botocore parses timestamps into datetimes; the kinds read ISO strings back the same way."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in a snapshot")
