"""Automatic watch start: CloudTrail-driven rule and scheduled sweeper."""

from stacks.autostart.construct import WatchAutoStart

__all__ = ["WatchAutoStart"]
