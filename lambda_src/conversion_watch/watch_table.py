"""The watch table: one small on-demand DynamoDB table shared by the watcher's steps.

Item families (partition key ``pk``, sort key ``sk``), each owned by one module:

=========================  =======================  ==========================================
``pk``                     ``sk``                   what
=========================  =======================  ==========================================
``TASK#<taskId>``          ``WATCH``                the task's watch registration (who watches it,
                                                    generation, sequence, last state, outcome)
``TASK#<taskId>``          ``CANCEL``               a cancel call for the task seen in CloudTrail
``SNAPSHOT#<taskType>``    ``LEASE`` / ``PART#n``   the shared snapshot of every task of a kind
                                                    and the lease of the one refreshing it
=========================  =======================  ==========================================

Items that only matter for a while carry ``expiresAt`` (TTL, epoch seconds).
"""

from __future__ import annotations

import os
from typing import Any

from conversion_watch.contract import ENV_WATCH_TABLE_NAME, TABLE_PARTITION_KEY, TABLE_SORT_KEY
from conversion_watch.errors import ServiceUnavailable, Throttled, TransientError
from conversion_watch.service_errors import THROTTLING_CODES, error_code

TASK_PREFIX = "TASK#"
CONDITION_FAILED = "ConditionalCheckFailedException"
SNAPSHOT_PREFIX = "SNAPSHOT#"


def table_name() -> str:
    name = os.environ.get(ENV_WATCH_TABLE_NAME, "")
    if not name:
        raise RuntimeError(f"{ENV_WATCH_TABLE_NAME} is not set: the stack passes the watch table's name")
    return name


def key(pk: str, sk: str) -> dict[str, Any]:
    """A low-level client key."""
    return {TABLE_PARTITION_KEY: {"S": pk}, TABLE_SORT_KEY: {"S": sk}}


def task_key(task_id: str, item: str) -> dict[str, Any]:
    return key(f"{TASK_PREFIX}{task_id}", item)


def snapshot_key(task_type: str, item: str) -> dict[str, Any]:
    return key(f"{SNAPSHOT_PREFIX}{task_type}", item)


def lost_the_condition(error: Exception) -> bool:
    """A conditional write refused because its condition no longer held: another writer was first."""
    return error_code(error) == CONDITION_FAILED


def table_error(error: Exception, *, operation: str) -> TransientError:
    """A failed watch-table call as a retryable watcher error, never a task's: the table's
    ``ResourceNotFoundException`` is not the task's ``TaskNotFound``. Throttling stays ``Throttled``;
    anything else is retried as ``ServiceUnavailable`` and ends, if it lasts, as a watch error."""
    code = error_code(error)
    if code in THROTTLING_CODES:
        return Throttled(f"{operation} (watch table) throttled ({code})")
    return ServiceUnavailable(f"{operation} (watch table) failed: {error}")
