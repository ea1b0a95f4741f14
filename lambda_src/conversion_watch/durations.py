"""Durations for people: the ``elapsed`` text of a state change event, which
notifications quote as is ("... completed after 3 h 12 min")."""

from __future__ import annotations

from datetime import datetime

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def elapsed_seconds(since: datetime, until: datetime) -> int:
    """Whole seconds from ``since`` to ``until``; never negative (clock skew)."""
    return max(0, int((until - since).total_seconds()))


def human_duration(seconds: int) -> str:
    """``45 s``, ``12 min``, ``3 h 12 min``, ``3 h``, ``2 d 4 h``: two units at most."""
    if seconds < MINUTE:
        return f"{seconds} s"
    if seconds < HOUR:
        return f"{seconds // MINUTE} min"
    if seconds < DAY:
        hours, minutes = divmod(seconds // MINUTE, 60)
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(seconds // HOUR, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"
