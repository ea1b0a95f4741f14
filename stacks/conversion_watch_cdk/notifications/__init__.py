"""Optional e-mail / SNS notifications of outcomes and watcher errors."""

from conversion_watch_cdk.notifications.construct import WatchNotifications

__all__ = ["WatchNotifications"]
