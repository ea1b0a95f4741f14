"""EC2's ``MaxResults`` / ``NextToken`` paging and its errors, for the VM Import/Export describes."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from localrun.services.faults import ServiceFault


def page(rows: list[Any], *, max_results: str | None, token: str | None, bounds: tuple[int, int] | None,
         result_key: str) -> dict[str, Any]:
    """One page of ``rows``; without ``MaxResults`` the whole list (the model documents no default)."""
    start = _offset(token)
    size = len(rows) if max_results is None else _size(max_results, bounds)
    result: dict[str, Any] = {result_key: rows[start : start + size]}
    if start + size < len(rows):
        result["NextToken"] = base64.urlsafe_b64encode(json.dumps({"offset": start + size}).encode()).decode()
    return result


def _size(raw: str, bounds: tuple[int, int] | None) -> int:
    low, high = bounds or (1, None)
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if size < low or (high is not None and size > high):
        limit = f"between {low} and {high}" if high else f"at least {low}"
        raise ServiceFault("InvalidParameterValue", f"Value ({raw}) for parameter maxResults is invalid. "
                           f"Expecting a value {limit}.", 400)
    return size


def _offset(token: str | None) -> int:
    if token is None:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(token.encode()))["offset"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        offset = None
    if not isinstance(offset, int) or offset < 0:
        raise ServiceFault("InvalidNextToken", "The specified NextToken is not valid.", 400)
    return offset
