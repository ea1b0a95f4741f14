"""Cancel calls seen in CloudTrail: the rule matches successful ones (pattern derived
from the registry), the starter records a CANCEL mark in the watch table (a conditional
put, nothing else), and the poll step reads it (tests/unit/test_poll_outcomes.py)."""

from __future__ import annotations

import copy
from typing import Any

import aws_cdk as cdk
import boto3
import pytest
from aws_cdk import aws_dynamodb as dynamodb

from conversion_watch import aws_clients, cancel_marks
from conversion_watch.cloudtrail import RejectedEvent, cancel_from_event
from conversion_watch.handlers.start_from_cloudtrail import handler
from localrun.autostart import ApiCall
from localrun.engine import run_autostart
from localrun.lambda_context import FakeLambdaContext
from localrun.moto_patches.targets import event_pattern
from tests.autostart import samples
from tests.autostart.conftest import executions
from tests.autostart.stack_helpers import rule_with_pattern, synth_autostart

TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/watch"


def _with_table(stack: cdk.Stack) -> dynamodb.ITable:
    return dynamodb.Table.from_table_arn(stack, "WatchTable", TABLE_ARN)


@pytest.fixture(scope="module")
def template() -> Any:
    app = cdk.App()
    stack = cdk.Stack(app, "Holder", env=cdk.Environment(account="123456789012", region="us-east-1"))
    return synth_autostart(watch_table=_with_table(stack))


@pytest.fixture(scope="module")
def pattern(template: Any) -> Any:
    return event_pattern(rule_with_pattern(template)["EventPattern"])


def test_the_rule_matches_successful_cancel_calls_and_still_every_start(pattern: Any) -> None:
    assert pattern.matches_event(samples.cancel_conversion_event())
    assert pattern.matches_event(samples.import_volume_event())
    assert pattern.matches_event(samples.license_conversion_event())


def test_the_rule_skips_failed_cancels_and_the_starter_refuses_cancels_that_name_no_task(
    pattern: Any,
) -> None:
    assert not pattern.matches_event(samples.failed_call(samples.cancel_conversion_event()))
    # The rule reads no field of the record (where the id sits is not documented): the starter refuses it.
    nameless = copy.deepcopy(samples.cancel_conversion_event())
    nameless["detail"]["requestParameters"] = {}
    assert pattern.matches_event(nameless)
    with pytest.raises(RejectedEvent, match="MissingTaskId"):
        cancel_from_event(nameless)


def test_the_starter_may_only_put_items_in_the_table(template: Any) -> None:
    statements = [
        s for policy in template.find_resources("AWS::IAM::Policy").values()
        if any("StartFromApiCall" in role["Ref"] for role in policy["Properties"]["Roles"])  # the sweeper reads
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if any(str(a).startswith("dynamodb:") for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))
    ]
    assert [s["Action"] for s in statements] == ["dynamodb:PutItem"]


def test_without_a_table_cancels_are_not_matched() -> None:
    pattern = event_pattern(rule_with_pattern(synth_autostart())["EventPattern"])
    assert not pattern.matches_event(samples.cancel_conversion_event())


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (samples.failed_call(samples.cancel_conversion_event()), "FailedCall"),
        (samples.cancel_conversion_event(task_id="lct-0123456789abcdef0123456789abcdef"), "MalformedTaskId"),
        (samples.cancel_conversion_event(task_id=""), "MissingTaskId"),
    ],
)
def test_unusable_cancel_records_are_rejected(event: Any, reason: str) -> None:
    with pytest.raises(RejectedEvent) as rejected:
        cancel_from_event(event)
    assert rejected.value.reason == reason


def test_a_start_call_is_no_cancel() -> None:
    assert cancel_from_event(samples.import_volume_event()) is None


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch, state_machine_arn: str) -> str:
    """A watch table in moto (inside the state machine fixture's mock)."""
    boto3.client("dynamodb", region_name="us-east-1").create_table(
        TableName="watch", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"}],
    )
    monkeypatch.setenv("WATCH_TABLE_NAME", "watch")
    return "watch"


def test_a_cancel_call_leaves_one_mark_and_starts_no_watch(
    table: str, state_machine_arn: str, lambda_context: FakeLambdaContext
) -> None:
    event = samples.cancel_conversion_event()
    first = handler(event, lambda_context)
    second = handler(event, lambda_context)  # EventBridge delivers at least once

    assert (first["outcome"], second["outcome"]) == ("CANCEL_RECORDED", "CANCEL_ALREADY_RECORDED")
    assert executions(state_machine_arn) == []
    dynamo = aws_clients.client("dynamodb")
    assert cancel_marks.cancel_marked(dynamo, table, samples.VOLUME_TASK)
    assert not cancel_marks.cancel_marked(dynamo, table, "import-vol-00000000")
    item = dynamo.get_item(TableName=table, Key={"pk": {"S": f"TASK#{samples.VOLUME_TASK}"}, "sk": {"S": "CANCEL"}})
    assert item["Item"]["eventName"] == {"S": "CancelConversionTask"}
    assert int(item["Item"]["expiresAt"]["N"]) > 0


def _cancelled_between_polls(final_message: str) -> dict[str, Any]:
    """Goes from active straight to cancelled (no 'cancelling' in between two polls)."""
    return {"taskType": "ec2-conversion", "taskId": samples.VOLUME_TASK, "conversionType": "ImportVolume",
            "timeline": [{"at": 0, "state": "active"},
                         {"at": 700, "state": "cancelled", "statusMessage": final_message}]}


@pytest.mark.parametrize(("calls", "expected"), [
    # The cancel call seen in CloudTrail makes the end a user cancel, whatever the message says.
    ([ApiCall(60, samples.import_volume_event()), ApiCall(650, samples.cancel_conversion_event())],
     ("CANCELLED", "user-cancelled", "SUCCEEDED")),
    # Without it, the error in StatusMessage makes the same end a failure.
    ([ApiCall(60, samples.import_volume_event())], ("FAILED", "error", "FAILED")),
])
def test_end_to_end_a_cancel_call_tells_a_user_cancel_from_a_failure(calls: list[Any], expected: Any) -> None:
    report = run_autostart({"tasks": [_cancelled_between_polls("ClientError: Footers not identical")]},
                           api_calls=calls)

    [end] = [e["detail"] for e in report.run.events if e["detail"]["terminal"]]
    [execution] = report.run.executions
    assert (end["state"], end["outcomeReason"], execution.status) == expected
    assert end["serviceState"] == "cancelled"
