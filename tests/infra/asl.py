"""Helpers over the synthesized Amazon States Language definition:
resolve CDK's joined ``DefinitionString`` and follow Choice rules."""

from __future__ import annotations

import json
from typing import Any

ACCOUNT, REGION = "123456789012", "us-east-1"
PSEUDO = {"AWS::Partition": "aws", "AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::URLSuffix": "amazonaws.com"}
ARN_FORMATS = {
    "AWS::Lambda::Function": "arn:aws:lambda:{region}:{account}:function:{name}",
    "AWS::Events::EventBus": "arn:aws:events:{region}:{account}:event-bus/{name}",
    "AWS::StepFunctions::StateMachine": "arn:aws:states:{region}:{account}:stateMachine:{name}",
    "AWS::SNS::Topic": "arn:aws:sns:{region}:{account}:{name}",
    "AWS::SQS::Queue": "arn:aws:sqs:{region}:{account}:{name}",
}


class UnresolvableReference(ValueError):
    pass


def resolve_definition(definition_string: Any, resources: dict[str, Any]) -> dict[str, Any]:
    """Join the parts, replacing each reference with a placeholder of the right shape."""
    if isinstance(definition_string, str):
        return json.loads(definition_string)
    separator, parts = definition_string["Fn::Join"]
    return json.loads(separator.join(_resolve(part, resources) for part in parts))


def _resolve(part: Any, resources: dict[str, Any]) -> str:
    if isinstance(part, str):
        return part
    if "Ref" in part:
        name = part["Ref"]
        if name in PSEUDO:
            return PSEUDO[name]
        if name in resources and resources[name]["Type"] == "AWS::DynamoDB::Table":
            return name  # a table's Ref is its name
        return _arn(name, resources) if name in resources else name
    if "Fn::GetAtt" in part:
        name, attribute = part["Fn::GetAtt"]
        if attribute == "Arn":
            return _arn(name, resources)
        if attribute == "Name":
            return name
    raise UnresolvableReference(f"no placeholder for {part!r}")


def _arn(logical_id: str, resources: dict[str, Any]) -> str:
    resource_type = resources[logical_id]["Type"]
    if resource_type not in ARN_FORMATS:
        raise UnresolvableReference(f"no placeholder ARN for a {resource_type} ({logical_id})")
    return ARN_FORMATS[resource_type].format(region=REGION, account=ACCOUNT, name=logical_id)


# --- following the flow --------------------------------------------------------

def _value(document: dict[str, Any], path: str) -> Any:
    assert path.startswith("$."), f"only simple paths are supported here, not {path}"
    value: Any = document
    for key in path[2:].split("."):
        if not isinstance(value, dict) or key not in value:
            return _MISSING
        value = value[key]
    return value


_MISSING = object()


def matches(rule: dict[str, Any], document: dict[str, Any]) -> bool:
    """Evaluate one Choice rule (the operators this definition uses)."""
    if "And" in rule:
        return all(matches(r, document) for r in rule["And"])
    if "Or" in rule:
        return any(matches(r, document) for r in rule["Or"])
    if "Not" in rule:
        return not matches(rule["Not"], document)
    value = _value(document, rule["Variable"])
    if "StringEquals" in rule:
        return isinstance(value, str) and value == rule["StringEquals"]
    if "BooleanEquals" in rule:
        return isinstance(value, bool) and value == rule["BooleanEquals"]
    if "IsPresent" in rule:
        return (value is not _MISSING) == rule["IsPresent"]
    raise AssertionError(f"operator not supported by this walker: {rule}")


def follow(definition: dict[str, Any], start: str, document: dict[str, Any], *, stop_at: set[str]) -> list[str]:
    """State names visited from ``start`` when every Task succeeds and passes
    the document through, until a Wait, Succeed, Fail or a state in ``stop_at``."""
    states = definition["States"]
    path, name = [start], start
    while True:
        state = states[name]
        if state["Type"] in {"Succeed", "Fail", "Wait"} or (name in stop_at and len(path) > 1):
            return path
        if state["Type"] == "Choice":
            name = next((c["Next"] for c in state["Choices"] if matches(c, document)), state.get("Default"))
            assert name is not None, f"Choice {path[-1]!r} has no branch and no Default for {document}"
        else:
            name = state["Next"]
        path.append(name)
        assert len(path) < 50, f"loop without a Wait: {path}"
