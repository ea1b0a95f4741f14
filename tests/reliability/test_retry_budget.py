"""How much throttling one poll survives.

botocore's standard retry mode absorbs EC2's ``RequestLimitExceeded`` inside
the handler, but not License Manager's ``RateLimitExceededException`` (not in
its list of throttling codes), so a License Manager throttle reaches the state
machine at once. The poll step retries ``Throttled`` ten times, so a poll fails
only after eleven straight throttles; anything else transient six times.
"""

from __future__ import annotations

import threading
from typing import Any

from localrun.engine import run_scenario
from localrun.services import ConversionTaskDouble
from localrun.services.faults import ServiceFault, throttled
from tests.reliability.checks import STATE_CHANGE, WATCH_ERROR, events_by_task

TASK = "lct-throttled00001"


class _FirstCallsThrottled:
    """Stands in for the double's seeded injector: the first ``count`` calls are throttled."""

    def __init__(self, count: int) -> None:
        self.left = count
        self._lock = threading.Lock()

    def draw(self, service: str) -> ServiceFault | None:
        with self._lock:
            self.left -= 1
            return throttled(service) if self.left >= 0 else None


def _run(throttled_calls: int) -> Any:
    def double_factory(**kwargs: Any) -> ConversionTaskDouble:
        double = ConversionTaskDouble(**kwargs)
        double._injector = _FirstCallsThrottled(throttled_calls)  # type: ignore[assignment]
        return double

    return run_scenario(
        {
            "tasks": [{"taskType": "license-conversion", "taskId": TASK,
                       "timeline": [{"at": 0, "state": "IN_PROGRESS"}, {"at": 600, "state": "SUCCEEDED"}]}],
            "watches": [{"at": 0, "input": {"taskType": "license-conversion", "taskId": TASK}}],
        },
        double_factory=double_factory,
        # One describe per poll (the shared snapshot off), so the throttled calls are the poll's own.
        function_env_overrides={"SNAPSHOT_MAX_AGE_SECONDS": "0"},
    )


def test_ten_straight_license_manager_throttles_are_absorbed() -> None:
    report = _run(10)

    assert report.apiCalls["license-manager:GetLicenseConversionTask"] >= 11
    assert report.faults["license-manager:GetLicenseConversionTask:RateLimitExceededException"] == 10
    assert [(d["detail-type"], d["state"]) for d in events_by_task(report)[TASK]] == [
        (STATE_CHANGE, "IN_PROGRESS"), (STATE_CHANGE, "COMPLETED"),
    ]
    assert report.executions[0].status == "SUCCEEDED"


def test_eleven_straight_throttles_end_the_watch_with_one_error_event() -> None:
    report = _run(11)

    assert report.apiCalls["license-manager:GetLicenseConversionTask"] == 11
    details = events_by_task(report)[TASK]
    assert [(d["detail-type"], d.get("errorCode")) for d in details] == [(WATCH_ERROR, "RetriesExhausted")]
    assert "Throttled" in details[0]["message"]
    assert (report.executions[0].status, report.executions[0].error) == ("FAILED", "RetriesExhausted")
