"""The rule that routes one task's watcher events to the signaller: shared by the construct (which
passes CloudFormation tokens for the task id and the handle's URL) and the local run.

The input transformer hands the signaller ``{"waitHandle": <URL>, "detail": <detail>}``: the
detail is a JSON object, which EventBridge inserts as such; a watch error's detail is the one with
an ``errorCode``.
"""

from __future__ import annotations

from typing import Any

from conversion_watch.contract import STATE_CHANGE, WATCH_ERROR


def event_pattern(event_source: str, task_id: str) -> dict[str, Any]:
    return {"source": [event_source], "detail-type": [STATE_CHANGE, WATCH_ERROR], "detail": {"taskId": [task_id]}}


def input_transformer(wait_handle_url: str) -> dict[str, Any]:
    return {"InputPathsMap": {"detail": "$.detail"},
            "InputTemplate": '{"waitHandle": "' + wait_handle_url + '", "detail": <detail>}'}
