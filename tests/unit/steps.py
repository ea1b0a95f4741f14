"""Call the two handlers the way the state machine does, and check every
event detail they emit against the public models."""

from __future__ import annotations

from typing import Any

from conversion_watch.handlers import poll_task, validate_watch
from conversion_watch.models import StateChangeDetail, WatchErrorDetail
from tests.unit.samples import validate_event


def validate(request: Any, context: Any) -> dict[str, Any]:
    result = validate_watch.handler(validate_event(request), context)
    check_details(result)
    return result


def start(task_type: str, task_id: str, context: Any, **extra: Any) -> dict[str, Any]:
    """A valid start: returns ``$.watch``."""
    result = validate({"taskType": task_type, "taskId": task_id, **extra}, context)
    assert result["status"] == {"outcome": "VALID"}, result
    return result["watch"]


def poll(watch: dict[str, Any], context: Any) -> dict[str, Any]:
    result = poll_task.handler({"watch": watch}, context)
    check_details(result)
    return result


def check_details(result: dict[str, Any]) -> None:
    """Every emitted ``detail`` must parse as the event contract's model."""
    status = result["status"]
    if "detail" not in status:
        return
    if status["outcome"] == "ERROR":
        detail = WatchErrorDetail.model_validate(status["detail"])
        assert detail.errorCode == status["errorCode"]
    else:
        StateChangeDetail.model_validate(status["detail"])
