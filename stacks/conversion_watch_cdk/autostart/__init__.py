"""Automatic watch start: CloudTrail-driven rule and scheduled sweeper."""

from conversion_watch_cdk.autostart.construct import WatchAutoStart

__all__ = ["WatchAutoStart"]
