"""A small stack holding only ``WatchAutoStart`` (fast to synthesize), with
cdk-nag's AwsSolutions pack on, as in the app."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk.assertions import Template
from cdk_nag import AwsSolutionsChecks

from conversion_watch_cdk.autostart import WatchAutoStart

WATCHER_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:Watcher"
LAYER_ARN = "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-arm64:1"


def synth_autostart(**props: Any) -> Template:
    app = cdk.App()
    stack = cdk.Stack(app, "AutoStartTest", env=cdk.Environment(account="123456789012", region="us-east-1"))
    WatchAutoStart(
        stack,
        "AutoStart",
        state_machine=sfn.StateMachine.from_state_machine_arn(stack, "Watcher", WATCHER_ARN),
        powertools_layer=lambda_.LayerVersion.from_layer_version_arn(stack, "Powertools", LAYER_ARN),
        architecture=lambda_.Architecture.ARM_64,
        **props,
    )
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    app.synth()  # raises on any cdk-nag finding
    return Template.from_stack(stack)


def rule_with_pattern(template: Template) -> dict[str, Any]:
    # The API-call rule (with a watch table there is also the rule on the watcher's own execution ends).
    rules = [r for r in template.find_resources("AWS::Events::Rule").values() if "EventPattern" in r["Properties"]
             and "AWS API Call via CloudTrail" in r["Properties"]["EventPattern"].get("detail-type", [])]
    assert len(rules) == 1
    return rules[0]["Properties"]
