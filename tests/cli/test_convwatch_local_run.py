"""``convwatch status`` / ``list`` against the real synthesized state machine,
mid-run on the local engine: the history it reads is the real one."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from convwatch import watches
from convwatch.deployment import Deployment
from localrun.engine import REGION, run_scenario

pytestmark = pytest.mark.slow
TASK = "import-i-ffvko9js"


def test_status_and_list_mid_watch_and_after_it_ended() -> None:
    seen: dict[str, Any] = {}

    def look(label: str) -> Any:
        def action(state_machine_arn: str) -> None:
            deployment = Deployment(boto3.Session(region_name=REGION), state_machine_arn)
            seen[label] = (watches.status(deployment, TASK), watches.list_running(deployment))
        return action

    scenario = {
        "tasks": [{"taskType": "ec2-conversion", "taskId": TASK, "conversionType": "ImportInstance",
                   "timeline": [{"at": 0, "state": "active", "statusMessage": "Pending"},
                                {"at": 300, "state": "cancelling"}, {"at": 900, "state": "cancelled"}]}],
        "watches": [{"at": 0, "input": {"taskType": "ec2-conversion", "taskId": TASK}}],
    }
    run_scenario(scenario, actions=[(700, look("running")), (7200, look("ended"))])

    running, listed = seen["running"]
    assert running["executionStatus"] == "RUNNING"
    assert running["lastKnown"]["state"] == "CANCELLING" and running["lastKnown"]["serviceState"] == "cancelling"
    assert running["lastKnown"]["pollCount"] >= 2
    assert [row["taskId"] for row in listed] == [TASK]

    ended, listed_after = seen["ended"]
    assert ended["executionStatus"] == "SUCCEEDED"
    assert ended["lastKnown"]["state"] == "CANCELLED"
    assert listed_after == []
