"""The state machine's log group is under ``/aws/vendedlogs/states/`` (Step Functions'
advice against the CloudWatch Logs resource-policy size limit), named from the stack
name and the construct's unique id: derived, never hand-written, so two watchers in
one account never share a group."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import Names

from conversion_watch_cdk import ConversionWatcher
from conversion_watch_cdk.watcher.construct import VENDED_LOGS_PREFIX


def deployed_name(log_group_name: Any, stack_name: str) -> str:
    """What CloudFormation makes of ``Fn::Join`` with ``AWS::StackName``."""
    separator, parts = log_group_name["Fn::Join"]
    return separator.join(stack_name if part == {"Ref": "AWS::StackName"} else part for part in parts)


def test_the_stack_s_state_machine_logs_to_a_vended_logs_group(synthesized):
    watcher = synthesized.stack.watcher
    properties = synthesized.template_json["Resources"][synthesized.logical_id(watcher.log_group)]["Properties"]

    assert properties["LogGroupName"] == {
        "Fn::Join": ["", [VENDED_LOGS_PREFIX, {"Ref": "AWS::StackName"}, f"-{Names.unique_id(watcher)}"]]
    }
    name = deployed_name(properties["LogGroupName"], "ConversionWatch")
    assert name.startswith("/aws/vendedlogs/states/ConversionWatch-ConversionWatchWatcher")
    assert len(name) <= 512  # CloudWatch Logs' limit on a log group name


def _names_in(stack: cdk.Stack) -> list[Any]:
    groups = cdk.assertions.Template.from_stack(stack).find_resources("AWS::Logs::LogGroup")
    return [g["Properties"]["LogGroupName"] for g in groups.values()
            if "vendedlogs" in str(g["Properties"].get("LogGroupName"))]


def test_two_watchers_in_one_stack_and_two_stacks_of_one_app_get_distinct_groups():
    app = cdk.App()
    first, second = cdk.Stack(app, "TeamA"), cdk.Stack(app, "TeamB", stack_name="team-b-watch")
    for stack in (first, second):
        ConversionWatcher(stack, "Imports")
        ConversionWatcher(stack, "Licenses")

    names = [deployed_name(n, stack.stack_name) for stack in (first, second) for n in _names_in(stack)]

    assert len(names) == 4 and len(set(names)) == 4, names
    assert all(name.startswith(VENDED_LOGS_PREFIX) for name in names)
    assert any(name.startswith("/aws/vendedlogs/states/team-b-watch-TeamBImports") for name in names), names


def test_the_same_construct_in_two_stacks_of_the_same_id_differs_by_stack_name():
    # Two deployments of one app under different stack names (e.g. per stage) must not collide.
    names = set()
    for stack_name in ("watch-dev", "watch-prod"):
        app = cdk.App()
        stack = cdk.Stack(app, "Watch", stack_name=stack_name)
        ConversionWatcher(stack, "Watcher")
        [name] = _names_in(stack)
        names.add(deployed_name(name, stack.stack_name))

    assert len(names) == 2, names
