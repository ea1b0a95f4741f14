"""What the engine takes from the synthesized template, and how it resolves it."""

from __future__ import annotations

import json

import pytest

from localrun.lambdas import HandlerNotFound, load_handler
from localrun.template import TemplateError, event_sources, load_template, resolve, stack_spec


def _lookup(logical_id: str, attribute: str | None) -> str:
    if logical_id == "AWS::Partition":
        return "aws"
    return f"arn:aws:local:::{logical_id}" if attribute == "Arn" else logical_id


def test_the_engine_runs_the_functions_and_bus_the_definition_refers_to() -> None:
    spec = stack_spec(load_template())

    assert sorted(f.handler for f in spec.functions.values()) == [
        "conversion_watch.handlers.poll_task.handler",
        "conversion_watch.handlers.validate_watch.handler",
    ]
    for function in spec.functions.values():
        assert function.environment["POLLS_PER_EXECUTION"] == "500"
        assert load_handler(function.handler).__name__ == "handler"


def test_the_definition_is_resolved_without_leftover_intrinsics() -> None:
    spec = stack_spec(load_template())

    definition = json.loads(resolve(spec.definition, _lookup))

    assert definition["StartAt"] == "Validate Watch Request"
    text = json.dumps(definition)
    assert "Fn::" not in text and '"Ref"' not in text
    resources = {s.get("Resource") for s in definition["States"].values() if s["Type"] == "Task"}
    assert "arn:aws:states:::lambda:invoke" in resources
    assert "arn:aws:states:::events:putEvents" in resources
    assert event_sources(definition) == {"conversion-watch"}


def test_an_intrinsic_the_engine_cannot_resolve_is_named() -> None:
    with pytest.raises(TemplateError, match="Fn::ImportValue"):
        resolve({"Fn::Join": ["", ["arn:", {"Fn::ImportValue": "Elsewhere"}]]}, _lookup)


def test_a_handler_setting_that_names_nothing_is_an_error() -> None:
    with pytest.raises(HandlerNotFound, match=r"handlers\.nope"):
        load_handler("handlers.nope.handler")
    with pytest.raises(HandlerNotFound, match="no callable 'missing'"):
        load_handler("conversion_watch.handlers.poll_task.missing")
