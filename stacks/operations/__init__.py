"""Alarms and the operators' dashboard."""

from stacks.operations.construct import WatchOperations

__all__ = ["WatchOperations"]
