"""The event contract: schemas (registry) and archive."""

from stacks.event_contract.construct import DEFAULT_ARCHIVE_RETENTION, EventContract

__all__ = ["DEFAULT_ARCHIVE_RETENTION", "EventContract"]
