"""Where the local run plays: moto's one account and the region every local client uses, and the error
the local run itself raises. Below the engine and the auto-start driver, which both need them."""

from __future__ import annotations

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account


class EngineError(RuntimeError):
    """The local run itself failed (as opposed to a watch failing as the scenario intended)."""
