"""Notifications: only when configured, encrypted, SSL-only, and a message
that reads well, filled from real events."""

from __future__ import annotations

import json
import re
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_events as events

from conversion_watch.event_contract import event_schema
from conversion_watch.models import STATE_CHANGE, WATCH_ERROR
from conversion_watch_cdk.notifications import WatchNotifications
from conversion_watch_cdk.notifications.messages import (
    STATE_CHANGE_PATHS,
    WATCH_ERROR_PATHS,
    WATCH_ERROR_TEMPLATE,
    PlainTextMessage,
    outcome_template,
)
from localrun.event_schemas import sample_envelope
from tests.contract import details
from tests.contract.stack import synth_stack

ALL_TASK_TYPES = ("ec2-conversion", "license-conversion", "ec2-import-image", "ec2-import-snapshot",
                  "ec2-export-image", "ec2-export-instance")

EMAILS = {"conversionWatch:notificationEmails": "ops@example.com, oncall@example.com"}
TOPIC_ARN = "arn:aws:sns:us-east-1:111122223333:existing-alerts"


def test_nothing_is_created_unless_configured() -> None:
    template = synth_stack()
    for resource_type in ("AWS::SNS::Topic", "AWS::KMS::Key", "AWS::SNS::Subscription"):
        template.resource_count_is(resource_type, 0)
    targets = [t for r in template.find_resources("AWS::Events::Rule").values() for t in r["Properties"]["Targets"]]
    assert not [t for t in targets if "InputTransformer" in t]


def test_email_topic_is_encrypted_with_a_rotating_key_and_ssl_only() -> None:
    template = synth_stack(**EMAILS)
    (key_id,) = template.find_resources("AWS::KMS::Key", {"Properties": {"EnableKeyRotation": True}})
    template.has_resource_properties(
        "AWS::SNS::Topic", {"KmsMasterKeyId": {"Fn::GetAtt": [key_id, "Arn"]}, "DisplayName": "Conversion Watch"}
    )
    (policy,) = template.find_resources("AWS::SNS::TopicPolicy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    assert {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}.items() <= statements[0].items()
    # Only this account's alarms publish by topic policy; the rules use a role of this account.
    (allowed,) = [s for s in statements if s["Effect"] == "Allow"]
    assert allowed["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert allowed["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
    rule_targets = [t for r in notification_rules(template) for t in r["Targets"]]
    (role,) = {json.dumps(t["RoleArn"]) for t in rule_targets}
    role_id = json.loads(role)["Fn::GetAtt"][0]
    (role_policy,) = [p["Properties"]["PolicyDocument"]["Statement"]
                      for p in template.find_resources("AWS::IAM::Policy").values()
                      if {"Ref": role_id} in p["Properties"]["Roles"]]
    assert sorted((s["Action"] if isinstance(s["Action"], str) else ",".join(s["Action"])) for s in role_policy) == [
        "kms:Decrypt,kms:GenerateDataKey*", "sns:Publish"]
    subscriptions = template.find_resources("AWS::SNS::Subscription").values()
    assert sorted(s["Properties"]["Endpoint"] for s in subscriptions) == ["oncall@example.com", "ops@example.com"]
    assert {s["Properties"]["Protocol"] for s in subscriptions} == {"email"}
    assert "NotificationTopicArn" in template.to_json()["Outputs"]


def notification_rules(template: Any) -> list[dict[str, Any]]:
    rules = template.find_resources("AWS::Events::Rule").values()
    return [r["Properties"] for r in rules if "InputTransformer" in r["Properties"]["Targets"][0]]


def test_rules_send_terminal_outcomes_and_errors_with_a_readable_message() -> None:
    rules = notification_rules(synth_stack(**EMAILS))
    patterns = sorted(
        (r["EventPattern"]["detail-type"][0], r["EventPattern"].get("detail", {}).get("taskType", [""])[0],
         r["EventPattern"].get("detail", {}).get("state", [""])[0])
        for r in rules
    )
    assert patterns == sorted(
        [(STATE_CHANGE, t, s) for t in ALL_TASK_TYPES
         for s in ("COMPLETED", "CANCELLED", "FAILED")] + [(WATCH_ERROR, "", "")]
    )
    for rule in rules:
        assert rule["EventPattern"]["source"] == ["conversion-watch"]
        if rule["EventPattern"]["detail-type"] == [STATE_CHANGE]:
            assert rule["EventPattern"]["detail"]["terminal"] == [True]
        template = rule["Targets"][0]["InputTransformer"]["InputTemplate"]
        assert not template.startswith('"'), "plain text: no JSON quotes in the inbox"


def test_an_existing_topic_is_used_as_is() -> None:
    template = synth_stack(**{"conversionWatch:notificationTopicArn": TOPIC_ARN})
    template.resource_count_is("AWS::SNS::Topic", 0)
    template.resource_count_is("AWS::KMS::Key", 0)
    rules = notification_rules(template)
    assert len(rules) == 3 * len(ALL_TASK_TYPES) + 1
    assert all(r["Targets"][0]["Arn"] == TOPIC_ARN for r in rules)
    all_alarms = template.find_resources("AWS::CloudWatch::Alarm")
    alarms = [alarm for alarm_id, alarm in all_alarms.items() if alarm_id.startswith("Operations")]
    assert len(alarms) == 5
    assert all(a["Properties"]["AlarmActions"] == [TOPIC_ARN] for a in alarms)


def fill(template: str, paths: dict[str, str], event: dict[str, Any]) -> str:
    """What EventBridge's input transformer does with a plain-text template
    (this emulation writes JSON null as ``null``)."""
    def value(path: str) -> str:
        node: Any = event
        for key in path.removeprefix("$.").split("."):
            node = node.get(key) if isinstance(node, dict) else None
        return "null" if node is None else str(node)

    return re.sub(r"<([A-Za-z]+)>", lambda match: value(paths[match[1]]), template)


def test_the_inbox_reads_vm_import_completed_after_3_h_12_min() -> None:
    event = sample_envelope(STATE_CHANGE, details.ec2_lifecycle()[-1])
    text = fill(outcome_template("ec2-conversion", "COMPLETED"), STATE_CHANGE_PATHS, event)
    assert text.splitlines()[0] == "VM import import-i-ffvko9js completed after 3 h 12 min."
    assert "State: COMPLETED (service state: completed), previously IN_PROGRESS." in text
    assert text.splitlines()[2].startswith("Why: completed (")

    failed = sample_envelope(STATE_CHANGE, details.license_lifecycle("FAILED")[-1])
    text = fill(outcome_template("license-conversion", "FAILED"), STATE_CHANGE_PATHS, failed)
    assert text.splitlines()[0] == f"License conversion {details.LICENSE_TASK_ID} failed after 2 h 12 min."
    assert "Service message: disk busy" in text
    assert text.splitlines()[2].startswith("Why: error (")


def test_watch_error_message() -> None:
    event = sample_envelope(WATCH_ERROR, details.error_details()[1])
    text = fill(WATCH_ERROR_TEMPLATE, WATCH_ERROR_PATHS, event)
    first_line = "Conversion Watch stopped watching ec2-conversion task import-i-ffvko9js: TaskNotFound."
    assert text.splitlines()[0] == first_line


@pytest.mark.parametrize(
    ("detail_type", "paths"), [(STATE_CHANGE, STATE_CHANGE_PATHS), (WATCH_ERROR, WATCH_ERROR_PATHS)]
)
def test_every_placeholder_reads_a_field_the_schema_defines(detail_type: str, paths: dict[str, str]) -> None:
    schema = event_schema(detail_type)
    detail_fields = schema["definitions"][schema["properties"]["detail"]["$ref"].rsplit("/", 1)[1]]["properties"]
    for path in paths.values():
        parts = path.removeprefix("$.").split(".")
        fields = detail_fields if parts[0] == "detail" else schema["properties"]
        assert parts[-1] in fields, path


def test_a_placeholder_without_a_path_is_refused() -> None:
    with pytest.raises(ValueError, match="not used in the template"):
        PlainTextMessage("<taskId> done", {"taskId": "$.detail.taskId", "state": "$.detail.state"})


@pytest.mark.parametrize(
    ("props", "message"),
    [({}, "needs email_addresses or an existing topic"), ({"email_addresses": ["ops.example.com"]}, "not e-mail")],
)
def test_construct_refuses_a_useless_or_wrong_configuration(props: dict[str, Any], message: str) -> None:
    stack = cdk.Stack(cdk.App(), "Bare")
    bus = events.EventBus(stack, "Bus")
    with pytest.raises(ValueError, match=message):
        WatchNotifications(stack, "Notifications", event_bus=bus, event_source="conversion-watch", **props)
