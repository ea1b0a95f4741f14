"""The simulated clock: time jumps only when every participant waits on it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from localrun.clock import ClockStalled, SimulatedClock

EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _run(clock: SimulatedClock, *bodies: object) -> None:
    threads = [threading.Thread(target=clock.wrap(body)) for body in bodies]  # type: ignore[arg-type]
    for thread in threads:
        thread.start()
    clock.wait_until_idle(real_timeout=30)
    for thread in threads:
        thread.join()


def test_sleepers_wake_in_simulated_time_order_without_real_waiting() -> None:
    clock = SimulatedClock(EPOCH)
    woke: list[tuple[str, float]] = []
    lock = threading.Lock()

    def sleeper(name: str, *waits: float) -> object:
        def body() -> None:
            for seconds in waits:
                clock.sleep(seconds)
                with lock:
                    woke.append((name, clock.seconds))
        return body

    _run(clock, sleeper("hours", 3 * 3600), sleeper("poll", 30, 30, 300))

    assert woke == [("poll", 30), ("poll", 60), ("poll", 360), ("hours", 10800)]
    assert clock.now() == datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def test_time_stands_still_while_any_participant_is_busy() -> None:
    clock = SimulatedClock(EPOCH)
    busy_done = threading.Event()
    seen: list[float] = []

    def waiter() -> None:
        clock.sleep(60)
        seen.append(clock.seconds)

    def busy() -> None:
        # The waiter has asked for +60 s, but this participant has not waited yet.
        for _ in range(1000):
            seen.append(clock.seconds)
        busy_done.set()

    _run(clock, waiter, busy)

    assert busy_done.is_set()
    assert seen[:-1] == [0.0] * 1000
    assert seen[-1] == 60.0


def test_same_time_wake_ups_all_run() -> None:
    clock = SimulatedClock(EPOCH)
    woke: list[float] = []
    lock = threading.Lock()

    def body() -> None:
        clock.sleep(45)
        with lock:
            woke.append(clock.seconds)

    _run(clock, *[body] * 5)

    assert woke == [45.0] * 5


def test_a_thread_that_is_not_a_participant_may_sleep_too() -> None:
    clock = SimulatedClock(EPOCH)
    clock.sleep(12.5)  # e.g. botocore retrying a call of the driver
    assert clock.seconds == 12.5


def test_a_participant_that_never_waits_on_the_clock_is_reported() -> None:
    clock = SimulatedClock(EPOCH)
    clock.spawn()  # counted, but no thread ever runs or leaves

    with pytest.raises(ClockStalled, match=r"1 participant\(s\) made no progress"):
        clock.wait_until_idle(real_timeout=0.2)


def test_epoch_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone"):
        SimulatedClock(datetime(2026, 1, 5))
