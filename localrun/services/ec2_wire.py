"""EC2's query protocol: form-encoded requests, XML responses and errors.

The XML is written from botocore's model of the output (each member's
``locationName``, lists as ``<item>`` elements), so botocore's own EC2 parser
reads it back exactly as it reads the real service.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from botocore.model import Shape

from localrun.services.shapes import operation_model

NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/"
HEADERS = {"Content-Type": "text/xml;charset=UTF-8", "Server": "AmazonEC2"}


def parse_form(body: str) -> dict[str, list[str]]:
    return parse_qs(body, keep_blank_values=True)


def list_param(params: dict[str, list[str]], name: str) -> list[str]:
    """``Name.1=a&Name.2=b`` -> ``[a, b]`` in index order (how botocore's EC2 serializer sends lists)."""
    indexed = []
    for key, values in params.items():
        match = re.fullmatch(rf"{re.escape(name)}\.(\d+)", key)
        if match:
            indexed.append((int(match.group(1)), values[0]))
    return [value for _, value in sorted(indexed)]


def bool_param(params: dict[str, list[str]], name: str) -> bool:
    return params.get(name, ["false"])[0].lower() == "true"


def response_xml(operation: str, result: dict[str, Any], request_id: str) -> str:
    shape = operation_model("ec2", operation).output_shape
    body = "".join(_member_xml(member, result[name]) for name, member in shape.members.items() if name in result)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<{operation}Response xmlns="{NAMESPACE}"><requestId>{request_id}</requestId>{body}</{operation}Response>'
    )


def error_xml(code: str, message: str, request_id: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Response><Errors><Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
        f"</Errors><RequestID>{request_id}</RequestID></Response>"
    )


def _member_xml(shape: Shape, value: Any, tag: str | None = None) -> str:
    name = tag or shape.serialization.get("name") or shape.name
    return f"<{name}>{_value_xml(shape, value)}</{name}>"


def _value_xml(shape: Any, value: Any) -> str:
    kind = shape.type_name
    if kind == "structure":
        return "".join(_member_xml(m, value[n]) for n, m in shape.members.items() if n in value)
    if kind == "list":
        item = shape.member.serialization.get("name", "item")
        return "".join(_member_xml(shape.member, v, item) for v in value)
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp":
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return escape(str(value))


def iso_z(moment: datetime) -> str:
    """How EC2 writes ``ExpirationTime`` (a plain string in the model)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
