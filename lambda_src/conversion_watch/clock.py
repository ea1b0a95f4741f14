"""The one source of "now" for the watcher.

Everything that stamps or compares time calls :func:`utc_now`, so the local
engine (``localrun``) can run a three-hour conversion on a simulated clock by
calling :func:`set_source` once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from pydantic import PlainSerializer, WithJsonSchema


def _system_now() -> datetime:
    return datetime.now(UTC)


_source: Callable[[], datetime] = _system_now


def utc_now() -> datetime:
    """Now, to the millisecond: what :func:`isoformat` writes reads back equal."""
    moment = _source()
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def set_source(source: Callable[[], datetime] | None) -> None:
    """Replace the clock (``None`` restores the system clock)."""
    global _source
    _source = source or _system_now


_sleep: Callable[[float], None] = time.sleep


def sleep(seconds: float) -> None:
    """Wait inside an invocation (a paced snapshot refresh); simulated in the local engine."""
    _sleep(seconds)


def set_sleep(sleeper: Callable[[float], None] | None) -> None:
    """Replace how :func:`sleep` waits (``None`` restores ``time.sleep``)."""
    global _sleep
    _sleep = sleeper or time.sleep


def isoformat(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, the form EventBridge itself uses for ``time``."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# Every timestamp of the event details: UTC, milliseconds, "Z" -- the form Step Functions
# itself gives ``$$.State.EnteredTime`` in, so the state machine's error events match.
TIMESTAMP_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$"


def timestamp(moment: datetime) -> str:
    """``2026-01-05T09:00:00.000Z`` (a naive datetime is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# The type of every datetime field of the event details and of the state the executions carry
# (the state machine copies ``watchStartedAt`` into its own error events).
Timestamp = Annotated[
    datetime,
    PlainSerializer(timestamp, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": TIMESTAMP_PATTERN}),
]
