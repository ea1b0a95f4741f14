"""The stack's CDK context (``conversionWatch:*`` keys), read once into a typed,
validated object. Every error names the context key, the value and what is allowed:

    conversionWatch:logRetention: 'ONE_WEEKK' is not one of ONE_DAY, THREE_DAYS, ...
    conversionWatch:maxWatchDays: must be between 1 and 365, got 500
    conversionWatch:minPollSeconds: 'abc' is not an integer

Defaults come from ``conversion_watch.contract`` (the runtime uses the same ones).
Values arrive as JSON from ``cdk.json`` or as strings from ``cdk synth -c key=value``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_cdk import aws_logs as logs
from constructs import Node

from conversion_watch import contract as c

PREFIX = "conversionWatch:"
ONE_DAY_SECONDS = 24 * 3600
ONE_DAY_MINUTES = 24 * 60
EVENT_SOURCE_MAX_LENGTH = 256  # EventBridge's limit on an event's source


class ContextError(ValueError):
    """A ``conversionWatch:*`` context value the stack cannot use."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{PREFIX}{key}: {problem}")
        self.key = PREFIX + key


def _integer(low: int, high: int | None = None) -> Callable[[str, Any], int]:
    def parse(key: str, raw: Any) -> int:
        text = str(raw).strip()
        if isinstance(raw, bool) or not re.fullmatch(r"-?[0-9]+", text):
            raise ContextError(key, f"{raw!r} is not an integer")
        value = int(text)
        if value < low or (high is not None and value > high):
            allowed = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise ContextError(key, f"must be {allowed}, got {value}")
        return value

    return parse


def _boolean(key: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text not in {"true", "false"}:
        raise ContextError(key, f"{raw!r} is not true or false")
    return text == "true"


def _retention(key: str, raw: Any) -> logs.RetentionDays:
    names = list(logs.RetentionDays.__members__)
    if raw not in names:
        raise ContextError(key, f"{raw!r} is not one of {', '.join(names)}")
    return logs.RetentionDays[raw]


def _event_source(key: str, raw: Any) -> str:
    source = str(raw).strip()
    if not source or source.startswith(c.RESERVED_SOURCE_PREFIX) or len(source) > EVENT_SOURCE_MAX_LENGTH:
        raise ContextError(
            key,
            f"{raw!r} must be 1 to {EVENT_SOURCE_MAX_LENGTH} characters and not start with "
            f"{c.RESERVED_SOURCE_PREFIX!r} (reserved by AWS)",
        )
    return source


def _arn(service: str, what: str, resource_type: str | None = None) -> Callable[[str, Any], str]:
    """``arn:<partition>:<service>:<region>:<account>:<resource>`` (``resource_type:...`` when given)."""

    def parse(key: str, raw: Any) -> str:
        parts = str(raw).split(":")
        if len(parts) < 6 or parts[0] != "arn" or parts[2] != service or (
            resource_type is not None and parts[5] != resource_type
        ):
            raise ContextError(key, f"{raw!r} is not {what}")
        return str(raw)

    return parse


def _name(key: str, raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ContextError(key, f"{raw!r} is not a name")
    return raw.strip()


def _emails(key: str, raw: Any) -> tuple[str, ...]:
    """``"a@example.com,b@example.com"`` or a JSON list."""
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list):
        raise ContextError(key, f"{raw!r} is not a comma-separated string or a list of email addresses")
    addresses = tuple(str(item).strip() for item in items if str(item).strip())
    for address in addresses:
        if "@" not in address.strip("@"):
            raise ContextError(key, f"{address!r} is not an email address")
    return addresses


@dataclass(frozen=True, kw_only=True)
class StackSettings:
    """What ``ConversionWatchStack`` builds; each field is one context key (``CONTEXT_KEYS``)."""

    event_source: str = c.DEFAULT_EVENT_SOURCE
    min_poll_seconds: int = c.DEFAULT_MIN_POLL_SECONDS
    max_poll_seconds: int = c.DEFAULT_MAX_POLL_SECONDS
    max_watch_days: int = c.DEFAULT_MAX_WATCH_DAYS
    log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH
    powertools_layer_arn: str | None = None  # None: the pinned version's public layer
    start_on_api_calls: bool = True
    sweep_minutes: int = c.DEFAULT_SWEEP_MINUTES  # 0 turns the sweeper off
    archive_retention_days: int = c.DEFAULT_ARCHIVE_RETENTION_DAYS  # 0 keeps events forever
    schema_registry_name: str | None = None  # None: <stack name>-events
    notification_emails: tuple[str, ...] = ()
    notification_topic_arn: str | None = None
    dashboard_name: str | None = None
    # A cancelled end without evidence waits this long for its cancel call's CloudTrail record (0: not at all).
    cancel_evidence_grace_seconds: int = c.DEFAULT_CANCEL_EVIDENCE_GRACE_SECONDS
    cancel_lookup: bool = c.DEFAULT_CANCEL_LOOKUP  # look cancel calls up in CloudTrail's event history

    @classmethod
    def from_context(cls, node: Node) -> StackSettings:
        values: dict[str, Any] = {}
        for field_name, (key, parse) in CONTEXT_KEYS.items():
            raw = node.try_get_context(PREFIX + key)
            if raw is not None and raw != "":
                values[field_name] = parse(key, raw)
        settings = cls(**values)
        low, high = settings.min_poll_seconds, settings.max_poll_seconds
        if low > high:
            raise ContextError("minPollSeconds", f"must be at most {PREFIX}maxPollSeconds ({high}), got {low}")
        return settings

    @property
    def notifications_wanted(self) -> bool:
        return bool(self.notification_emails or self.notification_topic_arn)


# field -> (context key without the prefix, parser). The docs' table of keys follows this order.
CONTEXT_KEYS: dict[str, tuple[str, Callable[[str, Any], Any]]] = {
    "event_source": ("eventSource", _event_source),
    "min_poll_seconds": ("minPollSeconds", _integer(1, ONE_DAY_SECONDS)),
    "max_poll_seconds": ("maxPollSeconds", _integer(1, ONE_DAY_SECONDS)),
    "max_watch_days": ("maxWatchDays", _integer(1, c.MAX_WATCH_DAYS)),
    "log_retention": ("logRetention", _retention),
    "powertools_layer_arn": ("powertoolsLayerArn", _arn("lambda", "a Lambda layer version ARN", "layer")),
    "start_on_api_calls": ("startOnApiCalls", _boolean),
    "sweep_minutes": ("sweepMinutes", _integer(0, ONE_DAY_MINUTES)),
    "archive_retention_days": ("archiveRetentionDays", _integer(0)),
    "schema_registry_name": ("schemaRegistryName", _name),
    "notification_emails": ("notificationEmails", _emails),
    "notification_topic_arn": ("notificationTopicArn", _arn("sns", "an SNS topic ARN")),
    "dashboard_name": ("dashboardName", _name),
    "cancel_evidence_grace_seconds": ("cancelEvidenceGraceSeconds", _integer(0, c.MAX_CANCEL_EVIDENCE_GRACE_SECONDS)),
    "cancel_lookup": ("cancelLookup", _boolean),
}
