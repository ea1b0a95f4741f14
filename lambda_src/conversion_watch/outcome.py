"""Why a task ended: the terminal state and ``outcomeReason`` from the evidence.

EC2's VM Import/Export tasks have no ``failed`` state: a failed or expired task
ends ``cancelled`` (conversion and export-instance tasks) or ``deleted``
(import image/snapshot and export image tasks), exactly as a task cancelled on
request does. So a raw "cancelled" end is classified from the evidence:

1. A cancel request was seen -- the task passed through a state only a cancel
   request produces (``cancelling``: "The cancel operation ... " of
   CancelConversionTask / CancelExportTask), or CloudTrail recorded a cancel
   call for it -> ``CANCELLED`` / ``user-cancelled``.
2. ``StatusMessage`` holds one of VM Import/Export's documented error forms
   (``ClientError: ...``, ``FirstBootFailure: ...``, ``ERROR: ...``; see
   https://docs.aws.amazon.com/vm-import/latest/userguide/vmimport-troubleshooting.html)
   -> ``FAILED`` / ``error``.
3. ``ExpirationTime`` had passed ("If the upload isn't complete before the
   expiration time, we automatically cancel the task",
   https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ConversionTask.html)
   -> ``FAILED`` / ``expired``.
4. Otherwise the task stays ``CANCELLED`` with ``outcomeReason`` ``unknown``:
   without positive evidence of a failure, nothing is called one.

A raw success is ``COMPLETED`` / ``completed``; a raw failure (License Manager's
``FAILED``) is ``FAILED`` / ``error``. Every kind reuses this one function.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from conversion_watch.contract import CANCELLED, COMPLETED, FAILED

# VM Import/Export's task-level error forms (troubleshooting guide): "ClientError: Disk validation
# failed [...]", "ClientError: Unsupported kernel version", "FirstBootFailure: This import request
# failed because ...", "ERROR: Bucket <b> is not in the <r> Region", plus the unprefixed ones it lists.
_ERROR_FORMS = re.compile(
    r"^\s*(?:ClientError|ServerError|FirstBootFailure|CLIENT_ERROR|SERVER_ERROR)\s*:"
    r"|^\s*ERROR\s*:"
    r"|\b(?:failed|failure|unsupported|not supported|invalid|does not exist|insufficient permissions"
    r"|does not have sufficient permissions|not local to the region|unable to)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, kw_only=True)
class EndEvidence:
    """What is known when a task is seen in a terminal raw state."""

    normalized: str  # the kind's mapping of the raw state: COMPLETED, CANCELLED or FAILED
    status_message: str | None
    expires_at: datetime | None
    observed_at: datetime
    cancel_requested: bool


@dataclass(frozen=True)
class Outcome:
    state: str  # COMPLETED | CANCELLED | FAILED
    reason: str  # completed | user-cancelled | expired | error | unknown


def is_error_message(message: str | None) -> bool:
    return bool(message) and bool(_ERROR_FORMS.search(message or ""))


def classify(evidence: EndEvidence) -> Outcome:
    if evidence.normalized == COMPLETED:
        return Outcome(COMPLETED, "completed")
    if evidence.normalized == FAILED:
        return Outcome(FAILED, "error")
    if evidence.normalized != CANCELLED:
        raise ValueError(f"{evidence.normalized!r} is not a terminal state")
    if evidence.cancel_requested:
        return Outcome(CANCELLED, "user-cancelled")
    if is_error_message(evidence.status_message):
        return Outcome(FAILED, "error")
    if evidence.expires_at is not None and evidence.observed_at >= evidence.expires_at:
        return Outcome(FAILED, "expired")
    return Outcome(CANCELLED, "unknown")
