"""The synthesized state machine as a Graphviz DOT graph.

Reads the definition from the CloudFormation template (the ``Fn::Join`` of
``DefinitionString``, with ARNs and other tokens replaced by placeholders), so
the picture shows exactly what ``cdk synth`` produced. Output is
deterministic: the same definition always gives the same DOT text.
"""

from __future__ import annotations

import json
from typing import Any

WATCHER_STATE_MACHINE_PREFIX = "WatcherStateMachine"

STYLES = {
    "Task": 'shape=box, style="rounded,filled", fillcolor="#dbeafe", color="#1d4ed8"',
    "Choice": 'shape=diamond, style=filled, fillcolor="#fef3c7", color="#b45309"',
    "Wait": 'shape=box, style="rounded,filled,dashed", fillcolor="#f3f4f6", color="#4b5563"',
    "Pass": 'shape=box, style=filled, fillcolor="#f3f4f6", color="#6b7280"',
    "Succeed": 'shape=box, style="rounded,filled,bold", fillcolor="#bbf7d0", color="#15803d"',
    "Fail": 'shape=box, style="rounded,filled,bold", fillcolor="#fecaca", color="#b91c1c"',
}
EDGE_STYLES = {
    "next": 'color="#111827"',
    "choice": 'color="#b45309", fontcolor="#92400e"',
    "default": 'color="#b45309", fontcolor="#92400e", style=dashed',
    "catch": 'color="#b91c1c", fontcolor="#b91c1c", style=dashed',
    "retry": 'color="#6b7280", fontcolor="#4b5563", style=dotted',
}
INTEGRATIONS = {
    "lambda:invoke": "Lambda",
    "events:putEvents": "EventBridge PutEvents",
    "states:startExecution": "Step Functions StartExecution",
}


def watcher_definition(template: dict[str, Any]) -> dict[str, Any]:
    """The watcher's ASL from a synthesized template."""
    machines = {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::StepFunctions::StateMachine"
        and logical_id.startswith(WATCHER_STATE_MACHINE_PREFIX)
    }
    if len(machines) != 1:
        raise ValueError(f"expected one {WATCHER_STATE_MACHINE_PREFIX}* state machine, found {sorted(machines)}")
    (machine,) = machines.values()
    return json.loads(resolve_intrinsics(machine["Properties"]["DefinitionString"]))


def resolve_intrinsics(value: Any) -> str:
    """Flatten ``Fn::Join`` into text; other intrinsics become placeholders."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(resolve_intrinsics(part) for part in parts)
    if isinstance(value, dict) and "Ref" in value:
        return f"<{value['Ref']}>"
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return f"<{'.'.join(value['Fn::GetAtt'])}>"
    return "<token>"


def to_dot(definition: dict[str, Any], *, title: str = "Conversion Watch state machine") -> str:
    lines = [
        "digraph StateMachine {",
        f'  graph [label="{title}", labelloc=t, fontsize=16, fontname="Helvetica", '
        "rankdir=TB, nodesep=0.35, ranksep=0.45];",
        '  node [fontname="Helvetica", fontsize=11, margin="0.15,0.06"];',
        '  edge [fontname="Helvetica", fontsize=9];',
        '  "__start__" [label="", shape=circle, style=filled, fillcolor="#111827", width=0.18];',
        f'  "__start__" -> {_quote(definition["StartAt"])};',
    ]
    for name, state in definition["States"].items():
        lines.append(f"  {_quote(name)} [label={_quote(_node_label(name, state))}, {STYLES[state['Type']]}];")
    for name, state in definition["States"].items():
        lines.extend(f"  {edge}" for edge in _edges(name, state))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _node_label(name: str, state: dict[str, Any]) -> str:
    kind = state["Type"]
    if kind == "Task":
        resource = state.get("Resource", "")
        integration = next((label for key, label in INTEGRATIONS.items() if resource.endswith(key)), "Task")
        return f"{name}\n({integration})"
    if kind == "Wait":
        wait = state.get("SecondsPath") or state.get("Seconds") or state.get("TimestampPath") or ""
        return f"{name}\n(Wait {wait})"
    if kind == "Fail":
        error = state.get("Error") or state.get("ErrorPath") or ""
        return f"{name}\n(Fail: {error})"
    return name


def _edges(name: str, state: dict[str, Any]) -> list[str]:
    source = _quote(name)
    edges = []
    for rule in state.get("Choices", []):
        label = _wrap(_condition(rule))
        edges.append(f"{source} -> {_quote(rule['Next'])} [label={_quote(label)}, {EDGE_STYLES['choice']}];")
    if "Default" in state:
        edges.append(f"{source} -> {_quote(state['Default'])} [label=\"otherwise\", {EDGE_STYLES['default']}];")
    if "Next" in state:
        edges.append(f"{source} -> {_quote(state['Next'])} [{EDGE_STYLES['next']}];")
    for catch in state.get("Catch", []):
        label = "catch " + ", ".join(catch["ErrorEquals"])
        edges.append(f"{source} -> {_quote(catch['Next'])} [label={_quote(_wrap(label))}, {EDGE_STYLES['catch']}];")
    for retry in state.get("Retry", []):
        errors = retry["ErrorEquals"]
        names = f"{len(errors)} error name{'s' if len(errors) > 1 else ''}"
        label = f"retry up to {retry.get('MaxAttempts', 3)}x\n({names})"
        edges.append(f"{source} -> {source} [label={_quote(label)}, {EDGE_STYLES['retry']}];")
    return edges


def _condition(rule: dict[str, Any]) -> str:
    if "And" in rule:
        return " and ".join(_nested(item) for item in rule["And"])
    if "Or" in rule:
        same_variable = {item.get("Variable") for item in rule["Or"]}
        if len(same_variable) == 1 and all("StringEquals" in item for item in rule["Or"]):
            values = ", ".join(item["StringEquals"] for item in rule["Or"])
            return f"{_variable(rule['Or'][0]['Variable'])} in {{{values}}}"
        return " or ".join(_nested(item) for item in rule["Or"])
    if "Not" in rule:
        return f"not ({_condition(rule['Not'])})"
    operator = next(key for key in rule if key not in ("Variable", "Next"))
    value = rule[operator]
    text = json.dumps(value) if not isinstance(value, str) else value
    symbol = "=" if operator.endswith("Equals") else operator
    return f"{_variable(rule['Variable'])} {symbol} {text}"


def _nested(rule: dict[str, Any]) -> str:
    text = _condition(rule)
    return f"({text})" if " or " in text else text


def _variable(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def _wrap(text: str) -> str:
    return text.replace(" and ", "\nand ").replace(", States.", ",\nStates.")


def _quote(text: str) -> str:
    return json.dumps(text)
