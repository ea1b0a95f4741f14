"""``WatchAutoStart`` as synthesized (cdk-nag's AwsSolutions pack must pass)."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Duration
from aws_cdk.assertions import Match, Template

from tests.autostart.stack_helpers import WATCHER_ARN, rule_with_pattern, synth_autostart


@pytest.fixture(scope="module")
def template() -> Template:
    return synth_autostart()


def _policy_of(template: Template, function_id_prefix: str) -> list[dict[str, Any]]:
    policies = template.find_resources("AWS::IAM::Policy")
    matching = [p for name, p in policies.items() if name.startswith(f"AutoStart{function_id_prefix}")]
    assert len(matching) == 1
    return matching[0]["Properties"]["PolicyDocument"]["Statement"]


def _actions(statement: dict[str, Any]) -> list[str]:
    actions = statement["Action"]
    return [actions] if isinstance(actions, str) else actions


def test_api_call_rule_lives_on_the_default_bus_and_matches_successful_creations(template: Template) -> None:
    rule = rule_with_pattern(template)
    assert "EventBusName" not in rule  # no bus given: the default bus, where AWS service events arrive
    assert rule["State"] == "ENABLED"
    assert rule["EventPattern"] == {
        "source": ["aws.ec2", "aws.license-manager"],
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {
            "eventSource": ["ec2.amazonaws.com", "license-manager.amazonaws.com"],
            "eventName": ["CreateInstanceExportTask", "CreateLicenseConversionTaskForResource", "ExportImage",
                          "ImportImage", "ImportInstance", "ImportSnapshot", "ImportVolume"],
            "errorCode": [{"exists": False}],
        },
    }


def test_sweeper_runs_every_15_minutes_by_default(template: Template) -> None:
    template.has_resource_properties("AWS::Events::Rule", {"ScheduleExpression": "rate(15 minutes)"})


def test_functions_follow_the_project_conventions(template: Template) -> None:
    functions = template.find_resources("AWS::Lambda::Function")
    assert len(functions) == 2
    for function in functions.values():
        props = function["Properties"]
        assert props["Runtime"] == "python3.13"
        assert props["Architectures"] == ["arm64"]
        assert props["TracingConfig"] == {"Mode": "Active"}
        assert props["Environment"]["Variables"]["STATE_MACHINE_ARN"] == WATCHER_ARN
        assert "LoggingConfig" in props
    assert {f["Properties"]["Handler"] for f in functions.values()} == {
        "conversion_watch.handlers.start_from_cloudtrail.handler",
        "conversion_watch.handlers.sweep_tasks.handler",
    }
    template.resource_count_is("AWS::Logs::LogGroup", 2)
    assert {g["Properties"]["RetentionInDays"] for g in template.find_resources("AWS::Logs::LogGroup").values()} == {30}


def test_starter_may_only_start_executions_of_the_watcher(template: Template) -> None:
    statements = _policy_of(template, "StartFromApiCall")
    sfn_statements = [s for s in statements if any(a.startswith("states:") for a in _actions(s))]
    assert sfn_statements == [
        {"Action": "states:StartExecution", "Effect": "Allow", "Resource": WATCHER_ARN},
        # Which execution holds a watch name, and is it watching the task? Its own executions only.
        {"Action": "states:DescribeExecution", "Effect": "Allow", "Resource": {"Fn::Join": ["", [
            "arn:", {"Ref": "AWS::Partition"}, ":states:us-east-1:123456789012:execution:Watcher:*"]]}},
    ]
    wildcard = [a for s in statements if s["Resource"] == "*" for a in _actions(s)]
    assert sorted(wildcard) == ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]


def test_sweeper_lists_with_wildcards_only_where_no_resource_level_permission_exists(template: Template) -> None:
    statements = _policy_of(template, "Sweep")
    wildcard = sorted(a for s in statements if s["Resource"] == "*" for a in _actions(s))
    assert wildcard == [
        "ec2:DescribeConversionTasks",
        "ec2:DescribeExportImageTasks",
        "ec2:DescribeExportTasks",
        "ec2:DescribeImportImageTasks",
        "ec2:DescribeImportSnapshotTasks",
        "license-manager:ListLicenseConversionTasks",
        "xray:PutTelemetryRecords",
        "xray:PutTraceSegments",
    ]
    scoped = [s for s in statements if s["Resource"] == WATCHER_ARN]
    assert sorted(a for s in scoped for a in _actions(s)) == ["states:ListExecutions", "states:StartExecution"]


def test_a_start_that_keeps_failing_is_kept_and_alarmed_not_dropped(template: Template) -> None:
    (queue_id,) = template.find_resources("AWS::SQS::Queue", {"Properties": {"SqsManagedSseEnabled": True}})
    queue_arn = {"Fn::GetAtt": [queue_id, "Arn"]}
    rule = rule_with_pattern(template)
    (target,) = rule["Targets"]
    assert target["DeadLetterConfig"] == {"Arn": queue_arn}  # EventBridge could not invoke the starter
    assert target["RetryPolicy"]["MaximumRetryAttempts"] == 4
    template.has_resource_properties(  # the starter itself failed, after Lambda's own retries
        "AWS::Lambda::EventInvokeConfig",
        {"MaximumRetryAttempts": 2, "DestinationConfig": {"OnFailure": {"Destination": queue_arn}}},
    )
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {"MetricName": "ApproximateNumberOfMessagesVisible", "Namespace": "AWS/SQS", "Threshold": 1,
         "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue_id, "QueueName"]}}]},
    )
    # Only EventBridge, for this rule, may send to it; and only over TLS.
    (queue_policy,) = template.find_resources("AWS::SQS::QueuePolicy").values()
    statements = queue_policy["Properties"]["PolicyDocument"]["Statement"]
    assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
               for s in statements)
    (events_grant,) = [s for s in statements if s.get("Principal") == {"Service": "events.amazonaws.com"}]
    assert "aws:SourceArn" in events_grant["Condition"]["ArnEquals"]


def test_api_call_rule_can_be_turned_off() -> None:
    template = synth_autostart(start_on_api_calls=False)
    assert not [r for r in template.find_resources("AWS::Events::Rule").values() if "EventPattern" in r["Properties"]]
    template.has_resource_properties(
        "AWS::Lambda::Function", {"Handler": "conversion_watch.handlers.sweep_tasks.handler"}
    )
    template.resource_count_is("AWS::Lambda::Function", 1)


def test_sweep_interval_is_configurable_and_can_be_turned_off() -> None:
    hourly = synth_autostart(sweep_interval=Duration.hours(1))
    hourly.has_resource_properties("AWS::Events::Rule", {"ScheduleExpression": "rate(1 hour)"})
    off = synth_autostart(sweep_interval=None)
    off.resource_count_is("AWS::Lambda::Function", 1)
    off.has_resource_properties("AWS::Events::Rule", {"EventPattern": Match.any_value()})
    assert not [r for r in off.find_resources("AWS::Events::Rule").values() if "ScheduleExpression" in r["Properties"]]


@pytest.mark.parametrize("interval", [Duration.seconds(30), Duration.days(2)])
def test_sweep_interval_out_of_range_is_refused(interval: Duration) -> None:
    with pytest.raises(ValueError, match="sweep_interval"):
        synth_autostart(sweep_interval=interval)
