"""The stack's context, read once into ``StackSettings``: each bad value is a
one-line error naming its ``conversionWatch:*`` key, raised while the app is
built (so ``cdk synth`` stops with it), never a bare KeyError or int() error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_logs as logs
from aws_cdk.assertions import Match, Template

from app import build_app
from conversion_watch import contract
from conversion_watch_cdk.settings import CONTEXT_KEYS, PREFIX, ContextError, StackSettings

ROOT = Path(__file__).resolve().parents[2]
RETENTIONS = ", ".join(logs.RetentionDays.__members__)


def settings_of(**context: Any) -> StackSettings:
    return StackSettings.from_context(cdk.App(context={PREFIX + k: v for k, v in context.items()}).node)


def test_no_context_gives_the_contract_defaults() -> None:
    settings = settings_of()

    assert settings == StackSettings()
    assert (settings.event_source, settings.min_poll_seconds, settings.max_poll_seconds, settings.max_watch_days) == (
        contract.DEFAULT_EVENT_SOURCE,
        contract.DEFAULT_MIN_POLL_SECONDS,
        contract.DEFAULT_MAX_POLL_SECONDS,
        contract.DEFAULT_MAX_WATCH_DAYS,
    )
    assert settings.sweep_minutes == contract.DEFAULT_SWEEP_MINUTES
    assert settings.archive_retention_days == contract.DEFAULT_ARCHIVE_RETENTION_DAYS
    assert settings.log_retention == logs.RetentionDays.ONE_MONTH
    assert settings.start_on_api_calls is True
    assert not settings.notifications_wanted


def test_every_setting_has_one_context_key() -> None:
    assert set(CONTEXT_KEYS) == {field.name for field in fields(StackSettings)}
    keys = [key for key, _ in CONTEXT_KEYS.values()]
    assert len(keys) == len(set(keys))


def test_strings_from_the_command_line_and_json_values_from_cdk_json_both_work() -> None:
    from_cli = settings_of(minPollSeconds="10", maxPollSeconds="600", maxWatchDays="90", startOnApiCalls="False",
                           sweepMinutes="0", archiveRetentionDays="0", logRetention="ONE_WEEK",
                           notificationEmails="a@example.com, b@example.com")
    from_json = settings_of(minPollSeconds=10, maxPollSeconds=600, maxWatchDays=90, startOnApiCalls=False,
                            sweepMinutes=0, archiveRetentionDays=0, logRetention="ONE_WEEK",
                            notificationEmails=["a@example.com", "b@example.com"])

    assert from_cli == from_json
    assert from_cli.min_poll_seconds == 10 and from_cli.max_watch_days == 90
    assert from_cli.start_on_api_calls is False and from_cli.sweep_minutes == 0
    assert from_cli.log_retention == logs.RetentionDays.ONE_WEEK
    assert from_cli.notification_emails == ("a@example.com", "b@example.com")


BAD_VALUES = [
    ("logRetention", "ONE_WEEKK", f"conversionWatch:logRetention: 'ONE_WEEKK' is not one of {RETENTIONS}"),
    ("maxWatchDays", "500", "conversionWatch:maxWatchDays: must be between 1 and 365, got 500"),
    ("maxWatchDays", 0, "conversionWatch:maxWatchDays: must be between 1 and 365, got 0"),
    ("minPollSeconds", "abc", "conversionWatch:minPollSeconds: 'abc' is not an integer"),
    ("minPollSeconds", "1.5", "conversionWatch:minPollSeconds: '1.5' is not an integer"),
    ("minPollSeconds", True, "conversionWatch:minPollSeconds: True is not an integer"),
    ("minPollSeconds", "--5", "conversionWatch:minPollSeconds: '--5' is not an integer"),
    ("maxPollSeconds", 1.5, "conversionWatch:maxPollSeconds: 1.5 is not an integer"),
    ("maxPollSeconds", "0", "conversionWatch:maxPollSeconds: must be between 1 and 86400, got 0"),
    ("sweepMinutes", "-5", "conversionWatch:sweepMinutes: must be between 0 and 1440, got -5"),
    ("sweepMinutes", "2000", "conversionWatch:sweepMinutes: must be between 0 and 1440, got 2000"),
    ("archiveRetentionDays", "-1", "conversionWatch:archiveRetentionDays: must be at least 0, got -1"),
    ("startOnApiCalls", "yes", "conversionWatch:startOnApiCalls: 'yes' is not true or false"),
    ("eventSource", "aws.ec2", "conversionWatch:eventSource: 'aws.ec2' must be 1 to 256 characters and not start "
                               "with 'aws.' (reserved by AWS)"),
    ("powertoolsLayerArn", "AWSLambdaPowertoolsPythonV3",
     "conversionWatch:powertoolsLayerArn: 'AWSLambdaPowertoolsPythonV3' is not a Lambda layer version ARN"),
    ("notificationTopicArn", "arn:aws:sqs:us-east-1:111122223333:q",
     "conversionWatch:notificationTopicArn: 'arn:aws:sqs:us-east-1:111122223333:q' is not an SNS topic ARN"),
    ("notificationEmails", "ops.example.com", "conversionWatch:notificationEmails: 'ops.example.com' is not an "
                                              "email address"),
    ("notificationEmails", {"to": "ops@example.com"}, "conversionWatch:notificationEmails: {'to': 'ops@example.com'} "
                                                      "is not a comma-separated string or a list of email addresses"),
    ("dashboardName", 7, "conversionWatch:dashboardName: 7 is not a name"),
]


@pytest.mark.parametrize(("key", "value", "message"), BAD_VALUES, ids=[f"{k}={v!r}" for k, v, _ in BAD_VALUES])
def test_building_the_app_with_a_bad_value_fails_with_an_error_naming_the_key(key: str, value: Any, message: str):
    app = cdk.App(context={PREFIX + key: value})

    with pytest.raises(ContextError) as raised:
        build_app(app)

    assert str(raised.value) == message
    assert raised.value.key == PREFIX + key
    assert isinstance(raised.value, ValueError)


def test_a_minimum_poll_above_the_maximum_names_both_keys() -> None:
    with pytest.raises(ContextError, match=r"^conversionWatch:minPollSeconds: must be at most "
                                           r"conversionWatch:maxPollSeconds \(60\), got 120$"):
        settings_of(minPollSeconds="120", maxPollSeconds="60")


def test_the_stack_builds_what_its_settings_say() -> None:
    app = build_app(cdk.App(context={PREFIX + "maxWatchDays": "90", PREFIX + "minPollSeconds": "45",
                                     PREFIX + "logRetention": "TWO_WEEKS", PREFIX + "sweepMinutes": "0"}))
    stack = app.node.find_child("ConversionWatch")
    template = Template.from_stack(stack)  # type: ignore[arg-type]

    template.has_resource_properties("AWS::Lambda::Function", {
        "Handler": "conversion_watch.handlers.poll_task.handler",
        "Environment": {"Variables": Match.object_like({
            contract.ENV_MIN_POLL_SECONDS: "45",
            contract.ENV_DEFAULT_MAX_WATCH_SECONDS: str(90 * 24 * 3600),
        })},
    })
    template.all_resources_properties("AWS::Logs::LogGroup", Match.object_like({"RetentionInDays": 14}))
    assert not [h for h in template.find_resources("AWS::Lambda::Function").values()
                if "sweep" in h["Properties"]["Handler"]]


def test_the_app_run_by_cdk_synth_prints_one_line_naming_the_key(tmp_path: Path) -> None:
    """``cdk synth -c conversionWatch:maxWatchDays=500`` runs ``python3 app.py`` with the context in
    ``CDK_CONTEXT_JSON``; what the user reads is the app's stderr."""
    env = {**os.environ, "CDK_CONTEXT_JSON": json.dumps({PREFIX + "maxWatchDays": "500"}),
           "CDK_OUTDIR": str(tmp_path)}

    result = subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300, check=False)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == "error: conversionWatch:maxWatchDays: must be between 1 and " \
                                                      "365, got 500"
    assert "Traceback" not in result.stderr
