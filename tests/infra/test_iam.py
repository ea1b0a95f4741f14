"""IAM of the watcher: the task kinds' describe actions on ``*`` (no resource-level
permission exists for them), ``events:PutEvents`` on the bus only, and no
other wildcard than X-Ray and CloudWatch Logs vended delivery."""

from __future__ import annotations

import json
from typing import Any

import botocore.session
import pytest
from aws_cdk.assertions import Match

from conversion_watch.kinds import TASK_KINDS

# The per-task reads and (for the shared snapshot's refresh) the kinds' list reads, from the registry of kinds
# (a new kind brings its own; docs/development.md lists them, tests/docs/test_lists_match_code.py checks).
DESCRIBE_ACTIONS = {a for k in TASK_KINDS.values() for a in (k.describe_action, k.list_action)}
XRAY_ACTIONS = {"xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
                "xray:GetSamplingTargets"}
# CloudTrail's event history, where the poll step finds cancel calls: no resource-level permission exists.
LOOKUP_ACTIONS = {"cloudtrail:LookupEvents"}
# Step Functions logging to CloudWatch Logs (vended log delivery): these support no resource ARNs.
LOG_DELIVERY_ACTIONS = {"logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:DescribeLogGroups",
                        "logs:DescribeResourcePolicies", "logs:GetLogDelivery", "logs:ListLogDeliveries",
                        "logs:PutResourcePolicy", "logs:UpdateLogDelivery"}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _statements_of(synthesized, role) -> list[dict[str, Any]]:
    """Every statement that applies to this role (policies attached to it and inline)."""
    role_id = synthesized.logical_id(role)
    resources = synthesized.template_json["Resources"]
    role_resource = resources[role_id]
    assert not role_resource["Properties"].get("ManagedPolicyArns"), "no managed policies: scoped statements only"
    statements = [s for p in role_resource["Properties"].get("Policies", []) for s in p["PolicyDocument"]["Statement"]]
    for resource in resources.values():
        if resource["Type"] == "AWS::IAM::Policy" and {"Ref": role_id} in resource["Properties"]["Roles"]:
            statements += resource["Properties"]["PolicyDocument"]["Statement"]
    assert all(s["Effect"] == "Allow" for s in statements)
    return statements


def _roles(synthesized) -> dict[str, Any]:
    watcher = synthesized.stack.watcher
    return {
        "validate": watcher.functions.validate.role,
        "poll": watcher.functions.poll.role,
        "state machine": watcher.state_machine.role,
    }


def _wildcard_actions(statements) -> set[str]:
    return {a for s in statements if "*" in _as_list(s["Resource"]) for a in _as_list(s["Action"])}


@pytest.mark.parametrize("action", sorted(DESCRIBE_ACTIONS))
def test_every_read_action_of_the_registry_is_a_read_operation_of_its_service(action):
    """IAM action ``service:Operation``: the operation exists in botocore's model of that service (a typo in a
    kind's module would grant nothing the poll step uses) and only reads."""
    service, operation = action.split(":", 1)
    model = botocore.session.get_session().get_service_model(service)

    assert operation in model.operation_names, f"{action}: {service} has no operation {operation}"
    assert operation.startswith(("Describe", "Get", "List")), action


def test_the_poll_function_may_describe_every_task_type_on_star_only(synthesized):
    statements = _statements_of(synthesized, synthesized.stack.watcher.functions.poll.role)

    describe = [s for s in statements if DESCRIBE_ACTIONS & set(_as_list(s["Action"]))]
    assert describe, "the poll function cannot describe tasks"
    assert all(_as_list(s["Resource"]) == ["*"] for s in describe)
    assert all("Condition" not in s for s in describe)
    assert _wildcard_actions(statements) == DESCRIBE_ACTIONS | LOOKUP_ACTIONS | {"xray:PutTraceSegments",
                                                                                "xray:PutTelemetryRecords"}


@pytest.mark.parametrize("who", ["validate", "state machine"])
def test_nobody_else_may_describe_tasks(synthesized, who):
    statements = _statements_of(synthesized, _roles(synthesized)[who])

    actions = {a for s in statements for a in _as_list(s["Action"])}
    assert not actions & DESCRIBE_ACTIONS


def test_the_validate_function_logs_traces_and_claims_the_registry_only(synthesized):
    statements = _statements_of(synthesized, synthesized.stack.watcher.functions.validate.role)

    actions = {a for s in statements for a in _as_list(s["Action"])}
    assert actions == {"logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords",
                       # the watch registry (conditional writes) and its holder's status
                       "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "states:DescribeExecution"}
    describe = [s for s in statements if "states:DescribeExecution" in _as_list(s["Action"])]
    assert ":execution:" in json.dumps(describe[0]["Resource"])  # this state machine's executions only


@pytest.mark.parametrize("who", ["validate", "poll", "state machine"])
def test_no_wildcard_beyond_describe_xray_and_log_delivery(synthesized, who):
    statements = _statements_of(synthesized, _roles(synthesized)[who])

    assert _wildcard_actions(statements) <= DESCRIBE_ACTIONS | XRAY_ACTIONS | LOG_DELIVERY_ACTIONS | (
        LOOKUP_ACTIONS if who == "poll" else set())
    for statement in statements:
        for action in _as_list(statement["Action"]):
            assert "*" not in action, f"wildcard action {action}"


@pytest.mark.parametrize("who", ["validate", "poll"])
def test_functions_write_only_to_their_own_log_group(synthesized, who):
    function = getattr(synthesized.stack.watcher.functions, who)
    statements = _statements_of(synthesized, function.role)

    log_writes = [s for s in statements if "logs:PutLogEvents" in _as_list(s["Action"])]
    assert [s["Resource"] for s in log_writes] == [{"Fn::GetAtt": [synthesized.logical_id(function.log_group), "Arn"]}]


def test_put_events_only_on_the_watchers_bus(synthesized):
    bus_arn = {"Fn::GetAtt": [synthesized.logical_id(synthesized.stack.watcher.event_bus), "Arn"]}
    everyone = [s for role in _roles(synthesized).values() for s in _statements_of(synthesized, role)]

    put_events = [s for s in everyone if "events:PutEvents" in _as_list(s["Action"])]
    assert put_events == [{"Action": "events:PutEvents", "Effect": "Allow", "Resource": bus_arn}]
    sm_statements = _statements_of(synthesized, synthesized.stack.watcher.state_machine.role)
    assert put_events[0] in sm_statements


def test_the_state_machine_invokes_only_its_two_functions(synthesized):
    functions = synthesized.stack.watcher.functions
    arns = [{"Fn::GetAtt": [synthesized.logical_id(f), "Arn"]} for f in (functions.poll, functions.validate)]
    statements = _statements_of(synthesized, synthesized.stack.watcher.state_machine.role)

    [invoke] = [s for s in statements if "lambda:InvokeFunction" in _as_list(s["Action"])]
    assert _as_list(invoke["Action"]) == ["lambda:InvokeFunction"]
    expected = arns + [{"Fn::Join": ["", [arn, ":*"]]} for arn in arns]
    assert sorted(map(str, _as_list(invoke["Resource"]))) == sorted(map(str, expected))


def test_the_state_machine_may_start_only_itself_for_the_hand_over(synthesized):
    statements = _statements_of(synthesized, synthesized.stack.watcher.state_machine.role)

    starts = [s for s in statements if "states:StartExecution" in _as_list(s["Action"])]
    assert starts == [{"Action": "states:StartExecution", "Effect": "Allow",
                       "Resource": {"Ref": synthesized.state_machine_id}}]


def test_roles_are_assumable_only_by_their_service(synthesized):
    template = synthesized.template
    for who, service in [("validate", "lambda.amazonaws.com"), ("poll", "lambda.amazonaws.com"),
                         ("state machine", "states.amazonaws.com")]:
        role_id = synthesized.logical_id(_roles(synthesized)[who])
        template.has_resource_properties("AWS::IAM::Role", Match.object_like({
            "AssumeRolePolicyDocument": {"Statement": [Match.object_like(
                {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": service}})],
                "Version": "2012-10-17"},
        }))
        statement = synthesized.template_json["Resources"][role_id]["Properties"]["AssumeRolePolicyDocument"]
        assert [s["Principal"] for s in statement["Statement"]] == [{"Service": service}]
