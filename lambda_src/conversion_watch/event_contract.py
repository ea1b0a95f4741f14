"""The event contract, our public API, as JSON Schemas (Draft 4, EventBridge's
``JSONSchemaDraft4``) of the two events, generated from the pydantic models the
handlers use (``models``) and the names in ``contract``. Pure pydantic: the
construct library (schema registry), the emulator and the tests import it
without loading the CDK.

Each schema describes the whole event: the EventBridge envelope plus the
``detail`` model. pydantic writes Draft 2020-12; :func:`to_draft4` rewrites the
few constructs Draft 4 does not have.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from pydantic import BaseModel

from conversion_watch.contract import DEFAULT_EVENT_SOURCE, STATE_CHANGE, WATCH_ERROR
from conversion_watch.models import StateChangeDetail, WatchErrorDetail

DRAFT4 = "http://json-schema.org/draft-04/schema#"
DETAIL_MODELS: dict[str, type[BaseModel]] = {STATE_CHANGE: StateChangeDetail, WATCH_ERROR: WatchErrorDetail}
DETAIL_TYPES = (STATE_CHANGE, WATCH_ERROR)
# Keys pydantic writes that say nothing to a subscriber (titles are derived
# from field names; defaults describe the input side, not what is emitted).
_NOISE = frozenset({"title", "default"})


def definition_name(detail_type: str) -> str:
    """``Conversion Task State Change`` -> ``ConversionTaskStateChange``."""
    return re.sub(r"[^0-9A-Za-z]", "", detail_type.title())


def schema_name(detail_type: str, *, event_source: str = DEFAULT_EVENT_SOURCE) -> str:
    """Registry name, in AWS's own style (``aws.ec2@EC2InstanceStateChangeNotification``)."""
    return f"{event_source}@{definition_name(detail_type)}"


def event_schema(detail_type: str, *, event_source: str = DEFAULT_EVENT_SOURCE) -> dict[str, Any]:
    """The whole event (envelope + ``detail``) of one detail-type, Draft 4."""
    model = DETAIL_MODELS[detail_type]
    detail = to_draft4(model.model_json_schema(mode="validation", ref_template="#/definitions/{model}"))
    definitions = detail.pop("definitions", {})
    detail_name = definition_name(detail_type)
    definitions[detail_name] = detail
    return {
        "$schema": DRAFT4,
        "title": detail_name,
        "description": f"EventBridge event '{detail_type}' published by Conversion Watch.",
        "x-amazon-events-detail-type": detail_type,
        "x-amazon-events-source": event_source,
        "type": "object",
        "required": ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"],
        "properties": {
            "version": {"type": "string"},
            "id": {"type": "string"},
            "detail-type": {"type": "string", "enum": [detail_type]},
            "source": {"type": "string", "enum": [event_source]},
            "account": {"type": "string"},
            "time": {"type": "string", "format": "date-time"},
            "region": {"type": "string"},
            "resources": {"type": "array", "items": {"type": "string"}},
            "detail": {"$ref": f"#/definitions/{detail_name}"},
        },
        "definitions": dict(sorted(definitions.items())),
    }


def all_event_schemas(*, event_source: str = DEFAULT_EVENT_SOURCE) -> dict[str, dict[str, Any]]:
    return {detail_type: event_schema(detail_type, event_source=event_source) for detail_type in DETAIL_TYPES}


def to_draft4(schema: dict[str, Any]) -> dict[str, Any]:
    """Rewrite pydantic's Draft 2020-12 output into Draft 4."""
    return _rewrite(copy.deepcopy(schema))


def _rewrite(node: Any) -> Any:
    if isinstance(node, list):
        return [_rewrite(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _rewrite(value) for key, value in node.items() if key not in _NOISE or _is_schema_name(key, node)}
    if "$defs" in node:
        node["definitions"] = node.pop("$defs")
    if "$ref" in node:
        node["$ref"] = node["$ref"].replace("#/$defs/", "#/definitions/")
        # Draft 4 ignores every keyword beside $ref.
        return {"$ref": node["$ref"]}
    if "const" in node:
        node["enum"] = [node.pop("const")]
    for key in ("exclusiveMinimum", "exclusiveMaximum"):
        if isinstance(node.get(key), int | float) and not isinstance(node[key], bool):
            # Draft 6+: a number; Draft 4: a flag on minimum/maximum.
            node[key.replace("exclusiveM", "m")] = node[key]
            node[key] = True
    node.pop("examples", None)
    return _collapse_nullable(node)


def _is_schema_name(key: str, node: dict[str, Any]) -> bool:
    """Keep ``title`` on a model (an object schema), drop it on fields."""
    return key == "title" and "properties" in node


def _collapse_nullable(node: dict[str, Any]) -> dict[str, Any]:
    """``anyOf: [{type: T, ...}, {type: null}]`` -> ``{type: [T, null], ...}``."""
    options = node.get("anyOf")
    if not isinstance(options, list) or len(options) != 2 or {"type": "null"} not in options:
        return node
    (other,) = [option for option in options if option != {"type": "null"}]
    if "$ref" in other or not isinstance(other.get("type"), str):
        return node
    merged = {key: value for key, value in node.items() if key != "anyOf"}
    merged.update(other)
    merged["type"] = [other["type"], "null"]
    if "enum" in merged:
        merged["enum"] = [*merged["enum"], None]
    return merged
