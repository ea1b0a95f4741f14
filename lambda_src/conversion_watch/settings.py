"""Knobs the stack sets as environment variables (construct props)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from conversion_watch import contract as c


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


@dataclass(frozen=True, kw_only=True)
class Settings:
    min_poll_seconds: int = c.DEFAULT_MIN_POLL_SECONDS
    max_poll_seconds: int = c.DEFAULT_MAX_POLL_SECONDS
    default_max_watch_seconds: int = c.DEFAULT_MAX_WATCH_DAYS * 24 * 3600
    polls_per_execution: int = c.DEFAULT_POLLS_PER_EXECUTION
    # A task created seconds ago may not be visible yet: "not found" only counts after this.
    not_found_grace_seconds: int = c.DEFAULT_NOT_FOUND_GRACE_SECONDS
    # How old a shared task snapshot a poll may use (0: every poll describes its own task).
    snapshot_max_age_seconds: int = c.DEFAULT_SNAPSHOT_MAX_AGE_SECONDS
    # A cancelled end without evidence waits this long for its cancel call's CloudTrail record (0: not at all).
    cancel_evidence_grace_seconds: int = c.DEFAULT_CANCEL_EVIDENCE_GRACE_SECONDS
    # Whether cancel calls are also looked up in CloudTrail's event history (LookupEvents).
    cancel_lookup: bool = c.DEFAULT_CANCEL_LOOKUP

    @classmethod
    def from_env(cls) -> Settings:
        settings = cls(
            min_poll_seconds=_int_env(c.ENV_MIN_POLL_SECONDS, cls.min_poll_seconds),
            max_poll_seconds=_int_env(c.ENV_MAX_POLL_SECONDS, cls.max_poll_seconds),
            default_max_watch_seconds=_int_env(c.ENV_DEFAULT_MAX_WATCH_SECONDS, cls.default_max_watch_seconds),
            polls_per_execution=_int_env(c.ENV_POLLS_PER_EXECUTION, cls.polls_per_execution),
            not_found_grace_seconds=_int_env(c.ENV_NOT_FOUND_GRACE_SECONDS, cls.not_found_grace_seconds),
            snapshot_max_age_seconds=_int_env(c.ENV_SNAPSHOT_MAX_AGE_SECONDS, cls.snapshot_max_age_seconds),
            cancel_evidence_grace_seconds=_int_env(c.ENV_CANCEL_EVIDENCE_GRACE_SECONDS,
                                                   cls.cancel_evidence_grace_seconds),
            cancel_lookup=os.environ.get(c.ENV_CANCEL_LOOKUP, str(cls.cancel_lookup)).lower() == "true",
        )
        if not 1 <= settings.min_poll_seconds <= settings.max_poll_seconds:
            raise ValueError(f"{c.ENV_MIN_POLL_SECONDS} must be >= 1 and <= {c.ENV_MAX_POLL_SECONDS}")
        if not 60 <= settings.default_max_watch_seconds <= c.ONE_YEAR_SECONDS:
            raise ValueError(f"{c.ENV_DEFAULT_MAX_WATCH_SECONDS} must be between 60 and one year")
        if not 0 <= settings.snapshot_max_age_seconds <= c.MAX_SNAPSHOT_MAX_AGE_SECONDS:
            raise ValueError(f"{c.ENV_SNAPSHOT_MAX_AGE_SECONDS} must be between 0 and {c.MAX_SNAPSHOT_MAX_AGE_SECONDS}")
        if not 0 <= settings.cancel_evidence_grace_seconds <= c.MAX_CANCEL_EVIDENCE_GRACE_SECONDS:
            raise ValueError(f"{c.ENV_CANCEL_EVIDENCE_GRACE_SECONDS} must be between 0 and "
                             f"{c.MAX_CANCEL_EVIDENCE_GRACE_SECONDS}")
        return settings
