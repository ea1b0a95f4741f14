"""Alarms and dashboard in the synthesized template, and the dashboard's
metrics matched against the EMF the real handlers print."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.stub import Stubber

from conversion_watch import aws_clients
from conversion_watch.contract import TASK_FAILED_ERROR
from conversion_watch.handlers import poll_task, validate_watch
from conversion_watch_cdk.operations.metrics import (
    HANDLER_METRICS,
    NAMESPACE,
    SERVICE,
    TASK_TYPES,
    WATCHER_FAULT_FILTER,
    WATCHER_FAULTS,
)
from localrun.lambda_context import FakeLambdaContext
from tests.contract import details
from tests.contract.stack import resolve_json, synth_stack

NOTIFY = {"conversionWatch:notificationEmails": "ops@example.com"}


def operations_alarms(template: Any) -> list[dict[str, Any]]:
    """The alarms of ``WatchOperations`` (other constructs may add their own)."""
    alarms = template.find_resources("AWS::CloudWatch::Alarm")
    return [alarm["Properties"] for logical_id, alarm in alarms.items() if logical_id.startswith("Operations")]


def test_alarms_on_watcher_faults_executions_and_lambda_errors() -> None:
    alarms = operations_alarms(synth_stack())
    assert sorted((a["Namespace"], a["MetricName"]) for a in alarms) == [
        ("AWS/Lambda", "Errors"),
        ("AWS/Lambda", "Errors"),
        ("AWS/States", "ExecutionThrottled"),
        ("AWS/States", "ExecutionsTimedOut"),
        (NAMESPACE, WATCHER_FAULTS),
    ]
    functions = sorted(a["Dimensions"][0]["Value"]["Ref"] for a in alarms if a["Namespace"] == "AWS/Lambda")
    assert [f.removesuffix(f[-8:]) for f in functions] == [
        "WatcherFunctionsPollFunction",
        "WatcherFunctionsValidateFunction",
    ]
    machines = {a["Dimensions"][0]["Value"]["Ref"] for a in alarms if a["Namespace"] == "AWS/States"}
    assert not any(a["MetricName"] == "ExecutionsFailed" for a in alarms), "a failed task is no watcher fault"
    assert [m.removesuffix(m[-8:]) for m in machines] == ["WatcherStateMachine"]
    for alarm in alarms:
        assert (alarm["Threshold"], alarm["ComparisonOperator"], alarm["TreatMissingData"], alarm["Statistic"]) == (
            1, "GreaterThanOrEqualToThreshold", "notBreaching", "Sum")
        assert "AlarmActions" not in alarm  # no topic configured


def test_lambda_error_alarms_wait_for_sustained_errors_execution_alarms_do_not() -> None:
    """A throttled poll raises, and the state machine retries it: one error is not news."""
    for alarm in operations_alarms(synth_stack()):
        periods = (alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"])
        assert periods == ((3, 3) if alarm["Namespace"] == "AWS/Lambda" else (1, 1)), alarm["MetricName"]


def test_watcher_faults_are_failed_executions_other_than_a_failed_task() -> None:
    """The metric filter on the state machine's log: every ExecutionFailed whose error is not
    the "Task Failed" state's (watch errors, event delivery failures, unexpected results)."""
    template = synth_stack()
    (metric_filter,) = template.find_resources("AWS::Logs::MetricFilter").values()
    props = metric_filter["Properties"]
    assert props["FilterPattern"] == WATCHER_FAULT_FILTER
    [transformation] = props["MetricTransformations"]
    assert (transformation["MetricNamespace"], transformation["MetricName"]) == (NAMESPACE, WATCHER_FAULTS)
    (machine,) = template.find_resources("AWS::StepFunctions::StateMachine").values()
    [destination] = machine["Properties"]["LoggingConfiguration"]["Destinations"]
    log_group_id = destination["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0]
    assert props["LogGroupName"] == {"Ref": log_group_id}
    # The error the filter leaves out is the "Task Failed" state's.
    assert f'\\"Task Failed\\":{{\\"Type\\":\\"Fail\\",\\"Error\\":\\"{TASK_FAILED_ERROR}\\"' in json.dumps(machine)


def test_alarm_actions_go_to_the_notification_topic_when_configured() -> None:
    template = synth_stack(**NOTIFY)
    (topic_id,) = template.find_resources("AWS::SNS::Topic")
    alarms = operations_alarms(template)
    assert len(alarms) == 5
    assert all(a["AlarmActions"] == [{"Ref": topic_id}] for a in alarms)


def dashboard_metrics(template: Any) -> list[list[Any]]:
    (dashboard,) = template.find_resources("AWS::CloudWatch::Dashboard").values()
    body = resolve_json(dashboard["Properties"]["DashboardBody"])
    return [metric for widget in body["widgets"] for metric in widget["properties"].get("metrics", [])]


def dimension_sets(metric: list[Any]) -> tuple[str, str, dict[str, str]]:
    namespace, name, *rest = metric
    pairs = [item for item in rest if not isinstance(item, dict)]
    return namespace, name, dict(zip(pairs[::2], pairs[1::2], strict=True))


def emitted_metrics(stdout: str) -> dict[str, set[tuple[tuple[str, str], ...]]]:
    """Metric name -> the dimension sets (name, value) the EMF blobs declare."""
    found: dict[str, set[tuple[tuple[str, str], ...]]] = {}
    for line in stdout.splitlines():
        if '"_aws"' not in line:
            continue
        blob = json.loads(line)
        for directive in blob["_aws"]["CloudWatchMetrics"]:
            assert directive["Namespace"] == NAMESPACE
            for dimensions in directive["Dimensions"]:
                for metric in directive["Metrics"]:
                    found.setdefault(metric["Name"], set()).add(tuple(sorted((d, blob[d]) for d in dimensions)))
    return found


@pytest.fixture
def stubbed_ec2(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("WATCH_TABLE_NAME", "watch-table")
    # The shared snapshot off: this test pins one describe call per poll (and one table read, the cancel mark).
    monkeypatch.setenv("SNAPSHOT_MAX_AGE_SECONDS", "0")
    aws_clients.reset()
    with Stubber(aws_clients.client("ec2")) as stubber:
        yield stubber
    aws_clients.reset()


def test_dashboard_queries_exactly_what_the_handlers_emit(capsys: Any, stubbed_ec2: Stubber) -> None:
    context = FakeLambdaContext()
    validate_watch.handler({"input": {"taskType": "ec2-conversion", "taskId": details.EC2_TASK_ID}}, context)
    validate_watch.handler({"input": {"taskType": "ec2-conversion", "taskId": "nope"}}, context)
    watch = details.new_watch("ec2-conversion", details.EC2_TASK_ID).model_dump(mode="json")
    stubbed_ec2.add_response(
        "describe_conversion_tasks",
        {"ConversionTasks": [details.ec2_task("active")]},
        {"ConversionTaskIds": [details.EC2_TASK_ID]},
    )
    stubbed_ec2.add_client_error("describe_conversion_tasks", service_error_code="InvalidConversionTaskId.Malformed",
                                 http_status_code=400)
    stubbed_ec2.add_response(
        "describe_conversion_tasks",
        {"ConversionTasks": [{**details.ec2_task("cancelled"), "StatusMessage": "ClientError: Unsupported kernel"}]},
        {"ConversionTaskIds": [details.EC2_TASK_ID]},
    )
    first = poll_task.handler({"watch": watch}, context)
    poll_task.handler({"watch": first["watch"]}, context)
    with Stubber(aws_clients.client("dynamodb")) as table:  # the cancel mark: none
        table.add_response("get_item", {})
        failed = poll_task.handler({"watch": first["watch"]}, context)
    assert failed["status"]["state"] == "FAILED"
    emitted = emitted_metrics(capsys.readouterr().out)

    assert set(emitted) == set(HANDLER_METRICS)
    for name, extra in HANDLER_METRICS.items():
        expected = {("service", SERVICE)} | ({("TaskType", "ec2-conversion")} if extra else set())
        assert emitted[name] == {tuple(sorted(expected))}, name

    queried = [dimension_sets(m) for m in dashboard_metrics(synth_stack())]
    ours = [(name, dims) for namespace, name, dims in queried if namespace == NAMESPACE and name != WATCHER_FAULTS]
    assert {name for name, _ in ours} == set(HANDLER_METRICS)
    for name, dims in ours:
        assert set(dims) == {"service", *HANDLER_METRICS[name]}, name
        assert dims["service"] == SERVICE
        assert dims.get("TaskType", TASK_TYPES[0]) in TASK_TYPES
    per_type = {(name, dims["TaskType"]) for name, dims in ours if "TaskType" in dims}
    assert per_type == {(name, t) for name, extra in HANDLER_METRICS.items() if extra for t in TASK_TYPES}


def test_functions_publish_under_the_service_and_namespace_the_dashboard_reads() -> None:
    functions = synth_stack().find_resources("AWS::Lambda::Function")
    watcher = [f for f_id, f in functions.items() if f_id.startswith("WatcherFunctions")]
    assert len(watcher) == 2
    for function in watcher:
        env = function["Properties"]["Environment"]["Variables"]
        assert (env["POWERTOOLS_SERVICE_NAME"], env["POWERTOOLS_METRICS_NAMESPACE"]) == (SERVICE, NAMESPACE)


def test_dashboard_counts_running_watches_from_the_state_machine_log() -> None:
    (dashboard,) = synth_stack().find_resources("AWS::CloudWatch::Dashboard").values()
    body = resolve_json(dashboard["Properties"]["DashboardBody"])
    (query_widget,) = [w for w in body["widgets"] if w["type"] == "log"]
    assert query_widget["properties"]["title"] == "Watches running"
    assert "<WatcherStateMachineLogs" in query_widget["properties"]["query"]
    assert "stats count(*) as watchesRunning" in query_widget["properties"]["query"]
    titles = {w["properties"].get("title") for w in body["widgets"]}
    assert {"State changes (events published)", "Polls", "Errors", "Alarms"} <= titles
