"""Long watches: continue-as-new hand-overs and the maximum watch time.

A watch hands its state to a fresh execution (``watch-<taskId>-g<N>``) every
``POLLS_PER_EXECUTION`` polls, long before Step Functions' 25,000-event history
limit; subscribers must not be able to tell: one sequence 1..N, an unbroken
previousState chain, one watchStartedAt and a pollCount that keeps counting.
"""

from __future__ import annotations

import pytest

from localrun.engine import run_scenario
from localrun.report import Report
from tests.reliability.checks import STATE_CHANGE, WATCH_ERROR, chain_problems, events_by_task

HISTORY_LIMIT = 25_000
DAY = 24 * 3600
GIB = 1024**3
TASK = "import-i-monthlong01"


def _chain(report: Report, task_id: str) -> list[str]:
    return [e.name for e in report.executions if e.input.get("taskId") == task_id]


@pytest.fixture(scope="module")
def month() -> Report:
    """A 29.5-day VM import polled every 10 minutes: ~4,250 polls, hand-over every 500 (the stack's default).
    In one execution that history would pass 25,000 events."""
    timeline = [
        {"at": 0, "state": "active", "statusMessage": "Pending", "bytesConverted": 0},
        {"at": 10 * DAY, "state": "active", "statusMessage": "Progress: 30%", "bytesConverted": 30 * GIB},
        {"at": 20 * DAY, "state": "active", "statusMessage": "Progress: 60%", "bytesConverted": 60 * GIB},
        {"at": 29.5 * DAY, "state": "completed", "bytesConverted": 100 * GIB},
    ]
    return run_scenario(
        {
            "tasks": [{"taskType": "ec2-conversion", "taskId": TASK, "volumes": [{"imageSize": 100 * GIB}],
                       "timeline": timeline}],
            "watches": [{"at": 0, "input": {"taskType": "ec2-conversion", "taskId": TASK}}],
        },
        function_env_overrides={"MIN_POLL_SECONDS": "600", "MAX_POLL_SECONDS": "600", "POLLS_PER_EXECUTION": "500"},
        real_timeout=600,
    )


@pytest.mark.slow
def test_a_month_long_watch_hands_over_and_stays_under_the_history_limit(month: Report) -> None:
    names = _chain(month, TASK)
    assert names == [f"watch-{TASK}"] + [f"watch-{TASK}-g{n}" for n in range(2, 10)]
    assert [month.execution(n).status for n in names] == ["SUCCEEDED"] * 9
    histories = [month.execution(n).historyEvents for n in names]
    assert max(histories) < HISTORY_LIMIT
    assert sum(histories) > HISTORY_LIMIT  # what a single execution would have needed
    # Every generation but the last polled exactly POLLS_PER_EXECUTION times.
    assert [month.execution(n).lambdaInvocations for n in names[:-1]] == [1 + 500] * 8
    # Each next execution was started by the previous one; its input names only the task (the watch it
    # carries on is the registry's, recorded with its name before it started).
    handed = month.execution(names[1]).input
    assert set(handed) == {"taskType", "taskId", "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"}
    assert handed["AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"].endswith(f":{names[0]}")


@pytest.mark.slow
def test_a_month_long_watch_reads_as_one_uninterrupted_watch(month: Report) -> None:
    details = events_by_task(month)[TASK]
    assert chain_problems(TASK, details) == []
    assert [(d["detail-type"], d["state"], d["statusMessage"]) for d in details] == [
        (STATE_CHANGE, "IN_PROGRESS", "Pending"),
        (STATE_CHANGE, "IN_PROGRESS", "Progress: 30%"),
        (STATE_CHANGE, "IN_PROGRESS", "Progress: 60%"),
        (STATE_CHANGE, "COMPLETED", None),
    ]
    assert len({d["watchStartedAt"] for d in details}) == 1
    poll_counts = [d["pollCount"] for d in details]
    assert poll_counts == sorted(poll_counts) and poll_counts[-1] > 4000  # counted across the hand-overs
    # Seen at the first poll after it completed.
    assert 29.5 * DAY <= month.simulatedSeconds <= 29.5 * DAY + 600 + 60


def test_default_maximum_watch_time_is_30_days() -> None:
    report = run_scenario(
        {
            "tasks": [{"taskType": "license-conversion", "taskId": "lct-stuck0000001",
                       "timeline": [{"at": 0, "state": "IN_PROGRESS"}]}],
            "watches": [{"at": 0, "input": {"taskType": "license-conversion", "taskId": "lct-stuck0000001"}}],
        },
        function_env_overrides={"MIN_POLL_SECONDS": str(DAY // 4), "MAX_POLL_SECONDS": str(DAY // 4)},
    )
    details = events_by_task(report)["lct-stuck0000001"]
    assert [(d["detail-type"], d.get("errorCode")) for d in details] == [(STATE_CHANGE, None),
                                                                         (WATCH_ERROR, "WatchTimedOut")]
    assert chain_problems("lct-stuck0000001", details) == []
    assert "2592000 s" in details[-1]["message"]
    assert (report.executions[0].status, report.executions[0].error) == ("FAILED", "WatchTimedOut")
    assert 30 * DAY <= report.simulatedSeconds <= 30 * DAY + DAY // 4


@pytest.mark.slow
def test_a_year_long_watch_times_out_once_across_hand_overs() -> None:
    """maxWatchSeconds at its ceiling (one year), polled daily, handing over every 100 polls."""
    task = "import-vol-yearlong01"
    report = run_scenario(
        {
            "tasks": [{"taskType": "ec2-conversion", "taskId": task,
                       "timeline": [{"at": 0, "state": "active", "statusMessage": "Pending"},
                                    {"at": 200 * DAY, "state": "active", "statusMessage": "Progress: 1%"}]}],
            "watches": [{"at": 0, "input": {"taskType": "ec2-conversion", "taskId": task,
                                            "maxWatchSeconds": 365 * DAY}}],
        },
        function_env_overrides={"MIN_POLL_SECONDS": str(DAY), "MAX_POLL_SECONDS": str(DAY),
                                "POLLS_PER_EXECUTION": "100"},
        real_timeout=600,
    )
    names = _chain(report, task)
    assert names == [f"watch-{task}"] + [f"watch-{task}-g{n}" for n in range(2, 5)]
    assert [(report.execution(n).status, report.execution(n).error) for n in names] == (
        [("SUCCEEDED", None)] * 3 + [("FAILED", "WatchTimedOut")]
    )
    details = events_by_task(report)[task]
    assert chain_problems(task, details) == []
    assert [(d["detail-type"], d.get("statusMessage") or d.get("errorCode")) for d in details] == [
        (STATE_CHANGE, "Pending"), (STATE_CHANGE, "Progress: 1%"), (WATCH_ERROR, "WatchTimedOut"),
    ]
    assert 365 * DAY <= report.simulatedSeconds <= 366 * DAY


def test_a_change_seen_by_the_last_poll_before_a_hand_over_is_published_once() -> None:
    """Three polls per execution, ten minutes apart: the changes at +1000 s and +2300 s are seen by
    the last poll of generations 1 and 2, published, then handed over; the next generation's
    first poll, at the same moment, sees nothing new."""
    task = "import-vol-handover01"
    report = run_scenario(
        {
            "tasks": [{"taskType": "ec2-conversion", "taskId": task, "timeline": [
                {"at": 0, "state": "active", "statusMessage": "Pending"},
                {"at": 1000, "state": "active", "statusMessage": "Progress: 50%"},
                {"at": 2300, "state": "cancelling", "statusMessage": "Cancelling"},
                {"at": 2900, "state": "cancelled", "statusMessage": "Cancelled"},
            ]}],
            "watches": [{"at": 0, "input": {"taskType": "ec2-conversion", "taskId": task}}],
        },
        function_env_overrides={"MIN_POLL_SECONDS": "600", "MAX_POLL_SECONDS": "600", "POLLS_PER_EXECUTION": "3"},
    )

    assert _chain(report, task) == [f"watch-{task}", f"watch-{task}-g2", f"watch-{task}-g3"]
    details = events_by_task(report)[task]
    assert chain_problems(task, details) == []
    assert [(d["state"], d["statusMessage"], d["pollCount"]) for d in details] == [
        ("IN_PROGRESS", "Pending", 1),
        ("IN_PROGRESS", "Progress: 50%", 3),  # last poll of generation 1
        ("CANCELLING", "Cancelling", 6),  # last poll of generation 2
        ("CANCELLED", "Cancelled", 8),
    ]
