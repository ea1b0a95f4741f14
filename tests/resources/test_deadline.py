"""The deadline schedule: when it fires, and the one-time schedule the follow step asks EventBridge Scheduler for."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber

from conversion_watch.resources import deadline

TASK = "import-ami-0123456789abcdef0"


@pytest.mark.parametrize(("timeout", "fires"), [(43200, 42900), (3600, 3300), (600, 540), (5, 4), (1, 1)])
def test_it_fires_a_tenth_of_the_timeout_early_and_at_most_five_minutes(timeout, fires):
    assert deadline.deadline_seconds(timeout) == fires


def test_create_asks_for_a_one_time_schedule_that_deletes_itself():
    scheduler = boto3.client("scheduler", region_name="us-east-1")
    payload = {"waitHandle": "https://handle", "deadline": {"taskType": "ec2-import-image", "taskId": TASK,
                                                            "timeoutSeconds": 3600}}
    with Stubber(scheduler) as stubber:
        stubber.add_response("create_schedule", {"ScheduleArn": "arn:aws:scheduler:us-east-1:1:schedule/default/x"}, {
            "Name": f"deadline-{TASK}", "ScheduleExpression": "at(2026-01-05T09:55:00)",
            "ScheduleExpressionTimezone": "UTC", "FlexibleTimeWindow": {"Mode": "OFF"},
            "ActionAfterCompletion": "DELETE",
            "Description": f"Conversion Watch: fail the deployment if {TASK} still runs at its timeout",
            "Target": {"Arn": "arn:signaller", "RoleArn": "arn:role", "Input": json.dumps(payload)}})
        stubber.add_client_error("delete_schedule", "ResourceNotFoundException", "gone",
                                 expected_params={"Name": f"deadline-{TASK}"})

        created = deadline.create(scheduler, now=datetime(2026, 1, 5, 9, 0, tzinfo=UTC), task_type="ec2-import-image",
                                  task_id=TASK, timeout_seconds=3600, wait_handle="https://handle",
                                  signaller_arn="arn:signaller", role_arn="arn:role")
        removed = deadline.delete(scheduler, TASK)

    assert created == "deadline at 2026-01-05T09:55:00Z"
    assert removed == "no deadline left"
