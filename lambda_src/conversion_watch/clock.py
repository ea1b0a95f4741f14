"""The one source of "now" for the watcher.

Everything that stamps or compares time calls :func:`utc_now`, so the local
engine (``localrun``) can run a three-hour conversion on a simulated clock by
calling :func:`set_source` once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime


def _system_now() -> datetime:
    return datetime.now(UTC)


_source: Callable[[], datetime] = _system_now


def utc_now() -> datetime:
    """Now, to the second: event timestamps read better and compare exactly."""
    return _source().replace(microsecond=0)


def set_source(source: Callable[[], datetime] | None) -> None:
    """Replace the clock (``None`` restores the system clock)."""
    global _source
    _source = source or _system_now


def isoformat(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, the form EventBridge itself uses for ``time``."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
