"""Read what the local run needs from the synthesized CloudFormation template."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TEMPLATE = REPO_ROOT / "cdk.out" / "ConversionWatch.template.json"


class TemplateError(RuntimeError):
    """The template is missing something the local run needs, or uses a form it cannot resolve."""


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    handler: str
    environment: dict[str, str]


@dataclass(frozen=True)
class TableSpec:
    """A DynamoDB table of the stack; the local run creates it under its logical id."""

    logical_id: str
    key_schema: list[dict[str, str]]
    attribute_definitions: list[dict[str, str]]
    global_secondary_indexes: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class StackSpec:
    functions: dict[str, FunctionSpec]  # by logical id
    state_machine_id: str
    definition: Any  # DefinitionString, still with Fn::Join / Ref / Fn::GetAtt
    event_bus_id: str
    event_bus_name: str
    tables: dict[str, TableSpec] = field(default_factory=dict)  # by logical id


def table_specs(resources: dict[str, Any]) -> dict[str, TableSpec]:
    return {
        logical_id: TableSpec(
            logical_id=logical_id,
            key_schema=resource["Properties"]["KeySchema"],
            attribute_definitions=resource["Properties"]["AttributeDefinitions"],
            global_secondary_indexes=resource["Properties"].get("GlobalSecondaryIndexes", []),
        )
        for logical_id, resource in sorted(resources.items())
        if resource.get("Type") == "AWS::DynamoDB::Table"
    }


def local_environment(variables: dict[str, Any], resources: dict[str, Any]) -> dict[str, Any]:
    """A function's variables with ``Ref`` to a table of the stack resolved to the local table's
    name (its logical id); other references are left for the caller."""
    def resolved(value: Any) -> Any:
        if isinstance(value, dict) and set(value) == {"Ref"}:
            target = resources.get(value["Ref"], {})
            if target.get("Type") == "AWS::DynamoDB::Table":
                return value["Ref"]
        return value

    return {name: resolved(value) for name, value in variables.items()}


def load_template(path: Path = DEFAULT_TEMPLATE, *, synth_if_missing: bool = True) -> dict[str, Any]:
    if not path.exists():
        if not synth_if_missing:
            raise TemplateError(f"{path} does not exist; run `npx cdk synth --quiet` first")
        synthesize(path.parent)
        if not path.exists():
            raise TemplateError(f"`npx cdk synth` did not write {path}")
    return json.loads(path.read_text())


class SynthFailed(TemplateError):
    """``cdk synth`` could not write the template; the message is its one telling line."""


def synth_command(output: Path, python: str = sys.executable) -> list[str]:
    """The CDK CLI running ``app.py`` with this interpreter (the one that has aws_cdk), not cdk.json's
    ``python3``, which on a fresh clone is the system's."""
    return ["npx", "cdk", "synth", "--quiet", "--app", f"{shlex.quote(python)} app.py", "--output", str(output)]


def synthesize(output: Path = DEFAULT_TEMPLATE.parent, *, python: str = sys.executable) -> None:
    """Synthesize into ``output``; on failure raise ``SynthFailed`` with the one line that says why, and
    leave no empty ``output`` behind."""
    existed = output.exists()
    env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20", "CDK_DISABLE_VERSION_CHECK": "true"}
    try:
        done = subprocess.run(synth_command(output, python), cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise SynthFailed(f"cannot run {error.filename!r}: install Node.js (22 LTS) and run `npm ci`") from None
    if done.returncode != 0:
        if output.is_dir() and (not existed or not any(output.iterdir())):
            shutil.rmtree(output, ignore_errors=True)
        raise SynthFailed(f"`cdk synth` failed (exit {done.returncode}): {telling_line(done.stderr + done.stdout)} "
                          "(`make synth` shows all of its output)")


def telling_line(output: str) -> str:
    """The last line that says something: a Python exception's ``Name: message`` when there is one, else the
    last line that is not the CDK CLI's own "Subprocess exited with error"."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    lines = [line for line in lines if "Subprocess exited with error" not in line]
    exceptions = [line for line in lines if _EXCEPTION_LINE.match(line)]
    return (exceptions or lines or ["no output"])[-1]


_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt):? ")


def stack_spec(template: dict[str, Any]) -> StackSpec:
    resources = template.get("Resources", {})

    def only(resource_type: str) -> tuple[str, dict[str, Any]]:
        found = [(k, v) for k, v in resources.items() if v.get("Type") == resource_type]
        if len(found) != 1:
            raise TemplateError(f"expected exactly one {resource_type}, found {len(found)}")
        return found[0]

    sm_id, sm = only("AWS::StepFunctions::StateMachine")
    if "DefinitionString" not in sm.get("Properties", {}):
        raise TemplateError(f"{sm_id} has no DefinitionString")
    definition = sm["Properties"]["DefinitionString"]
    # Only what the state machine refers to: other functions in the stack are not part of the loop.
    referenced = referenced_ids(definition)
    functions = {
        logical_id: FunctionSpec(
            logical_id=logical_id,
            handler=props["Handler"],
            environment=local_environment(dict(props.get("Environment", {}).get("Variables", {})), resources),
        )
        for logical_id in sorted(referenced)
        if resources.get(logical_id, {}).get("Type") == "AWS::Lambda::Function"
        for props in [resources[logical_id].get("Properties", {})]
    }
    buses = [i for i in sorted(referenced) if resources.get(i, {}).get("Type") == "AWS::Events::EventBus"]
    if len(buses) != 1:
        raise TemplateError(f"expected the definition to use exactly one event bus, found {buses}")
    bus_id, bus = buses[0], resources[buses[0]]
    return StackSpec(
        functions=functions,
        state_machine_id=sm_id,
        definition=sm["Properties"]["DefinitionString"],
        event_bus_id=bus_id,
        event_bus_name=bus["Properties"]["Name"],
        tables=table_specs(resources),
    )


def referenced_ids(value: Any) -> set[str]:
    """Logical ids named by ``Ref`` / ``Fn::GetAtt`` anywhere in ``value``."""
    found: set[str] = set()
    if isinstance(value, list):
        for item in value:
            found |= referenced_ids(item)
    elif isinstance(value, dict):
        for key, arg in value.items():
            if key == "Ref" and isinstance(arg, str) and not arg.startswith("AWS::"):
                found.add(arg)
            elif key == "Fn::GetAtt":
                found.add(arg[0] if isinstance(arg, list) else str(arg).split(".", 1)[0])
            else:
                found |= referenced_ids(arg)
    return found


Resolver = Callable[[str, str | None], str]  # (logical id or pseudo parameter, attribute) -> value


def resolve(value: Any, lookup: Resolver) -> Any:
    """Resolve the intrinsic functions CDK uses in a state machine definition."""
    if isinstance(value, list):
        return [resolve(item, lookup) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (key, arg), = value.items()
        if key == "Ref":
            return lookup(arg, None)
        if key == "Fn::GetAtt":
            logical_id, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
            return lookup(logical_id, attribute)
        if key == "Fn::Join":
            separator, parts = arg
            return separator.join(str(resolve(part, lookup)) for part in parts)
        if key.startswith("Fn::"):
            raise TemplateError(f"cannot resolve {key} locally: {json.dumps(value)[:200]}")
    return {k: resolve(v, lookup) for k, v in value.items()}


def event_sources(definition: dict[str, Any]) -> set[str]:
    """The ``Source`` of every ``events:putEvents`` entry in the definition."""
    sources: set[str] = set()

    def visit(states: dict[str, Any]) -> None:
        for state in states.values():
            if str(state.get("Resource", "")).endswith(":states:::events:putEvents"):
                for entry in state.get("Parameters", {}).get("Entries", []):
                    if "Source" in entry:
                        sources.add(entry["Source"])
            for branch in state.get("Branches", []):
                visit(branch.get("States", {}))

    visit(definition.get("States", {}))
    return sources
