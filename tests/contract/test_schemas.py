"""The generated schemas: valid Draft 4, and every event the real watch
functions produce validates against its detail-type's schema."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from jsonschema import Draft4Validator

from conversion_watch.event_contract import (
    DETAIL_TYPES,
    all_event_schemas,
    event_schema,
    schema_name,
    to_draft4,
)
from conversion_watch.models import STATE_CHANGE, WATCH_ERROR
from localrun.event_schemas import (
    EventSchemaViolation,
    sample_envelope,
    validate_detail,
    validate_event,
)
from tests.contract import details
from tools.export_schemas import schema_files

LATER_DRAFT_KEYWORDS = {"$defs", "const", "examples", "prefixItems", "unevaluatedProperties", "dependentRequired"}


def keywords(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = set(node)
        for key, value in node.items():
            if key != "properties":
                found |= keywords(value)
            else:
                found |= set().union(*(keywords(item) for item in value.values())) if value else set()
        return found
    if isinstance(node, list):
        return set().union(*(keywords(item) for item in node)) if node else set()
    return set()


@pytest.mark.parametrize("detail_type", DETAIL_TYPES)
def test_each_schema_is_draft4_and_names_its_event(detail_type: str) -> None:
    schema = event_schema(detail_type)
    Draft4Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert not keywords(schema) & LATER_DRAFT_KEYWORDS
    assert schema["x-amazon-events-detail-type"] == detail_type
    assert schema["properties"]["detail-type"]["enum"] == [detail_type]
    refs = {ref for ref in json.dumps(schema).split('"$ref": "')[1:]}
    assert all(ref.startswith("#/definitions/") for ref in refs)


def test_schema_names_follow_aws_style() -> None:
    assert schema_name(STATE_CHANGE) == "conversion-watch@ConversionTaskStateChange"
    assert schema_name(WATCH_ERROR, event_source="acme.watch") == "acme.watch@ConversionTaskWatchError"
    assert set(all_event_schemas()) == {STATE_CHANGE, WATCH_ERROR}


def test_draft4_rewrite_of_later_draft_constructs() -> None:
    later = {
        "$defs": {"A": {"type": "object", "properties": {"k": {"const": "x", "title": "K"}}, "title": "A"}},
        "properties": {
            "a": {"$ref": "#/$defs/A", "description": "ignored beside $ref in Draft 4"},
            "n": {"anyOf": [{"type": "integer", "exclusiveMinimum": 0}, {"type": "null"}], "default": None},
            "e": {"anyOf": [{"type": "string", "enum": ["X", "Y"]}, {"type": "null"}]},
        },
    }
    assert to_draft4(later) == {
        "definitions": {"A": {"type": "object", "properties": {"k": {"enum": ["x"]}}, "title": "A"}},
        "properties": {
            "a": {"$ref": "#/definitions/A"},
            "n": {"type": ["integer", "null"], "minimum": 0, "exclusiveMinimum": True},
            "e": {"type": ["string", "null"], "enum": ["X", "Y", None]},
        },
    }


@pytest.mark.parametrize("event", details.as_events(), ids=lambda e: f"{e['detail']['eventId']}")
def test_every_event_from_the_watch_functions_validates(event: dict[str, Any]) -> None:
    validate_event(event)


def test_state_changes_carry_the_elapsed_time() -> None:
    completed = details.ec2_lifecycle()[-1]
    assert (completed["state"], completed["elapsed"], completed["elapsedSeconds"]) == ("COMPLETED", "3 h 12 min", 11520)
    failed = details.license_lifecycle("FAILED")[-1]
    # License Manager reports the task's own start and end: 08:55 -> 11:07.
    assert (failed["state"], failed["elapsed"]) == ("FAILED", "2 h 12 min")


def mutated(event: dict[str, Any], path: list[str], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(event)
    target = changed
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return changed


BROKEN = {
    "unknown state": (["detail", "state"], "DONE", "detail/state"),
    "missing required field": (["detail", "taskId"], KeyError, "'taskId' is a required property"),
    "extra field": (["detail", "colour"], "blue", "Additional properties"),
    "wrong source": (["source"], "someone-else", "source"),
    "bad timestamp": (["detail", "observedAt"], "yesterday", "detail/observedAt"),
    "naive timestamp": (["detail", "observedAt"], "2026-11-22T12:00:00", "detail/observedAt"),
    "negative elapsed": (["detail", "elapsedSeconds"], -1, "detail/elapsedSeconds"),
    "string progress": (["detail", "progress"], "50%", "detail/progress"),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_schema_rejects_what_the_contract_does_not_allow(case: str) -> None:
    path, value, expected = BROKEN[case]
    good = sample_envelope(STATE_CHANGE, details.ec2_lifecycle()[-1])
    validate_event(good)
    with pytest.raises(EventSchemaViolation, match=expected):
        validate_event(mutated(good, path, value))


def test_unknown_detail_type_is_a_named_error() -> None:
    with pytest.raises(EventSchemaViolation, match="unknown detail-type"):
        validate_event({"detail-type": "Something Else", "detail": {}})


def test_a_configured_source_is_part_of_the_schema() -> None:
    detail = details.error_details()[0]
    validate_detail(WATCH_ERROR, detail, event_source="acme.watch")
    with pytest.raises(EventSchemaViolation, match="source"):
        validate_event(sample_envelope(WATCH_ERROR, detail), event_source="acme.watch")


def test_committed_schema_files_are_current() -> None:
    for path, content in schema_files().items():
        assert path.read_text() == content, f"{path.name} is stale: run python -m tools.export_schemas"
