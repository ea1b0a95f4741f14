"""License Manager's JSON 1.1 protocol: ``X-Amz-Target`` routing, JSON bodies, epoch-second timestamps."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

TARGET_PREFIX = "AWSLicenseManager."


def headers(request_id: str) -> dict[str, str]:
    return {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": request_id}


def operation(target: str | bytes | None) -> str | None:
    if isinstance(target, bytes):
        target = target.decode("ascii", "replace")  # botocore's prepared headers may hold bytes
    if target and target.startswith(TARGET_PREFIX):
        return target[len(TARGET_PREFIX) :]
    return None


def parse_body(body: str) -> dict[str, Any]:
    parsed = json.loads(body) if body.strip() else {}
    if not isinstance(parsed, dict):
        raise ValueError("a JSON 1.1 request body is an object")
    return parsed


def response_json(result: dict[str, Any]) -> str:
    return json.dumps(result, default=_timestamp)


def error_json(code: str, message: str) -> str:
    return json.dumps({"__type": code, "message": message})


def _timestamp(value: Any) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
