"""The reusable Conversion Watch construct."""

from stacks.watcher.construct import ConversionWatcher

__all__ = ["ConversionWatcher"]
