"""Properties of the poll schedule (issue 5), on ``next_poll_delay`` and on
the ``waitSeconds`` that ``watch.poll`` returns over a run of polls.

The run replays the real loop on a simulated clock: each poll happens
``waitSeconds`` (plus some engine latency) after the previous one."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from conversion_watch import watch
from conversion_watch.kinds import ec2_conversion as ec2_tasks
from conversion_watch.models import ONE_YEAR_SECONDS, Watch
from conversion_watch.schedule import PollBounds, next_poll_delay
from conversion_watch.settings import Settings

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
FAR = NOW + timedelta(days=365)
TASK_ID = "import-vol-ffut5xv4"

bounds_strategy = st.integers(min_value=1, max_value=900).flatmap(
    lambda low: st.builds(PollBounds, min_seconds=st.just(low), max_seconds=st.integers(low, 3600))
)
seconds = st.floats(min_value=0, max_value=30 * 24 * 3600, allow_nan=False)


@given(
    bounds=bounds_strategy,
    quiet=seconds,
    until_deadline=st.floats(min_value=0, max_value=ONE_YEAR_SECONDS, allow_nan=False),
    eta=st.none() | seconds,
    until_expiry=st.none() | st.floats(min_value=-3600, max_value=ONE_YEAR_SECONDS, allow_nan=False),
)
def test_delay_respects_the_bounds_and_the_deadline(bounds, quiet, until_deadline, eta, until_expiry):
    delay = next_poll_delay(
        now=NOW,
        quiet_since=NOW - timedelta(seconds=quiet),
        bounds=bounds,
        deadline=NOW + timedelta(seconds=until_deadline),
        expires_at=None if until_expiry is None else NOW + timedelta(seconds=until_expiry),
        eta_seconds=eta,
    )

    assert isinstance(delay, int)
    assert 1 <= delay <= bounds.max_seconds
    # Never wait past the deadline (a poll is due there to time the watch out).
    assert delay <= max(1, math.ceil(until_deadline))
    if until_deadline >= bounds.min_seconds:
        assert delay >= bounds.min_seconds
    if eta is not None:
        assert delay <= max(math.ceil(eta), bounds.min_seconds)


@given(bounds=bounds_strategy, quiet=seconds, later=seconds)
def test_delay_grows_monotonically_while_nothing_changes(bounds, quiet, later):
    def delay_after(quiet_seconds: float) -> int:
        return next_poll_delay(
            now=NOW, quiet_since=NOW - timedelta(seconds=quiet_seconds), bounds=bounds, deadline=FAR
        )

    assert delay_after(quiet) <= delay_after(quiet + later)


@given(bounds=bounds_strategy)
def test_delay_resets_to_the_minimum_right_after_a_change(bounds):
    assert next_poll_delay(now=NOW, quiet_since=NOW, bounds=bounds, deadline=FAR) == bounds.min_seconds


@given(bounds=bounds_strategy)
def test_delay_settles_at_the_maximum_after_a_long_quiet(bounds):
    quiet_since = NOW - timedelta(seconds=10 * bounds.max_seconds)

    assert next_poll_delay(now=NOW, quiet_since=quiet_since, bounds=bounds, deadline=FAR) == bounds.max_seconds


# --- the same properties over runs of watch.poll ---------------------------

observation = st.tuples(
    st.sampled_from(["active", "cancelling"]),  # the two non-terminal EC2 states
    st.sampled_from(["Pending", "Converting"]),  # status message: not a state change
    st.integers(min_value=0, max_value=120),  # engine latency on top of the wait
)


def _snapshot(raw_state: str, message: str):
    # An ImportVolume task without progress figures: no completion estimate,
    # so nothing but the quiet time drives the delay.
    return ec2_tasks.snapshot(
        {
            "ConversionTaskId": TASK_ID,
            "State": raw_state,
            "StatusMessage": message,
            "ImportVolume": {"AvailabilityZone": "us-east-1a", "Image": {"Format": "RAW"}},
        }
    )


def _always(snapshot):
    return lambda _task_type, _task_id: snapshot


@settings(max_examples=150, deadline=None)
@given(bounds=bounds_strategy, observations=st.lists(observation, min_size=2, max_size=40))
def test_poll_wait_seconds_follow_the_schedule(bounds, observations):
    config = Settings(min_poll_seconds=bounds.min_seconds, max_poll_seconds=bounds.max_seconds,
                      polls_per_execution=1000)
    current = Watch(taskType="ec2-conversion", taskId=TASK_ID, watchStartedAt=NOW, deadline=FAR)
    now = NOW
    previous_wait: int | None = None
    previous_state: str | None = None
    for raw_state, message, latency in observations:
        result = watch.poll(current, settings=config, describe=_always(_snapshot(raw_state, message)), now=now)
        status = result["status"]
        wait = status["waitSeconds"]

        assert bounds.min_seconds <= wait <= bounds.max_seconds
        if raw_state != previous_state:
            assert wait == bounds.min_seconds, "a state change resets the schedule"
        else:
            assert previous_wait is not None and wait >= previous_wait, "no change: the wait never shrinks"

        previous_wait, previous_state = wait, raw_state
        current = Watch.model_validate(result["watch"])
        now += timedelta(seconds=wait + latency)


def test_a_quiet_watch_reaches_the_maximum_through_poll():
    config = Settings(min_poll_seconds=30, max_poll_seconds=300)
    current = Watch(taskType="ec2-conversion", taskId=TASK_ID, watchStartedAt=NOW, deadline=FAR)
    now, waits = NOW, []
    for _ in range(40):
        result = watch.poll(current, settings=config, describe=_always(_snapshot("active", "Pending")),
                            now=now)
        waits.append(result["status"]["waitSeconds"])
        current = Watch.model_validate(result["watch"])
        now += timedelta(seconds=waits[-1])

    assert waits[0] == 30
    assert waits == sorted(waits)
    assert waits[-1] == 300
