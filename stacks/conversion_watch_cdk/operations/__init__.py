"""Alarms and the operators' dashboard."""

from conversion_watch_cdk.operations.construct import WatchOperations

__all__ = ["WatchOperations"]
