"""The scenario's ``deployments``: CloudFormation deployments of the conversion resources, checked up front
(``localrun.cloudformation`` plays them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conversion_watch.contract import (
    RESOURCE_IMPORTED_IMAGE,
    RESOURCE_IMPORTED_SNAPSHOT,
    RESOURCE_LICENSE_CONVERSION,
    WAIT_CONDITION_MAX_SECONDS,
)
from conversion_watch.resources import RESOURCE_KINDS

RESOURCE_TYPES = {"ImportedImage": RESOURCE_IMPORTED_IMAGE, "ImportedSnapshot": RESOURCE_IMPORTED_SNAPSHOT,
                  "LicenseTypeConversion": RESOURCE_LICENSE_CONVERSION}
ACTIONS = ("create", "update", "delete", "rollback")
_KEYS = {"at", "action", "resource", "logicalId", "properties", "timeoutSeconds", "taskId"}


class DeploymentError(ValueError):
    """The scenario's ``deployments`` are not in the documented format."""


@dataclass(frozen=True)
class Deployment:
    index: int
    at: float
    action: str
    resource: str  # the construct's name: ImportedImage | ImportedSnapshot | LicenseTypeConversion
    logical_id: str
    properties: dict[str, Any]
    timeout: float
    task_id: str | None

    @property
    def resource_type(self) -> str:
        return RESOURCE_TYPES[self.resource]


def parse_deployments(raw: Any, tasks: list[dict[str, Any]]) -> tuple[Deployment, ...]:
    if not isinstance(raw, list):
        raise DeploymentError("'deployments' must be a list")
    by_id = {t.get("taskId"): t for t in tasks if isinstance(t, dict)}
    parsed = []
    for index, item in enumerate(raw):
        where = f"deployments[{index}]"
        if not isinstance(item, dict) or set(item) - _KEYS:
            raise DeploymentError(f"{where}: an object with keys from {sorted(_KEYS)}")
        at = item.get("at", 0)
        if isinstance(at, bool) or not isinstance(at, int | float) or at < 0:
            raise DeploymentError(f"{where}.at: seconds >= 0")
        if item.get("action") not in ACTIONS:
            raise DeploymentError(f"{where}.action: one of {list(ACTIONS)}")
        if item.get("resource") not in RESOURCE_TYPES:
            raise DeploymentError(f"{where}.resource: one of {sorted(RESOURCE_TYPES)}")
        if not isinstance(item.get("logicalId"), str) or not item["logicalId"].isalnum():
            raise DeploymentError(f"{where}.logicalId: letters and digits (a CloudFormation logical id)")
        properties = item.get("properties", {})
        if not isinstance(properties, dict):
            raise DeploymentError(f"{where}.properties: an object")
        timeout = item.get("timeoutSeconds", WAIT_CONDITION_MAX_SECONDS)
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or \
                not 1 <= timeout <= WAIT_CONDITION_MAX_SECONDS:
            raise DeploymentError(f"{where}.timeoutSeconds: 1 to {WAIT_CONDITION_MAX_SECONDS} "
                                  "(a wait condition's maximum)")
        task_id = item.get("taskId")
        if item["action"] in ("create", "update"):
            _check_task(where, item, task_id, by_id, float(at))
        parsed.append(Deployment(index, float(at), item["action"], item["resource"], item["logicalId"],
                                 properties, float(timeout), task_id))
    return tuple(sorted(parsed, key=lambda d: (d.at, d.index)))


def _check_task(where: str, item: dict[str, Any], task_id: Any, tasks: dict[Any, Any], at: float) -> None:
    if task_id is None:
        return  # a create refused before any task starts, or a tags-only update
    task_type = RESOURCE_KINDS[RESOURCE_TYPES[item["resource"]]].task_type
    task = tasks.get(task_id)
    if task is None or task.get("taskType") != task_type:
        raise DeploymentError(f"{where}.taskId: {task_id!r} must name a {task_type} task of the scenario's 'tasks'")
    timeline = task.get("timeline") or [{}]
    if timeline[0].get("at") != at:
        raise DeploymentError(f"{where}.taskId: {task_id}'s timeline must begin when the {item['action']} starts it "
                              f"(at {at:g}), not at {timeline[0].get('at')!r}")


def describe_deployment(entry: dict[str, Any]) -> str:
    """One line of the printed timeline."""
    attributes = ", ".join(f"{k}={v}" for k, v in entry["attributes"].items())
    return (f"deployment {entry['logicalId']} {entry['action']} {entry['status']}: {entry['reason']}"
            + (f" [{attributes}]" if attributes else ""))
