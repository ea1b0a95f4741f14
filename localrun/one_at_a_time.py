"""Handlers run one at a time, as they would in one Lambda execution environment.

Lambda gives each invocation an environment of its own, so Powertools'
process-wide singletons (the Metrics buffer flushed at the end of every
invocation, the Logger's keys) never see two invocations at once. Here every
handler shares one process and executions run on many threads: without this
lock one invocation's metrics flush can empty the buffer while another is
serializing it (Powertools raises ``SchemaValidationError``). A handler that
sleeps on the simulated clock (botocore's retry backoff) lets the others run
meanwhile, so simulated time can still move on.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_holder = threading.local()


@contextlib.contextmanager
def invocation() -> Iterator[None]:
    """Hold the one invocation slot for the duration of a handler call."""
    with _lock:
        _holder.active = True
        try:
            yield
        finally:
            _holder.active = False


@contextlib.contextmanager
def released() -> Iterator[None]:
    """Give the slot up while this thread sleeps on the simulated clock."""
    if not getattr(_holder, "active", False):
        yield
        return
    _holder.active = False
    _lock.release()
    try:
        yield
    finally:
        _lock.acquire()
        _holder.active = True
