"""Lazily created, reused SDK clients.

Retries: botocore's ``standard`` mode (set by the stack through
``AWS_RETRY_MODE`` / ``AWS_MAX_ATTEMPTS``) retries throttling and 5xx inside
the invocation with jittered backoff; what it cannot absorb is raised as a
named error and retried by the state machine.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

# Every SDK attempt (AWS_MAX_ATTEMPTS of them, with back-off) should fit in the
# function's timeout: a Lambda time-out ("Lambda.Unknown" / "Sandbox.Timedout")
# is retried by the state machine, but each such retry costs a whole function
# timeout and one of the step's few attempts, where a short SDK timeout costs seconds.
CONNECT_TIMEOUT_SECONDS = 2
READ_TIMEOUT_SECONDS = 6
_CONFIG = Config(
    connect_timeout=CONNECT_TIMEOUT_SECONDS, read_timeout=READ_TIMEOUT_SECONDS, user_agent_extra="conversion-watch"
)


@cache
def client(service: str) -> Any:
    return boto3.client(service, config=_CONFIG)  # type: ignore[call-overload]


def reset() -> None:
    """Forget cached clients (tests, and the local engine between runs)."""
    client.cache_clear()
