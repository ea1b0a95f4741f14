"""When to poll next.

The delay grows with the time since the last state change: 10 % of it,
clamped to [min, max]. A change that happens while we wait is therefore seen
at most max(min, 10 % of the task's running time) later, and never later than
``max``. What the service tells us sharpens it: an EC2 import whose progress
rate predicts completion sooner is polled at the predicted time, and a task
is polled when its expiration time or the watch's deadline comes up.

A poll reads the kind's shared snapshot (``task_snapshots``), at most the
snapshot's maximum age old (``SNAPSHOT_MAX_AGE_SECONDS``, default 30 s), so the
detection-delay bound is max(min, 10 % of elapsed), capped at ``max``, plus
that maximum age.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from conversion_watch.models import ProgressSample

GROWTH = 0.10


@dataclass(frozen=True, kw_only=True)
class PollBounds:
    min_seconds: int
    max_seconds: int


def next_poll_delay(
    *,
    now: datetime,
    quiet_since: datetime,
    bounds: PollBounds,
    deadline: datetime,
    expires_at: datetime | None = None,
    eta_seconds: float | None = None,
) -> int:
    quiet = max(0.0, (now - quiet_since).total_seconds())
    delay = min(max(GROWTH * quiet, bounds.min_seconds), bounds.max_seconds)
    if eta_seconds is not None and eta_seconds >= 0:
        delay = min(delay, max(eta_seconds, bounds.min_seconds))
    if expires_at is not None and expires_at > now:
        delay = min(delay, max((expires_at - now).total_seconds(), bounds.min_seconds))
    until_deadline = (deadline - now).total_seconds()
    delay = min(delay, max(until_deadline, 1.0))
    return max(1, math.ceil(delay))


def completion_eta(previous: ProgressSample | None, current: ProgressSample | None) -> float | None:
    """Seconds until 100 % at the rate seen between two samples, if it is rising."""
    if previous is None or current is None:
        return None
    elapsed = (current.at - previous.at).total_seconds()
    gained = current.percent - previous.percent
    if elapsed <= 0 or gained <= 0:
        return None
    return max(0.0, (100.0 - current.percent) * elapsed / gained)
