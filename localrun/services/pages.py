"""EC2's ``MaxResults`` / ``NextToken`` paging and its errors, for the VM Import/Export describes, and the
``NextToken`` form every paged answer of the double uses (``next_token`` / ``token_offset``)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from localrun.services.faults import ServiceFault


def page(rows: list[Any], *, max_results: str | None, token: str | None, bounds: tuple[int, int] | None,
         result_key: str) -> dict[str, Any]:
    """One page of ``rows``; without ``MaxResults`` the whole list (the model documents no default)."""
    start = token_offset(token, invalid=ServiceFault("InvalidNextToken", "The specified NextToken is not valid.", 400))
    size = len(rows) if max_results is None else _size(max_results, bounds)
    result: dict[str, Any] = {result_key: rows[start : start + size]}
    if start + size < len(rows):
        result["NextToken"] = next_token(start + size)
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


def next_token(offset: int) -> str:
    """The ``NextToken`` of the page that starts at ``offset`` (opaque to the caller, as AWS's are)."""
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def token_offset(token: Any, *, invalid: ServiceFault) -> int:
    """Where the page ``token`` starts (0 without one); ``invalid``, the service's own error, for a token
    the double did not give."""
    if token is None:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(str(token).encode()))["offset"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        offset = None
    if not isinstance(offset, int) or offset < 0:
        raise invalid
    return offset
