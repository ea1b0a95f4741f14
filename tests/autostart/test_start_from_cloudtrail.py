"""The CloudTrail-driven starter against moto's Step Functions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.stub import Stubber

from conversion_watch import aws_clients
from conversion_watch.errors import AccessDenied, InvalidInput
from conversion_watch.handlers.start_from_cloudtrail import handler
from conversion_watch.starter import start_watch, task_id_of_execution, task_type_of
from localrun.lambda_context import FakeLambdaContext
from tests.autostart import samples
from tests.autostart.conftest import emitted_metrics, executions


def test_import_volume_call_starts_its_watch(state_machine_arn: str, lambda_context: FakeLambdaContext) -> None:
    result = handler(samples.import_volume_event(), lambda_context)

    assert result["outcome"] == "STARTED"
    [execution] = executions(state_machine_arn)
    assert execution["name"] == f"watch-{samples.VOLUME_TASK}"
    described = aws_clients.client("stepfunctions").describe_execution(executionArn=execution["executionArn"])
    assert json.loads(described["input"]) == {"taskType": "ec2-conversion", "taskId": samples.VOLUME_TASK}


def test_license_conversion_call_starts_its_watch(state_machine_arn: str, lambda_context: FakeLambdaContext) -> None:
    handler(samples.license_conversion_event(), lambda_context)
    assert [e["name"] for e in executions(state_machine_arn)] == [f"watch-{samples.LICENSE_TASK}"]


def test_same_call_delivered_twice_starts_one_watch(state_machine_arn: str, lambda_context: FakeLambdaContext) -> None:
    event = samples.import_instance_event()
    first = handler(event, lambda_context)
    second = handler(event, lambda_context)  # EventBridge delivers at least once

    # While the watch runs, an identical start returns the same execution.
    assert first["executionArn"] == second["executionArn"]
    assert len(executions(state_machine_arn)) == 1


def test_call_for_a_task_whose_watch_ended_without_its_outcome_resumes_it(
    state_machine_arn: str, lambda_context: FakeLambdaContext
) -> None:
    first = handler(samples.import_volume_event(), lambda_context)
    handler(samples.import_volume_event(), lambda_context)  # running, same input: the same execution
    aws_clients.client("stepfunctions").stop_execution(executionArn=first["executionArn"])

    again = handler(samples.import_volume_event(), lambda_context)

    assert (again["outcome"], again["executionName"]) == ("RESUMED", f"watch-{samples.VOLUME_TASK}-r2")
    assert len(executions(state_machine_arn)) == 2


@pytest.mark.parametrize(
    "event",
    [
        samples.failed_call(samples.import_volume_event()),
        {
            "detail-type": "AWS API Call via CloudTrail",
            "source": "aws.ec2",
            "detail": {"eventName": "ImportVolume", "eventSource": "ec2.amazonaws.com"},
        },
        {"unexpected": True},
    ],
)
def test_malformed_event_starts_nothing_and_is_counted(
    event: dict[str, Any], state_machine_arn: str, lambda_context: FakeLambdaContext, capsys: pytest.CaptureFixture[str]
) -> None:
    result = handler(event, lambda_context)

    assert result["outcome"] == "REJECTED"
    assert executions(state_machine_arn) == []
    assert emitted_metrics(capsys.readouterr().out) == {"RejectedApiCallEvents": 1.0}


def test_start_failure_is_raised_as_a_named_error(state_machine_arn: str) -> None:
    sfn = aws_clients.client("stepfunctions")
    with Stubber(sfn) as stubber:
        stubber.add_client_error("start_execution", service_error_code="AccessDeniedException", http_status_code=400)
        with pytest.raises(AccessDenied, match="states:StartExecution denied"):
            start_watch(sfn, state_machine_arn, "ec2-conversion", samples.VOLUME_TASK)


@pytest.mark.parametrize(
    ("task_type", "task_id"),
    [("ec2-conversion", samples.LICENSE_TASK), ("volume", samples.VOLUME_TASK), ("license-conversion", "")],
)
def test_start_refuses_what_the_watcher_would_reject(state_machine_arn: str, task_type: str, task_id: str) -> None:
    with pytest.raises(InvalidInput):
        start_watch(aws_clients.client("stepfunctions"), state_machine_arn, task_type, task_id)
    assert executions(state_machine_arn) == []


@pytest.mark.parametrize(
    ("name", "task_id"),
    [
        ("watch-import-vol-ffut5xv4", "import-vol-ffut5xv4"),
        ("watch-import-i-ffvko9js-g3", "import-i-ffvko9js"),
        (f"watch-{samples.LICENSE_TASK}-g12", samples.LICENSE_TASK),
        ("someone-elses-execution", None),
    ],
)
def test_task_id_of_execution_reads_every_generation(name: str, task_id: str | None) -> None:
    assert task_id_of_execution(name) == task_id


def test_task_type_is_told_by_the_id() -> None:
    assert task_type_of(samples.VOLUME_TASK) == "ec2-conversion"
    assert task_type_of(samples.LICENSE_TASK) == "license-conversion"
    assert task_type_of("vol-0123") is None
