"""The event contract: schemas (registry) and archive."""

from conversion_watch_cdk.event_contract.construct import DEFAULT_ARCHIVE_RETENTION, EventContract

__all__ = ["DEFAULT_ARCHIVE_RETENTION", "EventContract"]
