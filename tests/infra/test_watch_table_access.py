"""Issue 18, items 4 and 7 as synthesized: nothing but the watcher's roles may write the watch
table (its resource policy), each role only the item families it needs (dynamodb:LeadingKeys),
the state machine role is assumable for this state machine only, and the sweeper reads the
open-watches index. (No emulator enforces these policies: the template is what is checked.)"""

from __future__ import annotations

import json
from typing import Any

from conversion_watch import contract as c
from conversion_watch_cdk.watcher.table import WRITE_ACTIONS


def _resources(synthesized: Any) -> dict[str, Any]:
    return synthesized.template_json["Resources"]


def _role_arn(synthesized: Any, role: Any) -> dict[str, Any]:
    return {"Fn::GetAtt": [synthesized.logical_id(role), "Arn"]}


def _statements(synthesized: Any, role: Any) -> list[dict[str, Any]]:
    role_id = synthesized.logical_id(role)
    return [statement for resource in _resources(synthesized).values() if resource["Type"] == "AWS::IAM::Policy"
            and {"Ref": role_id} in resource["Properties"].get("Roles", [])
            for statement in resource["Properties"]["PolicyDocument"]["Statement"]]


def _dynamodb(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def actions(statement: dict[str, Any]) -> list[str]:
        action = statement["Action"]
        return action if isinstance(action, list) else [action]

    return [s for s in statements if any(a.startswith("dynamodb:") for a in actions(s))]


def test_only_the_watchers_roles_may_write_the_table(synthesized) -> None:
    watcher, autostart = synthesized.stack.watcher, synthesized.stack.autostart
    table = _resources(synthesized)[synthesized.logical_id(watcher.table)]
    [statement] = table["Properties"]["ResourcePolicy"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny" and statement["Principal"] == {"AWS": "*"}
    assert set(statement["Action"]) == set(WRITE_ACTIONS)
    writers = statement["Condition"]["ArnNotEquals"]["aws:PrincipalArn"]
    assert sorted(map(json.dumps, writers)) == sorted(json.dumps(_role_arn(synthesized, role)) for role in (
        watcher.state_machine.role, watcher.functions.poll.role, watcher.functions.validate.role,
        autostart.starter.role))


def test_each_role_reaches_only_its_item_families(synthesized) -> None:
    watcher, autostart = synthesized.stack.watcher, synthesized.stack.autostart
    families = {
        watcher.functions.poll.role: {"SNAPSHOT#*", "TASK#*"},
        watcher.functions.validate.role: {"TASK#*"},
        autostart.starter.role: {"TASK#*"},
        autostart.sweeper.role: {"TASK#*", c.OPEN_MARK},
    }
    for role, expected in families.items():
        statements = _dynamodb(_statements(synthesized, role))
        assert statements, role
        keys = set()
        for statement in statements:
            [(operator, condition)] = statement["Condition"].items()
            assert operator.startswith("ForAllValues:")
            keys |= set(condition["dynamodb:LeadingKeys"])
        assert keys == expected, role
    sweeper = _dynamodb(_statements(synthesized, autostart.sweeper.role))
    assert {a for s in sweeper for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])} == {
        "dynamodb:GetItem", "dynamodb:Query"}  # the sweeper only reads


def test_the_open_watches_index_is_sparse_on_the_open_mark(synthesized) -> None:
    table = _resources(synthesized)[synthesized.logical_id(synthesized.stack.watcher.table)]
    [index] = table["Properties"]["GlobalSecondaryIndexes"]
    assert index["IndexName"] == c.OPEN_INDEX
    assert [k["AttributeName"] for k in index["KeySchema"]] == [c.REG_OPEN, c.TABLE_PARTITION_KEY]


def test_the_state_machine_role_trusts_this_state_machine_only(synthesized) -> None:
    watcher = synthesized.stack.watcher
    role = _resources(synthesized)[synthesized.logical_id(watcher.state_machine.role)]
    [statement] = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "states.amazonaws.com"}
    source_arn = json.dumps(statement["Condition"]["ArnEquals"]["aws:SourceArn"])
    machine = _resources(synthesized)[synthesized.state_machine_id]["Properties"]
    assert json.dumps(machine["StateMachineName"]) in source_arn and "*" not in source_arn
    assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}


def test_the_status_change_rule_resumes_this_state_machines_failed_executions(synthesized) -> None:
    autostart = synthesized.stack.autostart
    rule = _resources(synthesized)[synthesized.logical_id(autostart.resume_rule)]["Properties"]
    pattern = rule["EventPattern"]
    assert pattern["source"] == ["aws.states"] and pattern["detail-type"] == [c.SFN_STATUS_CHANGE]
    assert set(pattern["detail"]["status"]) == {"FAILED", "TIMED_OUT", "ABORTED"}
    assert pattern["detail"]["stateMachineArn"] == [{"Ref": synthesized.state_machine_id}]
    assert rule["Targets"][0]["Arn"] == {"Fn::GetAtt": [synthesized.logical_id(autostart.sweeper), "Arn"]}
