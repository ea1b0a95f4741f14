"""The grace for a cancel's CloudTrail record and the event-history lookup are construct settings
(issue 20): they reach the poll function's environment, the lookup brings its one permission
(``cloudtrail:LookupEvents`` on ``*``: it has no resource-level permission) and leaves it out when off."""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Capture, Template

from conversion_watch_cdk.watcher.construct import ConversionWatcher


def _template(**props) -> Template:
    stack = cdk.Stack(cdk.App(), "Fleet", env=cdk.Environment(account="123456789012", region="eu-west-1"))
    ConversionWatcher(stack, "Watcher", powertools_layer_arn="arn:aws:lambda:eu-west-1:123:layer:p:1", **props)
    return Template.from_stack(stack)


def _poll_environment(template: Template) -> dict:
    env = Capture()
    template.has_resource_properties("AWS::Lambda::Function", {
        "Handler": "conversion_watch.handlers.poll_task.handler", "Environment": {"Variables": env}})
    return env.as_object()


def test_defaults_wait_fifteen_minutes_and_look_up_event_history():
    template = _template()
    env = _poll_environment(template)
    assert (env["CANCEL_EVIDENCE_GRACE_SECONDS"], env["CANCEL_LOOKUP"]) == ("900", "true")
    lookups = [s for p in template.find_resources("AWS::IAM::Policy").values()
               for s in p["Properties"]["PolicyDocument"]["Statement"] if "cloudtrail:LookupEvents" in
               json.dumps(s["Action"])]
    assert [(s["Action"], s["Resource"]) for s in lookups] == [("cloudtrail:LookupEvents", "*")]


def test_the_lookup_can_be_turned_off_and_takes_its_permission_along():
    template = _template(cancel_lookup=False, cancel_evidence_grace=cdk.Duration.seconds(0))
    env = _poll_environment(template)
    assert (env["CANCEL_EVIDENCE_GRACE_SECONDS"], env["CANCEL_LOOKUP"]) == ("0", "false")
    assert "cloudtrail:" not in json.dumps(template.find_resources("AWS::IAM::Policy"))


def test_a_grace_beyond_an_hour_is_refused():
    with pytest.raises(ValueError, match="cancel_evidence_grace"):
        _template(cancel_evidence_grace=cdk.Duration.minutes(61))


def test_the_stacks_context_keys_reach_the_poll_function():
    from app import build_app
    from conversion_watch_cdk.settings import PREFIX

    app = build_app(cdk.App(context={PREFIX + "cancelEvidenceGraceSeconds": "120", PREFIX + "cancelLookup": "false"}))
    template = Template.from_stack(app.node.find_child("ConversionWatch"))
    env = _poll_environment(template)
    assert (env["CANCEL_EVIDENCE_GRACE_SECONDS"], env["CANCEL_LOOKUP"]) == ("120", "false")
    assert "cloudtrail:" not in json.dumps(template.find_resources("AWS::IAM::Policy"))
