"""A simulated clock for many concurrent executions (discrete-event virtual time).

Every thread that takes part in a run (the scenario driver and one worker
thread per Step Functions execution) is a *participant*. A participant that
waits (a Wait state, a Retry backoff, botocore's retry sleep) registers a
wake-up at ``now + seconds`` and blocks. When every participant is blocked,
time jumps to the earliest wake-up and the sleepers due then run. Nothing
really sleeps, so a three-hour conversion runs in seconds, and while any
participant is busy (running a handler, say) time stands still.

A thread that sleeps without having been registered (e.g. botocore retrying a
call of the driver) is counted as a participant for the length of its sleep.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta


class ClockStalled(RuntimeError):
    """Participants are still live but none is runnable and no wake-up is due: a deadlock."""


@dataclass(order=True)
class _Sleeper:
    wake_at: float
    seq: int
    # Each sleeper waits on its own event: one shared condition would wake every
    # sleeping thread (a thousand in a fleet run) on every change, only to sleep again.
    woken: threading.Event = field(default_factory=threading.Event, compare=False)


class SimulatedClock:
    def __init__(self, epoch: datetime) -> None:
        if epoch.tzinfo is None:
            raise ValueError("epoch must be timezone-aware")
        self.epoch = epoch.astimezone(UTC)
        self._seconds = 0.0
        self._cond = threading.Condition()
        self._live = 0
        self._blocked = 0
        self._sleepers: list[_Sleeper] = []
        self._seq = itertools.count()
        self._progress = 0  # bumped on every sleep, wake-up and participant change
        self._local = threading.local()

    # -- reading time -------------------------------------------------------
    @property
    def seconds(self) -> float:
        """Simulated seconds since ``epoch``."""
        return self._seconds

    def now(self) -> datetime:
        return self.epoch + timedelta(seconds=self._seconds)

    def unix_time(self) -> float:
        return self.now().timestamp()

    # -- participants ---------------------------------------------------------
    def spawn(self) -> None:
        """Count a participant that is about to start (call in the *starting* thread,
        so time cannot jump before the new thread has begun)."""
        with self._cond:
            self._live += 1
            self._progress += 1

    def adopt(self) -> None:
        """Mark the current thread as the participant counted by an earlier :meth:`spawn`."""
        self._local.participant = True

    def join(self) -> None:
        """The current thread becomes a participant (``spawn`` + ``adopt``)."""
        self.spawn()
        self.adopt()

    def leave(self) -> None:
        """The current participant is done; time may move on without it."""
        self._local.participant = False
        with self._cond:
            self._live -= 1
            self._progress += 1
            self._advance_if_idle()
            self._cond.notify_all()

    def wrap(self, target: Callable[[], None]) -> Callable[[], None]:
        """``target`` run as a participant counted by a :meth:`spawn` made now."""
        self.spawn()

        def run() -> None:
            self.adopt()
            try:
                target()
            finally:
                self.leave()

        return run

    # -- waiting ----------------------------------------------------------------
    def sleep(self, seconds: float) -> None:
        """Block the calling thread for ``seconds`` of simulated time."""
        if seconds <= 0:
            return
        guest = not getattr(self._local, "participant", False)
        with self._cond:
            if guest:
                self._live += 1
            sleeper = _Sleeper(self._seconds + seconds, next(self._seq))
            heapq.heappush(self._sleepers, sleeper)
            self._blocked += 1
            self._progress += 1
            self._cond.notify_all()
            self._advance_if_idle()
        sleeper.woken.wait()
        if guest:
            with self._cond:
                self._live -= 1
                self._advance_if_idle()

    def sleep_until(self, seconds: float) -> None:
        self.sleep(seconds - self._seconds)

    def wait_until_idle(self, *, real_timeout: float) -> None:
        """Block (really) until no participant is left; the caller must not be one.

        ``real_timeout`` bounds wall-clock time *without progress* (no sleep, wake-up
        or participant change), so a year-long simulation may take as long as it needs
        while a deadlock is still reported."""
        with self._cond:
            seen, since = self._progress, time.monotonic()
            while self._live:
                self._cond.wait(timeout=real_timeout)
                if self._progress != seen:
                    seen, since = self._progress, time.monotonic()
                elif self._live and time.monotonic() - since >= real_timeout:
                    raise ClockStalled(
                        f"{self._live} participant(s) made no progress for {real_timeout:.0f} s of real time "
                        f"({self._blocked} blocked on the clock) at simulated +{self._seconds:.0f} s"
                    )

    def _advance_if_idle(self) -> None:
        # Caller holds the lock. Jump to the earliest wake-up once nobody can run.
        if self._live == 0 or self._blocked < self._live or not self._sleepers:
            return
        self._seconds = max(self._seconds, self._sleepers[0].wake_at)
        self._progress += 1
        while self._sleepers and self._sleepers[0].wake_at <= self._seconds:
            sleeper = heapq.heappop(self._sleepers)
            sleeper.woken.set()
            self._blocked -= 1
        self._cond.notify_all()
