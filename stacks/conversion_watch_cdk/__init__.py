"""Conversion Watch constructs: ``ConversionWatcher`` (the watcher itself) and
``ConversionWatchStack`` (the deployable stack composing every capability)."""

from conversion_watch_cdk.conversion_watch_stack import ConversionWatchStack
from conversion_watch_cdk.watcher.construct import ConversionWatcher

__all__ = ["ConversionWatchStack", "ConversionWatcher"]
