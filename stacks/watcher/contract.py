"""Names shared by the construct, the definition and the tests: the event
contract's detail-types and the error names the state machine retries on.

The Lambda code is the source of truth; it is imported from the asset folder
so the two cannot drift apart.
"""

from __future__ import annotations

import sys
from pathlib import Path

LAMBDA_SRC = Path(__file__).resolve().parents[2] / "lambda_src"
if str(LAMBDA_SRC) not in sys.path:
    sys.path.append(str(LAMBDA_SRC))

from conversion_watch.errors import RETRYABLE_ERROR_NAMES, Throttled  # noqa: E402
from conversion_watch.models import STATE_CHANGE, WATCH_ERROR  # noqa: E402

DEFAULT_EVENT_SOURCE = "conversion-watch"

THROTTLED = Throttled.__name__

__all__ = ["DEFAULT_EVENT_SOURCE", "LAMBDA_SRC", "RETRYABLE_ERROR_NAMES", "STATE_CHANGE", "THROTTLED", "WATCH_ERROR"]
