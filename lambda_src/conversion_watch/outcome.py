"""Why a task ended: the terminal state and ``outcomeReason`` from the evidence.

EC2's VM Import/Export tasks have no ``failed`` state: a failed or expired task
ends ``cancelled`` (conversion and export-instance tasks) or ``deleted``
(import image/snapshot and export image tasks), exactly as a task cancelled on
request does. So a raw "cancelled" end is classified from the evidence:

1. CloudTrail recorded a successful cancel call for the task (the CloudTrail rule's
   ``CANCEL`` mark, or the call found in CloudTrail's event history, see
   ``conversion_watch.cancel_evidence``) -> ``CANCELLED`` / ``user-cancelled``.
2. ``StatusMessage`` is one of VM Import/Export's own error forms: it starts with an error
   prefix (``ClientError:``, ``FirstBootFailure:``, ``ERROR:``, ``CLIENT_ERROR :``,
   ``Client.<Code>:``...) or with one of the messages the troubleshooting guide lists
   (https://docs.aws.amazon.com/vm-import/latest/userguide/vmimport-troubleshooting.html),
   prefix or not -> ``FAILED`` / ``error``. Only the start is read: a cancel's own reason
   (``CancelImportTask``'s ``CancelReason``, ``CancelConversionTask``'s ``ReasonMessage``)
   is the caller's free text, and a word such as "invalid" in it proves nothing.
3. ``ExpirationTime`` had passed ("If the upload isn't complete before the expiration time,
   we automatically cancel the task",
   https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ConversionTask.html)
   -> ``FAILED`` / ``expired``. This comes before 4: the automatic cancel of an expired
   task may pass through ``cancelling`` as a requested one does.
4. The task passed through a state only a cancel produces (``cancelling``: "The cancel
   operation ..." of CancelConversionTask / CancelExportTask) -> ``CANCELLED`` / ``user-cancelled``.
5. Otherwise the task stays ``CANCELLED`` with ``outcomeReason`` ``unknown``:
   without positive evidence, nothing is called a failure or a cancel.

A raw success is ``COMPLETED`` / ``completed``; a raw failure (License Manager's
``FAILED``) is ``FAILED`` / ``error``. Every kind reuses this one function; the table of
AWS's own messages it is tested against is tests/unit/test_outcome_messages.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from conversion_watch.contract import CANCELLED, COMPLETED, FAILED

# Error prefixes VM Import/Export's messages start with (the troubleshooting guide; public
# reports show them stacked, "CLIENT_ERROR : ClientError: Unknown OS / Missing OS files.").
_PREFIX = re.compile(
    r"^\s*(?:ClientError|ServerError|FirstBootFailure|CLIENT_ERROR|SERVER_ERROR|ERROR"
    r"|(?:Client|Server)\.[A-Za-z]+)\s*:\s*"
)
# The troubleshooting guide's task messages, read at the start of the message (after any
# prefix): some are shown without a prefix, and a report may drop it.
GUIDE_MESSAGES = (
    "Disk validation failed",
    "Multiple different grub/menu.lst files found",
    "The service role vmimport does not exist or does not have sufficient permissions",
    "No bootable partition found",
    "Footers not identical",
    "Uncompressed data has an invalid length",
    "File uses unsupported compression algorithm",
    "Invalid S3 source location",
    "The given S3 bucket is not local to the Region",
    "The given S3 object is not local to the region",
    "Unknown OS / Missing OS files",
    "This instance has multiple volumes attached",
    "This instance cannot be exported",
    "Booter Networking",
    "This import request failed because",
    "Invalid configuration - Could not read fstab",
    "BLSC-style GRUB found, but unable to detect default kernel",
    "We were unable to read your import's initramfs/initrd",
    "Unsupported configuration - ",
    "Unsupported kernel version",
    "Linux is not supported on the requested instance",
)
_GUIDE = re.compile("|".join(re.escape(m) for m in GUIDE_MESSAGES), re.IGNORECASE)


@dataclass(frozen=True, kw_only=True)
class EndEvidence:
    """What is known when a task is seen in a terminal raw state."""

    normalized: str  # the kind's mapping of the raw state: COMPLETED, CANCELLED or FAILED
    status_message: str | None
    expires_at: datetime | None
    observed_at: datetime
    # A raw state only a cancel produces was seen (``cancelling``): a user's cancel, or AWS's own
    # cancel of an expired task.
    cancel_requested: bool
    # CloudTrail recorded a successful cancel call for the task: a user's (or a tool's) request.
    cancel_call_recorded: bool = False


@dataclass(frozen=True)
class Outcome:
    state: str  # COMPLETED | CANCELLED | FAILED
    reason: str  # completed | user-cancelled | expired | error | unknown


def is_error_message(message: str | None) -> bool:
    """Whether ``message`` is one of VM Import/Export's error forms (rule 2), read at its start."""
    if not message:
        return False
    prefixed = _PREFIX.match(message)
    rest = message[prefixed.end():] if prefixed else message
    while prefixed and (again := _PREFIX.match(rest)):  # stacked prefixes
        rest = rest[again.end():]
    return bool(prefixed) or bool(_GUIDE.match(rest.lstrip()))


def classify(evidence: EndEvidence) -> Outcome:
    if evidence.normalized == COMPLETED:
        return Outcome(COMPLETED, "completed")
    if evidence.normalized == FAILED:
        return Outcome(FAILED, "error")
    if evidence.normalized != CANCELLED:
        raise ValueError(f"{evidence.normalized!r} is not a terminal state")
    if evidence.cancel_call_recorded:
        return Outcome(CANCELLED, "user-cancelled")
    if is_error_message(evidence.status_message):
        return Outcome(FAILED, "error")
    if evidence.expires_at is not None and evidence.observed_at >= evidence.expires_at:
        return Outcome(FAILED, "expired")
    if evidence.cancel_requested:
        return Outcome(CANCELLED, "user-cancelled")
    return Outcome(CANCELLED, "unknown")
