"""Logging and tracing of the state machine and the functions; the Lambda
runtime and the Powertools layer from its SSM parameter."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Capture, Match

from conversion_watch import contract
from conversion_watch.settings import Settings


def test_state_machine_logs_everything_to_its_log_group_and_traces(synthesized):
    log_group_id = synthesized.logical_id(synthesized.stack.watcher.log_group)
    resource = synthesized.template_json["Resources"][synthesized.state_machine_id]
    properties = resource["Properties"]

    assert properties["StateMachineType"] == "STANDARD"
    assert properties["TracingConfiguration"] == {"Enabled": True}
    assert properties["LoggingConfiguration"] == {
        "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": {"Fn::GetAtt": [log_group_id, "Arn"]}}}],
        "IncludeExecutionData": True,
        "Level": "ALL",
    }


def test_every_watcher_log_group_has_a_retention(synthesized):
    watcher = synthesized.stack.watcher
    groups = [watcher.log_group, watcher.functions.validate.log_group, watcher.functions.poll.log_group]
    resources = synthesized.template_json["Resources"]

    for group in groups:
        properties = resources[synthesized.logical_id(group)]["Properties"]
        assert properties["RetentionInDays"] == 30  # the construct's default, one month


def test_no_log_group_in_the_stack_keeps_logs_forever(synthesized):
    groups = synthesized.template.find_resources("AWS::Logs::LogGroup")

    assert len(groups) >= 3
    for logical_id, group in groups.items():
        assert group["Properties"].get("RetentionInDays", 0) > 0, f"{logical_id} keeps logs forever"
    synthesized.template.all_resources_properties("AWS::Logs::LogGroup", Match.object_like(
        {"RetentionInDays": Match.any_value()}
    ))


@pytest.mark.parametrize("which", ["validate", "poll"])
def test_functions_trace_log_json_and_run_python_3_13_with_powertools(synthesized, which):
    function = getattr(synthesized.stack.watcher.functions, which)
    properties = synthesized.template_json["Resources"][synthesized.logical_id(function)]["Properties"]
    layer_parameter = next(
        name for name, p in synthesized.template_json["Parameters"].items()
        if p.get("Default") == f"/aws/service/powertools/python/arm64/python3.13/{contract.POWERTOOLS_VERSION}"
    )

    assert properties["TracingConfig"] == {"Mode": "Active"}
    assert properties["Runtime"] == "python3.13"
    assert properties["Architectures"] == ["arm64"]
    module = "validate_watch" if which == "validate" else "poll_task"
    assert properties["Handler"] == f"conversion_watch.handlers.{module}.handler"
    assert properties["LoggingConfig"] == {
        "LogFormat": "JSON", "LogGroup": {"Ref": synthesized.logical_id(function.log_group)}
    }
    assert properties["Layers"] == [{"Ref": layer_parameter}]
    assert synthesized.template_json["Parameters"][layer_parameter]["Type"] == "AWS::SSM::Parameter::Value<String>"


def test_functions_get_the_schedule_settings_the_handlers_read(synthesized):
    defaults = Settings()
    env = Capture()
    synthesized.template.has_resource_properties("AWS::Lambda::Function", {
        "Handler": "conversion_watch.handlers.poll_task.handler",
        "Environment": {"Variables": env},
    })

    variables = env.as_object()
    assert variables["MIN_POLL_SECONDS"] == str(defaults.min_poll_seconds)
    assert variables["MAX_POLL_SECONDS"] == str(defaults.max_poll_seconds)
    assert variables["DEFAULT_MAX_WATCH_SECONDS"] == str(defaults.default_max_watch_seconds)
    assert variables["POLLS_PER_EXECUTION"] == str(defaults.polls_per_execution)
    assert variables["SNAPSHOT_MAX_AGE_SECONDS"] == str(defaults.snapshot_max_age_seconds) == "30"
    assert variables["POWERTOOLS_SERVICE_NAME"] == "conversion-watch"
