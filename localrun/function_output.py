"""Where the handlers' output goes: in AWS, Lambda stdout (Powertools' JSON logs
and EMF metrics) lands in CloudWatch Logs, not in the caller's terminal. Locally
the handlers run in this process, so ``sys.stdout`` is swapped for a stream that
sends their writes to a function log (discarded by default) and everyone else's
to the real stdout. A handler runs either in an execution's thread (the state
machine's steps) or inside ``running_a_function()`` (the starter and the sweeper,
which the run's own thread invokes)."""

from __future__ import annotations

import contextlib
import io
import logging
import sys
import threading
from collections.abc import Iterator
from typing import Any, TextIO


class _RoutedStream(io.TextIOBase):
    def __init__(self, terminal: TextIO, function_log: TextIO) -> None:
        self._terminal = terminal
        self._function_log: TextIO | None = function_log
        self._owner = threading.current_thread()
        self._lock = threading.Lock()

    def _target(self) -> TextIO:
        log = self._function_log
        in_run_thread = threading.current_thread() is self._owner and not getattr(_function, "running", False)
        return self._terminal if log is None or in_run_thread else log

    def write(self, text: str) -> int:
        with self._lock:
            return self._target().write(text)

    def flush(self) -> None:
        with self._lock:
            self._target().flush()

    def detach_log(self) -> None:
        """After the run: a logger that kept a reference to this stream writes to the terminal."""
        with self._lock:
            self._function_log = None


_function = threading.local()


@contextlib.contextmanager
def running_a_function() -> Iterator[None]:
    """A handler runs in this thread meanwhile: what it prints is the function's output."""
    _function.running = True
    try:
        yield
    finally:
        _function.running = False


class _Discard(io.TextIOBase):
    def write(self, text: str) -> int:
        return len(text)


def _stdout_log_handlers(terminal: TextIO) -> list[logging.StreamHandler[Any]]:
    """Log handlers that write to stdout: a logger made before the run (Powertools' ``Logger`` keeps the
    ``sys.stdout`` of its creation, here the handlers' modules imported earlier or an earlier run's stream)."""
    loggers = [logging.getLogger(), *(item for item in logging.Logger.manager.loggerDict.values()
                                      if isinstance(item, logging.Logger))]
    return [handler for each in loggers for handler in each.handlers
            if type(handler) is logging.StreamHandler
            and (handler.stream in (terminal, sys.__stdout__) or isinstance(handler.stream, _RoutedStream))]


@contextlib.contextmanager
def route_function_output(function_log: TextIO | None) -> Iterator[None]:
    sink: TextIO = function_log if function_log is not None else _Discard()  # type: ignore[assignment]
    terminal = sys.stdout
    routed = _RoutedStream(terminal, sink)
    handlers = _stdout_log_handlers(terminal)
    for handler in handlers:
        handler.setStream(routed)  # type: ignore[arg-type]
    with contextlib.redirect_stdout(routed):  # type: ignore[type-var]
        try:
            yield
        finally:
            routed.detach_log()
            # Made before the run or during it (a handler module imported by the run): back to the terminal.
            for handler in {*handlers, *_stdout_log_handlers(terminal)}:
                handler.setStream(terminal)
