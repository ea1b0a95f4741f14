"""The sweeper handler: moto's Step Functions, stubbed list APIs (each queued
response must be consumed exactly once: that is the call count)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from botocore.stub import Stubber

from conversion_watch import aws_clients
from conversion_watch.handlers.sweep_tasks import handler
from conversion_watch.starter import start_watch
from localrun.lambda_context import FakeLambdaContext
from tests.autostart import fleet
from tests.autostart.conftest import emitted_metrics, executions

SCHEDULED_EVENT = {"version": "0", "detail-type": "Scheduled Event", "source": "aws.events", "detail": {}}


def count_calls(client: Any) -> Counter[str]:
    calls: Counter[str] = Counter()
    client.meta.events.register("before-call.*.*", lambda model, **_: calls.update([model.name]))
    return calls


def queue_listing(stub: Callable[[str], Stubber], ec2: list[dict[str, Any]], licenses: list[dict[str, Any]],
                  page_size: int = 10) -> None:
    stub("ec2").add_response("describe_conversion_tasks", {"ConversionTasks": ec2}, {})
    queue_empty_vmie_listings(stub)
    for response, request in fleet.license_pages(licenses, page_size):
        stub("license-manager").add_response("list_license_conversion_tasks", response, request)


def queue_empty_vmie_listings(stub: Callable[[str], Stubber]) -> None:
    for method, response, request in fleet.EMPTY_VMIE_LISTINGS:
        stub("ec2").add_response(method, response, request)


def build_fleet() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """25 running EC2 tasks (+5 finished), 25 running license tasks (+5 finished)."""
    ec2 = [fleet.ec2_task(fleet.ec2_task_id(n, "vol" if n % 2 else "i"), "active" if n % 5 else "cancelling")
           for n in range(25)]
    ec2 += [fleet.ec2_task(fleet.ec2_task_id(100 + n), "completed" if n % 2 else "cancelled") for n in range(5)]
    licenses = [fleet.license_task(fleet.license_task_id(n), "IN_PROGRESS") for n in range(25)]
    licenses += [fleet.license_task(fleet.license_task_id(100 + n), "SUCCEEDED" if n % 2 else "FAILED")
                 for n in range(5)]
    return ec2, licenses


def test_sweep_starts_a_watch_for_each_unwatched_running_task_with_one_list_call_per_service(
    state_machine_arn: str, stub: Callable[[str], Stubber], lambda_context: FakeLambdaContext,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ec2, licenses = build_fleet()
    sfn = aws_clients.client("stepfunctions")
    watched = [t["ConversionTaskId"] for t in ec2[:10]] + [t["LicenseConversionTaskId"] for t in licenses[:10]]
    for task_id in watched[:-1]:
        start_watch(sfn, state_machine_arn, "ec2-conversion" if task_id.startswith("import-") else
                    "license-conversion", task_id)
    # One watch has already handed over to its second generation.
    gen1 = start_watch(sfn, state_machine_arn, "license-conversion", watched[-1])
    sfn.stop_execution(executionArn=gen1.execution_arn)
    sfn.start_execution(stateMachineArn=state_machine_arn, name=f"watch-{watched[-1]}-g2", input="{}")
    calls = count_calls(sfn)

    queue_listing(stub, ec2, licenses)  # license tasks: 3 pages of 10
    first = handler(SCHEDULED_EVENT, lambda_context)

    assert first["runningTasks"] == 50
    assert first["skippedRunningWatches"] == 20
    assert len(first["started"]) == 30 and not first["failures"] and not first["alreadyWatched"]
    assert set(first["started"]) == {t["ConversionTaskId"] for t in ec2[10:25]} | {
        t["LicenseConversionTaskId"] for t in licenses[10:25]
    }
    assert calls == {"ListExecutions": 1, "StartExecution": 30}
    assert len(executions(state_machine_arn, "RUNNING")) == 50
    assert emitted_metrics(capsys.readouterr().out) == {
        "RunningTasks": 50.0, "WatchStartRequests": 30.0, "WatchesResumed": 0.0, "SweepFailures": 0.0
    }

    calls.clear()
    queue_listing(stub, ec2, licenses)
    second = handler(SCHEDULED_EVENT, lambda_context)

    assert second["started"] == [] and second["skippedRunningWatches"] == 50
    assert calls == {"ListExecutions": 1}
    assert len(executions(state_machine_arn, "RUNNING")) == 50


def test_task_whose_watch_ended_without_its_outcome_is_resumed(
    state_machine_arn: str, stub: Callable[[str], Stubber], lambda_context: FakeLambdaContext
) -> None:
    sfn = aws_clients.client("stepfunctions")
    task_id = fleet.ec2_task_id(7)
    ended = start_watch(sfn, state_machine_arn, "ec2-conversion", task_id)
    sfn.stop_execution(executionArn=ended.execution_arn)  # stopped while its task still runs

    queue_listing(stub, [fleet.ec2_task(task_id, "active")], [])
    report = handler(SCHEDULED_EVENT, lambda_context)

    assert report["resumed"] == [task_id] and report["started"] == report["alreadyWatched"] == []
    assert len(executions(state_machine_arn)) == 2


def test_one_service_failing_to_list_does_not_stop_the_other(
    state_machine_arn: str, stub: Callable[[str], Stubber], lambda_context: FakeLambdaContext,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stub("ec2").add_client_error("describe_conversion_tasks", service_error_code="UnauthorizedOperation",
                                 http_status_code=403)
    queue_empty_vmie_listings(stub)
    stub("license-manager").add_response(
        "list_license_conversion_tasks",
        {"LicenseConversionTasks": [fleet.license_task(fleet.license_task_id(1), "IN_PROGRESS")]},
        {"Filters": fleet.RUNNING_FILTER, "MaxResults": fleet.LICENSE_PAGE_SIZE},
    )

    report = handler(SCHEDULED_EVENT, lambda_context)

    assert report["started"] == [fleet.license_task_id(1)]
    [failure] = report["failures"]
    assert "ec2:DescribeConversionTasks denied (UnauthorizedOperation)" in failure
    assert emitted_metrics(capsys.readouterr().out)["SweepFailures"] == 1.0


def test_nothing_running_means_no_step_functions_call(
    state_machine_arn: str, stub: Callable[[str], Stubber], lambda_context: FakeLambdaContext
) -> None:
    calls = count_calls(aws_clients.client("stepfunctions"))
    queue_listing(stub, [fleet.ec2_task(fleet.ec2_task_id(1), "completed")], [])
    report = handler(SCHEDULED_EVENT, lambda_context)
    assert report["runningTasks"] == 0
    assert calls == {}
