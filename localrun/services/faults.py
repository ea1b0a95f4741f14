"""Service errors the double answers with, and the scenario's seeded fault injection.

Status codes are the services' own: EC2 throttles with ``RequestLimitExceeded``
(HTTP 503) and fails with ``InternalError`` (500) / ``Unavailable`` (503);
License Manager throttles with ``RateLimitExceededException`` (400) and fails
with ``ServerInternalException`` (500).

Besides random rates, ``tokenBuckets`` models the account's own throttling: a
token bucket per API per account and region, shared by every caller (EC2
documents 100 tokens refilled at 20 a second for non-mutating actions:
https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html; License
Manager publishes no request-rate quota, so its figures are an assumption).
``reservedShare`` is the part of the bucket other tools in the account use: this
run gets ``capacity`` and ``refillPerSecond`` times ``1 - reservedShare``. Tokens
refill on the simulated clock.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
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


_KEYS = {"seed", "throttleRate", "serverErrorRate", "putEventsFailureRate", "tokenBuckets", "putEventsOutages",
         "tableOutages", "lambdaCrashes"}
_BUCKET_KEYS = {"capacity", "refillPerSecond", "reservedShare"}
SERVICES = (EC2, LICENSE_MANAGER)


@dataclass(frozen=True)
class BucketSpec:
    """One service's bucket; every API of the service gets a bucket of this size (EC2 evaluates
    "each API individually")."""

    capacity: float
    refill_per_second: float
    reserved_share: float = 0.0

    @property
    def ours(self) -> tuple[float, float]:
        """(capacity, refill per second) left for this run once other tools took their share."""
        left = 1.0 - self.reserved_share
        return self.capacity * left, self.refill_per_second * left

    @classmethod
    def parse(cls, service: str, raw: Any) -> BucketSpec:
        where = f"'faults.tokenBuckets.{service}'"
        if not isinstance(raw, dict):
            raise FaultConfigError(f"{where} must be an object")
        unknown = sorted(set(raw) - _BUCKET_KEYS)
        if unknown:
            raise FaultConfigError(f"{where}: unknown field(s) {unknown}; allowed: {sorted(_BUCKET_KEYS)}")
        values = {key: raw.get(key) for key in ("capacity", "refillPerSecond")}
        for key, value in values.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise FaultConfigError(f"{where}.{key} must be a positive number, got {value!r}")
        share = raw.get("reservedShare", 0.0)
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0.0 <= share < 1.0:
            raise FaultConfigError(f"{where}.reservedShare must be a number in [0, 1), got {share!r}")
        return cls(float(raw["capacity"]), float(raw["refillPerSecond"]), float(share))


def _parse_buckets(raw: Any) -> tuple[tuple[str, BucketSpec], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise FaultConfigError("'faults.tokenBuckets' must be an object keyed by service")
    unknown = sorted(set(raw) - set(SERVICES))
    if unknown:
        raise FaultConfigError(f"'faults.tokenBuckets': unknown service(s) {unknown}; allowed: {list(SERVICES)}")
    return tuple((service, BucketSpec.parse(service, spec)) for service, spec in sorted(raw.items()))


@dataclass(frozen=True)
class FaultPlan:
    """``faults`` of a scenario. ``put_events_failure_rate`` is the engine's to apply."""

    seed: int = 0
    throttle_rate: float = 0.0
    server_error_rate: float = 0.0
    put_events_failure_rate: float = 0.0
    put_events_outages: tuple[tuple[float, float], ...] = ()  # (from, to) simulated seconds: every entry fails
    token_buckets: tuple[tuple[str, BucketSpec], ...] = ()
    # (from, to): every watch-table call fails as DynamoDB fails (the engine's to apply).
    table_outages: tuple[tuple[float, float], ...] = ()
    # (from, to): every Lambda invocation of the state machine fails with an unhandled error.
    lambda_crashes: tuple[tuple[float, float], ...] = ()

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
            put_events_outages=_outages(raw.get("putEventsOutages", []), "putEventsOutages"),
            token_buckets=_parse_buckets(raw.get("tokenBuckets")),
            table_outages=_outages(raw.get("tableOutages", []), "tableOutages"),
            lambda_crashes=_outages(raw.get("lambdaCrashes", []), "lambdaCrashes"),
        )

    @property
    def injects_service_faults(self) -> bool:
        return self.throttle_rate > 0 or self.server_error_rate > 0


def within(windows: tuple[tuple[float, float], ...], seconds: float) -> bool:
    """Is ``seconds`` inside one of the ``(from, to)`` windows (from included, to excluded)?"""
    return any(start <= seconds < end for start, end in windows)


def _outages(raw: Any, key: str) -> tuple[tuple[float, float], ...]:
    def seconds(value: Any) -> bool:
        return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0

    if not isinstance(raw, list) or not all(
        isinstance(o, dict) and set(o) == {"from", "to"} and seconds(o["from"]) and seconds(o["to"])
        and o["from"] < o["to"] for o in raw
    ):
        raise FaultConfigError(f"'faults.{key}' must be a list of {{'from': seconds, 'to': later seconds}}")
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


class TokenBuckets:
    """The account's buckets, one per API (``service:Operation``), refilled on ``seconds()``
    (the simulated clock). Thread-safe: every execution's calls draw from the same buckets."""

    def __init__(self, plan: FaultPlan, seconds: Callable[[], float]) -> None:
        self._specs = dict(plan.token_buckets)
        self._seconds = seconds
        self._lock = threading.Lock()
        self._levels: dict[str, tuple[float, float]] = {}  # api -> (tokens, at seconds)

    def take(self, service: str, operation: str) -> ServiceFault | None:
        """One token for a call, or the service's throttling error when the bucket is empty."""
        spec = self._specs.get(service)
        if spec is None:
            return None
        capacity, refill = spec.ours
        api = f"{service}:{operation}"
        now = self._seconds()
        with self._lock:
            tokens, at = self._levels.get(api, (capacity, now))
            tokens = min(capacity, tokens + max(0.0, now - at) * refill)
            if tokens < 1.0:
                self._levels[api] = (tokens, now)
                return throttled(service)
            self._levels[api] = (tokens - 1.0, now)
        return None
