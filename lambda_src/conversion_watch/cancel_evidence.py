"""Proof that a task was cancelled on request, from CloudTrail, with or without a trail.

Two witnesses, read when an EC2 task ends ``cancelled``/``deleted``:

* the ``CANCEL`` mark the CloudTrail rule's starter leaves (``cancel_marks``) -- only in
  accounts with a trail, and only once EventBridge has delivered the record;
* CloudTrail's event history (``LookupEvents``): "management events ... in a Region within
  the last 90 days", in every account, no trail needed
  (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html).
  It is searched by the cancel call's event name (a documented lookup attribute) from a day
  before the watch started; each record is read like the rule's events
  (``cloudtrail.cancel_from_event``: the task id found by its pattern, wherever it sits).
  "The rate of lookup requests is limited to two per second, per account, per Region": the
  client is paced (``PacedClient``) for at most ``LOOKUP_PACE_SECONDS`` and reads at most
  ``MAX_PAGES`` pages of 50 (the documented maximum) per call name.

Neither record is there the moment a task ends: CloudTrail "typically delivers logs within an
average of about 5 minutes of an API call. This time is not guaranteed." So a cancelled end
with no evidence of any kind waits a grace (``grace_wait``) before it is published ``unknown``;
the poll step answers "not final yet, poll again" meanwhile, so the state machine needs no
state of its own for it. A failed lookup is no evidence (logged); it never fails the watch.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from conversion_watch import cancel_marks, cloudtrail
from conversion_watch.contract import CANCEL_EVIDENCE_POLL_SECONDS
from conversion_watch.kinds import kind_of_task_id
from conversion_watch.paced_client import PacedClient

LOOKUP_OPERATION = "cloudtrail:LookupEvents"
PAGE_SIZE = 50  # LookupEvents' MaxResults: "Possible values are 1 through 50"
MAX_PAGES = 4  # per call name: the newest 200 cancels of that name since the watch began
LOOKUP_PACE_SECONDS = 5.0  # the longest one poll waits out LookupEvents throttling
LOOKBACK = timedelta(days=1)  # a cancel just before the watch started still counts
HISTORY_DAYS = 90

log = logging.getLogger(__name__)


def grace_wait(*, since: datetime, now: datetime, grace_seconds: int, deadline: datetime) -> int | None:
    """Seconds to wait before looking again for a cancel's evidence, or ``None`` when the grace
    (counted from ``since``, when the end was first seen) or the watch's time is over."""
    left = (since + timedelta(seconds=grace_seconds) - now).total_seconds()
    until_deadline = (deadline - now).total_seconds()
    if left <= 0 or until_deadline <= 0:
        return None
    return max(1, int(min(CANCEL_EVIDENCE_POLL_SECONDS, left, until_deadline)))


def cancel_recorded(
    task_id: str, *, watch_started_at: datetime, now: datetime, dynamodb: Any, table: str,
    cloudtrail_client: Any | None,
) -> bool:
    """Whether CloudTrail recorded a successful cancel call for ``task_id``: the rule's mark first,
    then (when ``cloudtrail_client`` is given) the event history."""
    if cancel_marks.cancel_marked(dynamodb, table, task_id):
        return True
    if cloudtrail_client is None:
        return False
    return in_event_history(cloudtrail_client, task_id, since=watch_started_at - LOOKBACK, now=now)


def in_event_history(
    client: Any, task_id: str, *, since: datetime, now: datetime,
    clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """Whether event history holds a successful cancel call naming ``task_id`` since ``since``."""
    task_kind = kind_of_task_id(task_id)
    if task_kind is None or not task_kind.cancel_calls:
        return False
    paced = PacedClient(client, deadline=clock() + LOOKUP_PACE_SECONDS, now=clock, sleep=sleep)
    start = max(since, now - timedelta(days=HISTORY_DAYS))
    for call in task_kind.cancel_calls:
        try:
            if _named_in_pages(paced, call.event_name, task_id, start=start, end=now):
                return True
        except (ClientError, BotoCoreError) as error:
            log.warning("%s failed: no cancel evidence from event history this time (%s)", LOOKUP_OPERATION, error)
            return False
    return False


def _named_in_pages(client: Any, event_name: str, task_id: str, *, start: datetime, end: datetime) -> bool:
    request: dict[str, Any] = {
        "LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": event_name}],
        "StartTime": start, "EndTime": end, "MaxResults": PAGE_SIZE,
    }
    for _ in range(MAX_PAGES):
        page = client.lookup_events(**request)
        if any(_names(event, task_id) for event in page.get("Events", [])):
            return True
        token = page.get("NextToken")
        if not token:
            return False
        request["NextToken"] = token
    return False


def _names(event: dict[str, Any], task_id: str) -> bool:
    """Whether one ``LookupEvents`` event is a successful cancel call for ``task_id``."""
    try:
        record = json.loads(event.get("CloudTrailEvent") or "null")
    except ValueError:
        return False
    try:
        cancel = cloudtrail.cancel_from_event({"detail-type": cloudtrail.API_CALL_DETAIL_TYPE, "detail": record})
    except cloudtrail.RejectedEvent:
        return False
    return cancel is not None and cancel.task_id == task_id
