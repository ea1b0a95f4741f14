"""Turn botocore failures into the watcher's named errors."""

from __future__ import annotations

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    HTTPClientError,
)
from botocore.exceptions import (
    ConnectionError as BotoConnectionError,
)

from conversion_watch.errors import (
    AccessDenied,
    InvalidInput,
    RequestRejected,
    ServiceUnavailable,
    TaskNotFound,
    Throttled,
)

THROTTLING_CODES = frozenset(
    {"RequestLimitExceeded", "RateLimitExceededException", "Throttling", "ThrottlingException"}
)
ACCESS_CODES = frozenset(
    {"UnauthorizedOperation", "AuthFailure", "AccessDeniedException", "AuthorizationException", "AccessDenied"}
)
# EC2's error-code reference lists InvalidExportTaskID.NotFound / .Malformed for export tasks
# (export-i-..., export-ami-...). It lists no code of its own for import image/snapshot tasks: an
# unknown import-ami-/import-snap- id is assumed to answer like a conversion task id, and an empty
# result is TaskNotFound whatever the code (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
NOT_FOUND_CODES = frozenset(
    {"InvalidConversionTaskId", "InvalidConversionTaskId.NotFound", "InvalidExportTaskID.NotFound",
     "ResourceNotFoundException", "InvalidParameterValueException"}
)
MALFORMED_CODES = frozenset({"InvalidConversionTaskId.Malformed", "InvalidExportTaskID.Malformed"})


def error_code(error: Exception) -> str:
    """The service's error code of a botocore ``ClientError`` (``""`` for anything else)."""
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code") or "")


def translate(error: Exception, *, operation: str, task_id: str) -> Exception:
    """Map an SDK failure to a named watcher error (returned, for the caller to raise)."""
    if isinstance(error, ClientError):
        code = error_code(error)
        message = error.response.get("Error", {}).get("Message", "") or code
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if code in THROTTLING_CODES:
            return Throttled(f"{operation} throttled ({code}): {message}")
        if code in ACCESS_CODES:
            return AccessDenied(f"{operation} denied ({code}): {message}")
        if code in MALFORMED_CODES:
            return InvalidInput(f"the service rejected task id {task_id!r} as malformed ({code}): {message}")
        if code in NOT_FOUND_CODES:
            return TaskNotFound(f"no conversion task {task_id!r} ({code}): {message}")
        if status >= 500 or code in {"InternalError", "ServerInternalException", "ServiceUnavailable", "Unavailable"}:
            return ServiceUnavailable(f"{operation} failed ({code or status}): {message}")
        if 400 <= status < 500:
            return RequestRejected(f"{operation} rejected ({code or status}): {message}")
        return ServiceUnavailable(f"{operation} failed with unexpected {code or status}: {message}")
    if isinstance(error, (BotoConnectionError, HTTPClientError, BotoCoreError)):
        return ServiceUnavailable(f"{operation} could not reach the service: {error}")
    return error
