"""Template tests: Schema Registry, the two schemas, the archive, and the
error details the state machine builds itself (Pass states) against the schema."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Match

from conversion_watch.event_contract import event_schema
from conversion_watch.models import STATE_CHANGE, WATCH_ERROR
from localrun.event_schemas import validate_detail
from tests.contract.stack import synth_stack
from tools.state_machine_dot import watcher_definition

SAMPLE_VALUES = {
    "eventId": "import-i-ffvko9js#4",
    "sequence": 4,
    "taskType": "ec2-conversion",
    "taskId": "import-i-ffvko9js",
    "message": "polling failed after retries: Throttled",
    "observedAt": "2026-11-22T12:00:00.123Z",
    "watchStartedAt": "2026-11-22T09:00:00.000Z",
    "pollCount": 3,
    "lastKnownState": "IN_PROGRESS",
}


def test_registry_and_one_draft4_schema_per_detail_type() -> None:
    template = synth_stack()
    template.resource_count_is("AWS::EventSchemas::Registry", 1)
    template.has_resource_properties("AWS::EventSchemas::Registry", {"RegistryName": "ConversionWatch-events"})
    template.resource_count_is("AWS::EventSchemas::Schema", 2)
    registries = template.find_resources("AWS::EventSchemas::Registry")
    for detail_type, name in ((STATE_CHANGE, "ConversionTaskStateChange"), (WATCH_ERROR, "ConversionTaskWatchError")):
        schemas = template.find_resources(
            "AWS::EventSchemas::Schema",
            {"Properties": {"SchemaName": f"conversion-watch@{name}", "Type": "JSONSchemaDraft4"}},
        )
        assert len(schemas) == 1, detail_type
        (schema,) = schemas.values()
        assert json.loads(schema["Properties"]["Content"]) == event_schema(detail_type)
        registry_id, attribute = schema["Properties"]["RegistryName"]["Fn::GetAtt"]
        assert (registry_id in registries, attribute) == (True, "RegistryName")


def test_archive_keeps_every_watcher_event_30_days_by_default() -> None:
    template = synth_stack()
    template.resource_count_is("AWS::Events::Archive", 1)
    template.has_resource_properties(
        "AWS::Events::Archive",
        {
            "RetentionDays": 30,
            "EventPattern": {"source": ["conversion-watch"]},
            "SourceArn": {"Fn::GetAtt": [Match.string_like_regexp("^WatcherEventBus"), "Arn"]},
        },
    )
    outputs = template.to_json()["Outputs"]
    assert {"SchemaRegistryName", "EventArchiveArn"} <= set(outputs)


def test_archive_retention_and_names_follow_context() -> None:
    template = synth_stack(
        **{
            "conversionWatch:archiveRetentionDays": "7",
            "conversionWatch:eventSource": "acme.conversions",
            "conversionWatch:schemaRegistryName": "acme-events",
        }
    )
    template.has_resource_properties(
        "AWS::Events::Archive", {"RetentionDays": 7, "EventPattern": {"source": ["acme.conversions"]}}
    )
    template.has_resource_properties("AWS::EventSchemas::Registry", {"RegistryName": "acme-events"})
    template.has_resource_properties(
        "AWS::EventSchemas::Schema", {"SchemaName": "acme.conversions@ConversionTaskStateChange"}
    )


def pass_state_detail(state: dict[str, Any]) -> dict[str, Any]:
    """The detail a failure-recording Pass state builds, with sample values for its paths."""
    built = {}
    for key, value in state["Parameters"]["status"]["detail"].items():
        name = key.removesuffix(".$")
        built[name] = SAMPLE_VALUES[name] if key.endswith(".$") else value
    return built


def test_details_built_by_the_state_machine_match_the_schema() -> None:
    """Pass states that record a failure build a Watch Error detail in ASL."""
    states = watcher_definition(synth_stack().to_json())["States"]
    recorders = {
        name: state
        for name, state in states.items()
        if state["Type"] == "Pass" and "detail" in state.get("Parameters", {}).get("status", {})
    }
    assert {"Record Validation Failure", "Record Poll Failure"} <= set(recorders)
    for state in recorders.values():
        validate_detail(WATCH_ERROR, pass_state_detail(state))
