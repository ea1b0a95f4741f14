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

_CONFIG = Config(connect_timeout=5, read_timeout=15, user_agent_extra="conversion-watch")


@cache
def client(service: str) -> Any:
    return boto3.client(service, config=_CONFIG)  # type: ignore[call-overload]


def reset() -> None:
    """Forget cached clients (tests, and the local engine between runs)."""
    client.cache_clear()
