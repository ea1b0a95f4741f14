"""The reusable Conversion Watch construct."""

from conversion_watch_cdk.watcher.construct import ConversionWatcher

__all__ = ["ConversionWatcher"]
