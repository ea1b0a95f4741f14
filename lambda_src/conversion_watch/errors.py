"""Named errors. The class name is the error name Step Functions sees.

Two families:
* ``WatchError`` subclasses end the watch: the poll step returns them as data
  (an ``ERROR`` outcome) so the state machine publishes a
  ``Conversion Task Watch Error`` event and fails with ``errorCode`` as its error.
* ``TransientError`` subclasses are raised out of the handler so the state
  machine's Retry (backoff + jitter) absorbs them; when retries run out the
  Catch turns them into a ``RetriesExhausted`` watch error.
"""

from __future__ import annotations


class WatchError(Exception):
    """The watcher cannot go on; ``error_code`` names why (public, in events)."""

    error_code = "WatchError"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(WatchError):
    error_code = "InvalidInput"


class NotTheWatchHolder(WatchError):
    """A valid request whose execution does not hold the task's watch in the registry (another
    execution holds it, its end was delivered, or the registry names another successor): the
    execution ends without publishing anything for the task (a forged or replayed input decides nothing)."""

    error_code = "NotTheWatchHolder"


class TaskNotFound(WatchError):
    error_code = "TaskNotFound"


class AccessDenied(WatchError):
    error_code = "AccessDenied"


class UnknownServiceState(WatchError):
    error_code = "UnknownServiceState"


class WatchTimedOut(WatchError):
    error_code = "WatchTimedOut"


class RequestRejected(WatchError):
    """The service refused the call with a client error no retry can fix
    (e.g. ``OptInRequired``, ``UnsupportedOperation``)."""

    error_code = "RequestRejected"


class TransientError(Exception):
    """Worth retrying: the state machine retries these with backoff and jitter."""


class Throttled(TransientError):
    """The service throttled us (``RequestLimitExceeded``, ``RateLimitExceededException``)."""


class ServiceUnavailable(TransientError):
    """A 5xx or network failure from the service."""


# The state machine's Retry matches on these class names (``contract.RETRYABLE_ERROR_NAMES``).
RETRYABLE_ERROR_NAMES = (Throttled.__name__, ServiceUnavailable.__name__)
