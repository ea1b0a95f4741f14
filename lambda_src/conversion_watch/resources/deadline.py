"""The deadline: a one-time EventBridge Scheduler schedule that the follow step creates, firing the signaller a
little before the wait condition's own timeout. A task still running then fails the deployment with its id, its
state and its status message (CloudFormation's own timeout message says nothing of the task); the rollback that
follows cancels it. The schedule deletes itself after it ran (``ActionAfterCompletion: DELETE``); the follow
step's Delete removes one that has not run.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from conversion_watch.contract import DEADLINE_MAX_MARGIN_SECONDS, DEADLINE_SCHEDULE_PREFIX
from conversion_watch.service_errors import error_code


def deadline_seconds(timeout_seconds: int) -> int:
    """When the deadline fires, in seconds after the follow step: a tenth of the timeout early, at most 5 minutes."""
    return max(1, timeout_seconds - min(DEADLINE_MAX_MARGIN_SECONDS, max(1, timeout_seconds // 10)))


def schedule_name(task_id: str) -> str:
    return f"{DEADLINE_SCHEDULE_PREFIX}{task_id}"  # at most 59 characters: schedule names allow 64


def at_expression(moment: datetime) -> str:
    return f"at({moment.strftime('%Y-%m-%dT%H:%M:%S')})"


def create(scheduler: Any, *, now: datetime, task_type: str, task_id: str, timeout_seconds: int, wait_handle: str,
           signaller_arn: str, role_arn: str) -> str:
    """Create the task's deadline schedule (a repeated create of the same one is a no-op)."""
    fire_at = now + timedelta(seconds=deadline_seconds(timeout_seconds))
    payload = {"waitHandle": wait_handle,
               "deadline": {"taskType": task_type, "taskId": task_id, "timeoutSeconds": timeout_seconds}}
    try:
        scheduler.create_schedule(
            Name=schedule_name(task_id), ScheduleExpression=at_expression(fire_at), ScheduleExpressionTimezone="UTC",
            FlexibleTimeWindow={"Mode": "OFF"}, ActionAfterCompletion="DELETE",
            Description=f"Conversion Watch: fail the deployment if {task_id} still runs at its timeout",
            Target={"Arn": signaller_arn, "RoleArn": role_arn, "Input": json.dumps(payload)})
    except ClientError as error:
        if error_code(error) != "ConflictException":
            raise
    return f"deadline at {fire_at.strftime('%Y-%m-%dT%H:%M:%SZ')}"


def delete(scheduler: Any, task_id: str) -> str:
    try:
        scheduler.delete_schedule(Name=schedule_name(task_id))
    except ClientError as error:
        if error_code(error) != "ResourceNotFoundException":
            raise
        return "no deadline left"
    return "deadline removed"
