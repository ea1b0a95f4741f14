"""Check an EventBridge event against the committed schemas (``docs/schemas/``,
written by ``python -m tools.export_schemas``): ``validate_event(event)`` raises
:class:`EventSchemaViolation`. Every event a local run delivers passes through
here (``localrun.events.drain``), so a drift between the handlers, the state
machine's own error events and the published schemas fails the run.

Lives in ``localrun`` because jsonschema is a development dependency, not one of
the construct library's."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, FormatChecker

from conversion_watch.contract import DEFAULT_EVENT_SOURCE
from conversion_watch.event_contract import DETAIL_TYPES, definition_name

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "docs" / "schemas"


class EventSchemaViolation(ValueError):
    """An event does not match the schema of its detail-type."""


# jsonschema checks "date-time" only when an optional package is installed;
# this checker always does, with the standard library.
_FORMATS = FormatChecker(formats=())


@_FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None or "T" not in value:
        raise ValueError(f"{value!r} is not an RFC 3339 date-time with a time zone")
    return True


@cache
def committed_schema(detail_type: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((SCHEMA_DIR / f"{definition_name(detail_type)}.json").read_text())
    return schema


@cache
def validator(detail_type: str, event_source: str = DEFAULT_EVENT_SOURCE) -> Draft4Validator:
    # The committed schemas name the default source; a deployment may configure another.
    schema = copy.deepcopy(committed_schema(detail_type))
    schema["properties"]["source"]["enum"] = [event_source]
    schema["x-amazon-events-source"] = event_source
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, format_checker=_FORMATS)


def validate_event(event: dict[str, Any], *, event_source: str = DEFAULT_EVENT_SOURCE) -> None:
    """Validate a whole delivered event (envelope + ``detail``)."""
    detail_type = event.get("detail-type")
    if detail_type not in DETAIL_TYPES:
        raise EventSchemaViolation(f"unknown detail-type {detail_type!r}; expected one of {list(DETAIL_TYPES)}")
    problems = [
        f"{'/'.join(str(part) for part in error.absolute_path) or '<event>'}: {error.message}"
        for error in validator(detail_type, event_source).iter_errors(event)
    ]
    if problems:
        summary = "; ".join(problems)
        raise EventSchemaViolation(f"'{detail_type}' event {event.get('id')!r} violates its schema: {summary}")


def validate_detail(detail_type: str, detail: dict[str, Any], *, event_source: str = DEFAULT_EVENT_SOURCE) -> None:
    """Validate a ``detail`` alone, wrapped in a typical envelope."""
    validate_event(sample_envelope(detail_type, detail, event_source=event_source), event_source=event_source)


def sample_envelope(
    detail_type: str, detail: dict[str, Any], *, event_source: str = DEFAULT_EVENT_SOURCE
) -> dict[str, Any]:
    """The envelope EventBridge adds around a ``PutEvents`` entry."""
    return {
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": detail_type,
        "source": event_source,
        "account": "111122223333",
        "time": "2026-11-22T12:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": detail,
    }
