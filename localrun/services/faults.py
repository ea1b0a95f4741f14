"""Service errors the double answers with, and the scenario's seeded fault injection.

Status codes are the services' own: EC2 throttles with ``RequestLimitExceeded``
(HTTP 503) and fails with ``InternalError`` (500) / ``Unavailable`` (503);
License Manager throttles with ``RateLimitExceededException`` (400) and fails
with ``ServerInternalException`` (500).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Any

EC2 = "ec2"
LICENSE_MANAGER = "license-manager"


class ServiceFault(Exception):
    """An error response: the service's code, message and HTTP status."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(code, message, status)
        self.code, self.message, self.status = code, message, status

    def __str__(self) -> str:
        return f"{self.code} ({self.status}): {self.message}"


def throttled(service: str) -> ServiceFault:
    if service == EC2:
        return ServiceFault("RequestLimitExceeded", "Request limit exceeded.", 503)
    return ServiceFault("RateLimitExceededException", "Rate exceeded", 400)


def server_error(service: str, pick: float) -> ServiceFault:
    if service == LICENSE_MANAGER:
        return ServiceFault("ServerInternalException", "An internal error occurred. Try again.", 500)
    if pick < 0.5:
        return ServiceFault("InternalError", "An internal error has occurred.", 500)
    return ServiceFault("Unavailable", "The server is overloaded and can't handle the request.", 503)


class FaultConfigError(ValueError):
    """The scenario's ``faults`` object is not usable."""


_KEYS = {"seed", "throttleRate", "serverErrorRate", "putEventsFailureRate", "putEventsOutages"}


@dataclass(frozen=True)
class FaultPlan:
    """``faults`` of a scenario. ``put_events_failure_rate`` is the engine's to apply."""

    seed: int = 0
    throttle_rate: float = 0.0
    server_error_rate: float = 0.0
    put_events_failure_rate: float = 0.0
    put_events_outages: tuple[tuple[float, float], ...] = ()  # (from, to) simulated seconds: every entry fails

    @classmethod
    def parse(cls, raw: Any) -> FaultPlan:
        if raw is None:
            return cls()
        if not isinstance(raw, dict):
            raise FaultConfigError(f"'faults' must be an object, got {type(raw).__name__}")
        unknown = sorted(set(raw) - _KEYS)
        if unknown:
            raise FaultConfigError(f"'faults': unknown field(s) {unknown}; allowed: {sorted(_KEYS)}")
        seed = raw.get("seed", 0)
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise FaultConfigError("'faults.seed' must be an integer")
        rates = {key: raw.get(key, 0.0) for key in ("throttleRate", "serverErrorRate", "putEventsFailureRate")}
        for key, rate in rates.items():
            if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0.0 <= rate <= 1.0:
                raise FaultConfigError(f"'faults.{key}' must be a number between 0 and 1, got {rate!r}")
        if rates["throttleRate"] + rates["serverErrorRate"] > 1.0:
            raise FaultConfigError("'faults': throttleRate + serverErrorRate cannot exceed 1")
        return cls(
            seed, float(rates["throttleRate"]), float(rates["serverErrorRate"]), float(rates["putEventsFailureRate"]),
            _outages(raw.get("putEventsOutages", [])),
        )

    @property
    def injects_service_faults(self) -> bool:
        return self.throttle_rate > 0 or self.server_error_rate > 0


def _outages(raw: Any) -> tuple[tuple[float, float], ...]:
    def seconds(value: Any) -> bool:
        return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0

    if not isinstance(raw, list) or not all(
        isinstance(o, dict) and set(o) == {"from", "to"} and seconds(o["from"]) and seconds(o["to"])
        and o["from"] < o["to"] for o in raw
    ):
        raise FaultConfigError("'faults.putEventsOutages' must be a list of {'from': seconds, 'to': later seconds}")
    return tuple((float(o["from"]), float(o["to"])) for o in raw)


class FaultInjector:
    """Draws from one seeded generator under a lock: the same seed gives the same
    sequence of outcomes (which call gets which outcome follows the call order)."""

    def __init__(self, plan: FaultPlan) -> None:
        self.plan = plan
        self._random = random.Random(plan.seed)
        self._lock = threading.Lock()

    def draw(self, service: str) -> ServiceFault | None:
        if not self.plan.injects_service_faults:
            return None
        with self._lock:
            roll, pick = self._random.random(), self._random.random()
        if roll < self.plan.throttle_rate:
            return throttled(service)
        if roll < self.plan.throttle_rate + self.plan.server_error_rate:
            return server_error(service, pick)
        return None
