"""Put moto's Step Functions engine, EventBridge and botocore on a simulated clock.

Hook points (all reverted on exit):
* Wait states: ``WaitFunction._wait_interval`` sleeps on the clock.
* Retry backoff: ``retrier_decl.time.sleep`` sleeps on the clock.
* botocore's retry sleep in the handlers (``botocore.endpoint.time.sleep``) and the
  handlers' own waits (``conversion_watch.clock.sleep``: a paced snapshot refresh).
* Executions: every ``ExecutionWorker`` thread is a clock participant from the
  moment it is started (also executions started by other executions through
  the ``states:startExecution`` integration), and its name is known to the
  thread so Lambda invocations can be attributed to it.
* Programs and Task states: moto's helper threads run inline (see ``_InlineThread``).
* Timestamps: history events, ``$$.State.EnteredTime``, execution start/stop
  dates, EventBridge's event ``time`` and ``conversion_watch.clock.utc_now``.
"""

from __future__ import annotations

import contextlib
import datetime as real_datetime
import threading
import time as real_time
import types
from collections.abc import Iterator
from typing import Any
from unittest import mock

from localrun import one_at_a_time
from localrun.clock import SimulatedClock

_current = threading.local()


def current_execution_arn() -> str | None:
    """ARN of the execution whose worker thread is calling (None outside executions)."""
    return getattr(_current, "execution_arn", None)


class _InlineThread(threading.Thread):
    """moto runs a program, and each Task state's work, in a helper thread and
    waits for it with the timeout in *real* time; that wait would hide the work
    from the clock. Run it inline instead, in the execution's own (participant)
    thread. (Execution and task timeouts are therefore not simulated.)"""

    def start(self) -> None:
        self.run()

    def join(self, timeout: float | None = None) -> None:
        return None


def _time_module(clock: SimulatedClock) -> types.SimpleNamespace:
    """A stand-in for the ``time`` module whose ``sleep`` is simulated."""
    namespace = types.SimpleNamespace(**{name: getattr(real_time, name) for name in dir(real_time)
                                         if not name.startswith("__")})
    namespace.sleep = clock.sleep
    return namespace


class _StepFunctionsTime(real_datetime.datetime):
    """A moment whose ``isoformat()`` is Step Functions' own form of ``$$.State.EnteredTime``:
    UTC, milliseconds, ``Z`` (``2026-01-05T09:00:00.000Z``). moto writes ``datetime.isoformat()``
    (microseconds, ``+00:00``); the state machine copies EnteredTime into its error events'
    ``observedAt``, so the local run must give AWS's form (checked by the schemas' pattern)."""

    def isoformat(self, sep: str = "T", timespec: str = "auto") -> str:
        utc = real_datetime.datetime.fromtimestamp(self.timestamp(), real_datetime.UTC)
        return utc.isoformat(sep, "milliseconds").replace("+00:00", "Z")


def _datetime_module(clock: SimulatedClock, *, entered_time: bool = False) -> types.SimpleNamespace:
    """A stand-in for the ``datetime`` module whose ``datetime.now()`` is simulated
    (``entered_time``: and formats as Step Functions' EnteredTime, see ``_StepFunctionsTime``)."""

    class SimulatedDatetime(real_datetime.datetime):
        @classmethod
        def now(cls, tz: Any = None) -> real_datetime.datetime:  # type: ignore[override]
            moment = clock.now()
            moment = moment.astimezone(tz) if tz is not None else moment.replace(tzinfo=None)
            if entered_time and moment.tzinfo is not None:
                return _StepFunctionsTime.fromtimestamp(moment.timestamp(), moment.tzinfo)
            return moment

    namespace = types.SimpleNamespace(**{name: getattr(real_datetime, name) for name in dir(real_datetime)
                                         if not name.startswith("__")})
    namespace.datetime = SimulatedDatetime
    return namespace


@contextlib.contextmanager
def simulated_time(clock: SimulatedClock, *, on_execution_end: Any = None) -> Iterator[None]:
    """Install ``clock`` everywhere a run reads or waits on time."""
    from moto.events import models as events_models
    from moto.stepfunctions.parser import models as parser_models
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
    from moto.stepfunctions.parser.asl.component.program import program
    from moto.stepfunctions.parser.asl.component.state import state
    from moto.stepfunctions.parser.asl.component.state.exec import execute_state
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction
    from moto.stepfunctions.parser.asl.eval.event.event_manager import EventManager
    from moto.stepfunctions.parser.backend import execution
    from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker
    from moto.stepfunctions.parser.utils import TMP_THREADS

    from conversion_watch import clock as watch_clock

    def wait_interval(self: Any, env: Any, wait_seconds: int) -> None:
        clock.sleep(wait_seconds)

    def start_worker(self: ExecutionWorker) -> None:
        details = self._evaluation_details.execution_details

        def logic() -> None:
            _current.execution_arn = details.arn
            try:
                self._execution_logic()
            finally:
                if on_execution_end is not None:
                    on_execution_end(details.arn, clock.seconds)

        thread = threading.Thread(target=clock.wrap(logic), daemon=True, name=f"execution-{details.name}")
        TMP_THREADS.append(thread)
        thread.start()

    import botocore.endpoint

    sim_time = _time_module(clock)
    handler_time = _time_module(clock)

    def handler_sleep(seconds: float) -> None:
        # A wait inside a handler (botocore's retry backoff, a paced refresh): let other handlers run meanwhile.
        with one_at_a_time.released():
            clock.sleep(seconds)

    handler_time.sleep = handler_sleep
    sim_datetime = _datetime_module(clock)
    patches: list[Any] = [
        mock.patch.object(WaitFunction, "_wait_interval", wait_interval),
        mock.patch.object(retrier_decl, "time", sim_time),
        mock.patch.object(execute_state, "Thread", _InlineThread),
        mock.patch.object(program, "threading", types.SimpleNamespace(Thread=_InlineThread)),
        mock.patch.object(botocore.endpoint, "time", handler_time),
        mock.patch.object(ExecutionWorker, "start", start_worker),
        mock.patch.object(EventManager, "_get_current_timestamp", staticmethod(clock.now)),
        # moto's StateBase builds $$.State.EnteredTime from datetime.now(...).isoformat() (its only use there).
        mock.patch.object(state, "datetime", _datetime_module(clock, entered_time=True)),
        mock.patch.object(parser_models, "datetime", sim_datetime),
        mock.patch.object(execution, "datetime", sim_datetime),
        mock.patch.object(events_models, "unix_time", clock.unix_time),
    ]
    with contextlib.ExitStack() as stack:
        for patch in patches:
            stack.enter_context(patch)
        watch_clock.set_source(clock.now)
        stack.callback(watch_clock.set_source, None)
        watch_clock.set_sleep(handler_sleep)
        stack.callback(watch_clock.set_sleep, None)
        yield
