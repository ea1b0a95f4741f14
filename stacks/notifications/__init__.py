"""Optional e-mail / SNS notifications of outcomes and watcher errors."""

from stacks.notifications.construct import WatchNotifications, email_addresses

__all__ = ["WatchNotifications", "email_addresses"]
