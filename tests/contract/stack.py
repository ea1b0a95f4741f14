"""The real app (``app.build_app``: the stack plus cdk-nag's AwsSolutions
pack), synthesized in-process with ``cdk.json``'s context and extra context
values; cached, since each synth takes seconds."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk.assertions import Template

from app import build_app
from tools.state_machine_dot import resolve_intrinsics

ROOT = Path(__file__).resolve().parents[2]


@cache
def _synth(context_items: tuple[tuple[str, Any], ...]) -> Template:
    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    context.update(dict(context_items))
    app = build_app(cdk.App(context=context))
    app.synth()  # raises on any cdk-nag finding
    stack = app.node.find_child("ConversionWatch")
    return Template.from_stack(stack)  # type: ignore[arg-type]


def synth_stack(**context: Any) -> Template:
    """``synth_stack(**{"conversionWatch:notificationEmails": "a@example.com"})``"""
    return _synth(tuple(sorted(context.items())))


def resolve_json(value: Any) -> Any:
    """A JSON document CDK wrote as ``Fn::Join`` (tokens become ``<placeholders>``)."""
    return json.loads(resolve_intrinsics(value))
