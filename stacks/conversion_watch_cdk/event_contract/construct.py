"""``EventContract``: the events' schemas in an EventBridge Schema Registry,
and an archive on the bus so that a subscriber that was down can replay."""

from __future__ import annotations

import json

from aws_cdk import Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_eventschemas as eventschemas
from constructs import Construct

from conversion_watch.event_contract import DETAIL_TYPES, definition_name, event_schema, schema_name

DEFAULT_ARCHIVE_RETENTION = Duration.days(30)


class EventContract(Construct):
    """Publishes the JSON Schema (Draft 4) of each detail-type and archives
    every Conversion Watch event on the bus.

    :param event_bus: the bus the watcher publishes to.
    :param event_source: the events' ``source`` (archived and named in the schemas).
    :param registry_name: the Schema Registry's name. Default: ``<stack name>-events``.
    :param archive_retention: how long archived events can be replayed; a
        duration of zero keeps them forever. Default: 30 days.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        event_bus: events.IEventBus,
        event_source: str,
        registry_name: str | None = None,
        archive_retention: Duration | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        archive_retention = archive_retention if archive_retention is not None else DEFAULT_ARCHIVE_RETENTION

        self.registry = eventschemas.CfnRegistry(
            self,
            "Registry",
            registry_name=registry_name or f"{Stack.of(self).stack_name}-events",
            description="Conversion Watch events: one JSON Schema (Draft 4) per detail-type",
        )
        self.schemas: dict[str, eventschemas.CfnSchema] = {}
        for detail_type in DETAIL_TYPES:
            schema = eventschemas.CfnSchema(
                self,
                f"{definition_name(detail_type)}Schema",
                registry_name=self.registry.attr_registry_name,
                schema_name=schema_name(detail_type, event_source=event_source),
                type="JSONSchemaDraft4",
                content=json.dumps(event_schema(detail_type, event_source=event_source), sort_keys=True),
                description=f"Conversion Watch event '{detail_type}' (envelope and detail)",
            )
            self.schemas[detail_type] = schema

        self.archive = events.Archive(
            self,
            "Archive",
            source_event_bus=event_bus,
            event_pattern=events.EventPattern(source=[event_source]),
            retention=archive_retention,
            description="Every Conversion Watch event, for replay to a subscriber that missed some",
        )
