"""Names the construct and the definition share with the runtime, re-exported
from the runtime's dependency-free contract (the one place they are written)."""

from __future__ import annotations

from conversion_watch.contract import (
    DEFAULT_EVENT_SOURCE,
    ERROR_THROTTLED,
    RETRYABLE_ERROR_NAMES,
    STATE_CHANGE,
    WATCH_ERROR,
)

THROTTLED = ERROR_THROTTLED

__all__ = ["DEFAULT_EVENT_SOURCE", "RETRYABLE_ERROR_NAMES", "STATE_CHANGE", "THROTTLED", "WATCH_ERROR"]
