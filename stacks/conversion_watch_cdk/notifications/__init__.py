"""Optional e-mail / SNS notifications of outcomes and watcher errors."""

from conversion_watch_cdk.notifications.construct import WatchNotifications, email_addresses

__all__ = ["WatchNotifications", "email_addresses"]
