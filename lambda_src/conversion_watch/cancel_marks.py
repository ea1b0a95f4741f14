"""Cancel marks: ``TASK#<taskId>`` / ``CANCEL`` items of the watch table.

The CloudTrail starter records one when it sees a successful cancel call for a
task (``CancelConversionTask``, ...); the poll step reads it when the task ends
``cancelled``/``deleted``, so a cancel on request is told from a failure
(``conversion_watch.outcome``) even when no ``cancelling`` state was seen
between two polls.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from conversion_watch.clock import timestamp
from conversion_watch.contract import TABLE_PARTITION_KEY, TABLE_TTL_ATTRIBUTE
from conversion_watch.watch_table import lost_the_condition, table_error, task_key

CANCEL_ITEM = "CANCEL"
# A cancelled task ends within minutes; the mark only has to outlive the next few polls
# (and a watch paused by an outage). Three weeks, then DynamoDB's TTL removes it.
MARK_TTL = timedelta(days=21)


def record_cancel(
    client: Any, table: str, *, task_id: str, event_name: str, cloudtrail_event_id: str | None, now: datetime
) -> bool:
    """Record the mark once (conditional put); ``False`` when it was already there."""
    item = {
        **task_key(task_id, CANCEL_ITEM),
        "eventName": {"S": event_name},
        "recordedAt": {"S": timestamp(now)},
        TABLE_TTL_ATTRIBUTE: {"N": str(int((now + MARK_TTL).timestamp()))},
    }
    if cloudtrail_event_id:
        item["cloudTrailEventId"] = {"S": cloudtrail_event_id}
    try:
        client.put_item(
            TableName=table, Item=item, ConditionExpression="attribute_not_exists(#pk)",
            ExpressionAttributeNames={"#pk": TABLE_PARTITION_KEY},
        )
    except ClientError as error:
        if lost_the_condition(error):
            return False
        raise
    return True


def cancel_marked(client: Any, table: str, task_id: str) -> bool:
    """Whether a cancel call for ``task_id`` was seen (a consistent read: the mark may be seconds old)."""
    try:
        response = client.get_item(TableName=table, Key=task_key(task_id, CANCEL_ITEM), ConsistentRead=True,
                                   ProjectionExpression="#pk", ExpressionAttributeNames={"#pk": TABLE_PARTITION_KEY})
    except Exception as error:
        raise table_error(error, operation="dynamodb:GetItem") from error
    return "Item" in response
