"""One in-process synthesis of the real app per test session (with the
context of ``cdk.json``, as ``cdk synth`` has it), shared by every infra test.

The stack is reached through ``app.build_app()``; resources are found through
the constructs (``logical_id`` of a construct), never through hashed ids."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions, cx_api

from app import build_app
from conversion_watch_cdk.conversion_watch_stack import ConversionWatchStack
from tests.infra.asl import resolve_definition

ROOT = Path(__file__).resolve().parents[2]
STACK_NAME = "ConversionWatch"


@dataclass(frozen=True)
class Synthesized:
    stack: ConversionWatchStack
    artifact: cx_api.CloudFormationStackArtifact
    outdir: Path
    template_json: dict[str, Any]
    template: assertions.Template

    def logical_id(self, construct: Any) -> str:
        """Logical id of an L2 construct's resource (or of an L1 itself)."""
        resource = getattr(construct.node, "default_child", None) or construct
        return str(self.stack.resolve(resource.logical_id))

    @property
    def template_path(self) -> Path:
        return Path(self.artifact.template_full_path)

    @property
    def state_machine_id(self) -> str:
        return self.logical_id(self.stack.watcher.state_machine)

    def definition(self) -> dict[str, Any]:
        """The state machine's ASL with references replaced by placeholder ARNs."""
        resource = self.template_json["Resources"][self.state_machine_id]
        return resolve_definition(resource["Properties"]["DefinitionString"], self.template_json["Resources"])


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    outdir = tmp_path_factory.mktemp("cdk.out")
    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    app = build_app(cdk.App(outdir=str(outdir), context=context))
    # cdk-nag runs here: an unacknowledged finding makes synth() raise.
    assembly = app.synth()
    stack = app.node.find_child(STACK_NAME)
    assert isinstance(stack, ConversionWatchStack)
    artifact = assembly.get_stack_by_name(STACK_NAME)
    template_json = artifact.template
    return Synthesized(
        stack=stack,
        artifact=artifact,
        outdir=outdir,
        template_json=template_json,
        template=assertions.Template.from_json(template_json),
    )


@pytest.fixture(scope="session")
def definition(synthesized: Synthesized) -> dict[str, Any]:
    return synthesized.definition()


@pytest.fixture(scope="session")
def definition_file(definition: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("asl") / "conversion-watch.asl.json"
    path.write_text(json.dumps(definition, indent=2))
    return path
