"""A deployed stack, as far as the CLI can tell: moto's CloudFormation holds a
``ConversionWatch`` stack whose ``StateMachineArn`` output names a moto state
machine that really executes (moto's ASL engine) a stand-in for the watcher:
same state names and state document, so the CLI reads it as it reads the
real one."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

STACK = "ConversionWatch"
# Input: {"taskType", "taskId", "observed": <Observation>, "pollCount", optional "nextExecutionName"}.
STAND_IN_DEFINITION = {
    "StartAt": "Has Observation?",
    "States": {
        # A plain {taskType, taskId} start (convwatch start) just stays running, like a real watch.
        "Has Observation?": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.observed", "IsPresent": True, "Next": "Poll Conversion Task"}],
            "Default": "Wait Before Next Poll",
        },
        "Poll Conversion Task": {
            "Type": "Pass",
            "Parameters": {
                "watch": {"taskType.$": "$.taskType", "taskId.$": "$.taskId", "pollCount.$": "$.pollCount",
                          "last.$": "$.observed"},
                "status": {"outcome": "OBSERVED", "state.$": "$.observed.state", "handOver.$": "$.handOver",
                           "nextExecutionName.$": "$.nextExecutionName"},
            },
            "Next": "Is Task Finished?",
        },
        "Is Task Finished?": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.status.state", "StringEquals": "COMPLETED", "Next": "Task Completed"},
                {"Variable": "$.status.state", "StringEquals": "FAILED", "Next": "Task Failed"},
                {"Variable": "$.status.handOver", "BooleanEquals": True, "Next": "Handed Over"},
            ],
            "Default": "Wait Before Next Poll",
        },
        "Wait Before Next Poll": {"Type": "Wait", "Seconds": 3600, "End": True},
        "Task Completed": {"Type": "Succeed"},
        "Handed Over": {"Type": "Succeed"},
        "Task Failed": {"Type": "Fail", "Error": "ConversionTaskFailed", "Cause": "conversion failed"},
    },
}
MOTO_CONFIG: Any = {"stepfunctions": {"execute_state_machine": True}}


class Account:
    def __init__(self, state_machine_arn: str) -> None:
        self.state_machine_arn = state_machine_arn
        self.sfn = boto3.client("stepfunctions")

    def run_watch(self, name: str, task_type: str, task_id: str, observed: dict[str, Any], *, poll_count: int = 1,
                  next_execution: str = "") -> str:
        """Start a stand-in watch; return once it waits for its next poll or has ended."""
        document = {"taskType": task_type, "taskId": task_id, "observed": observed, "pollCount": poll_count,
                    "handOver": bool(next_execution), "nextExecutionName": next_execution}
        arn = self.sfn.start_execution(stateMachineArn=self.state_machine_arn, name=name,
                                       input=json.dumps(document))["executionArn"]
        self.settled(arn)
        return str(arn)

    def settled(self, arn: str) -> None:
        """Return once the execution waits for its next poll or has ended (moto runs it in a thread,
        which on a loaded machine may not have started yet: it cannot be stopped before then)."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            events = self.sfn.get_execution_history(executionArn=arn)["events"]
            waiting = any(e["type"] == "WaitStateEntered" for e in events)
            if waiting or self.sfn.describe_execution(executionArn=arn)["status"] != "RUNNING":
                return
            time.sleep(0.05)
        raise AssertionError(f"stand-in execution {arn} neither waits nor ended")

    def stop_all(self) -> None:
        for page in self.sfn.get_paginator("list_executions").paginate(
            stateMachineArn=self.state_machine_arn, statusFilter="RUNNING"
        ):
            for execution in page["executions"]:
                self.settled(execution["executionArn"])
                self.sfn.stop_execution(executionArn=execution["executionArn"])  # ends the Wait


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> Iterator[Account]:
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("CONVWATCH_STACK", "CONVWATCH_STATE_MACHINE_ARN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws(config=MOTO_CONFIG):
        arn = boto3.client("stepfunctions").create_state_machine(
            name="ConversionWatch-Watcher", definition=json.dumps(STAND_IN_DEFINITION),
            roleArn="arn:aws:iam::123456789012:role/watcher",
        )["stateMachineArn"]
        template = {
            "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
            "Outputs": {"StateMachineArn": {"Value": arn}, "EventSource": {"Value": "conversion-watch"}},
        }
        boto3.client("cloudformation").create_stack(StackName=STACK, TemplateBody=json.dumps(template))
        account = Account(arn)
        yield account
        account.stop_all()
