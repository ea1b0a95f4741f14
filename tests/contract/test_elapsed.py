"""``elapsed`` / ``elapsedSeconds`` of a state change (quoted by notifications)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from conversion_watch.durations import elapsed_seconds, human_duration
from tests.contract import details


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0 s"), (59, "59 s"), (60, "1 min"), (3599, "59 min"), (3600, "1 h"), (11520, "3 h 12 min"),
     (86399, "23 h 59 min"), (86400, "1 d"), (2 * 86400 + 4 * 3600 + 59, "2 d 4 h")],
)
def test_human_duration(seconds: int, text: str) -> None:
    assert human_duration(seconds) == text


def test_elapsed_never_negative() -> None:
    now = datetime(2026, 11, 22, tzinfo=UTC)
    assert elapsed_seconds(now, now - timedelta(seconds=5)) == 0
    assert elapsed_seconds(now, now + timedelta(minutes=3)) == 180


def test_ec2_elapsed_counts_from_the_watch_start() -> None:
    first, _, completed = details.ec2_lifecycle()
    assert (first["elapsedSeconds"], first["elapsed"]) == (0, "0 s")
    assert (completed["elapsedSeconds"], completed["elapsed"]) == (3 * 3600 + 12 * 60, "3 h 12 min")


def test_license_elapsed_uses_the_task_own_start_and_end() -> None:
    started, succeeded = details.license_lifecycle("SUCCEEDED")
    # StartTime 08:55, first poll 09:00; EndTime 11:07 although observed at 12:00.
    assert started["elapsed"] == "5 min"
    assert (succeeded["elapsedSeconds"], succeeded["elapsed"]) == (2 * 3600 + 12 * 60, "2 h 12 min")
