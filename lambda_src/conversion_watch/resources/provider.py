"""The custom resources' request/response protocol, around the resource kinds.

CloudFormation invokes the provider with ``RequestType`` Create / Update / Delete, ``ResponseURL``,
``StackId``, ``RequestId``, ``ResourceType``, ``LogicalResourceId``, ``ResourceProperties`` (and on
Update / Delete ``PhysicalResourceId``, on Update ``OldResourceProperties``); the provider PUTs
``Status``, ``Reason``, ``PhysicalResourceId``, ``StackId``, ``RequestId``, ``LogicalResourceId``,
``NoEcho`` and ``Data`` to the URL
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref.html).

The provider answers at once: a task's Create answers as soon as the task started (its id is the
physical id); the wait condition is what waits. A changed source is a new task (a new physical id:
CloudFormation then deletes the old one); a tags-only change retags in place.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from conversion_watch import clock, starter
from conversion_watch.contract import ENV_SCHEDULER_ROLE_ARN, ENV_SIGNALLER_ARN, RESOURCE_FOLLOW, RESOURCE_RESULT
from conversion_watch.errors import TaskNotFound
from conversion_watch.kinds import TASK_KINDS, kind
from conversion_watch.resources import RESOURCE_KINDS, deadline, signal
from conversion_watch.resources.attributes import BY_TASK_TYPE, attributes_from_data
from conversion_watch.resources.base import PropertyError, ResourceKind
from conversion_watch.resources.http_put import clip, put_json

MAX_REASON = 2048  # the whole response must stay under 4096 bytes
NOT_STARTED = "not-started"


@dataclass(frozen=True)
class Outcome:
    status: str
    reason: str
    physical_id: str
    data: dict[str, str]


def respond(request: dict[str, Any], outcome: Outcome) -> dict[str, Any]:
    """The response body CloudFormation reads from the ResponseURL."""
    return {
        "Status": outcome.status,
        "Reason": clip(outcome.reason, MAX_REASON),
        "PhysicalResourceId": outcome.physical_id,
        "StackId": request["StackId"],
        "RequestId": request["RequestId"],
        "LogicalResourceId": request["LogicalResourceId"],
        "NoEcho": False,
        "Data": outcome.data,
    }


def handle(request: dict[str, Any], *, clients: Callable[[str], Any], state_machine_arn: str) -> dict[str, Any]:
    """Serve one request and PUT the response; returns the body sent."""
    body = respond(request, serve(request, clients=clients, state_machine_arn=state_machine_arn))
    put_json(request["ResponseURL"], body)
    return body


def serve(request: dict[str, Any], *, clients: Callable[[str], Any], state_machine_arn: str) -> Outcome:
    resource_type = request.get("ResourceType")
    if resource_type == RESOURCE_FOLLOW:
        return _follow(request, clients=clients, state_machine_arn=state_machine_arn)
    if resource_type == RESOURCE_RESULT:
        return _result(request, clients)
    resource_kind = RESOURCE_KINDS.get(str(resource_type))
    if resource_kind is None:
        return Outcome("FAILED", f"this provider serves no resource type {resource_type!r}",
                       request.get("PhysicalResourceId") or NOT_STARTED, {})
    try:
        return _serve_kind(resource_kind, request, clients)
    except PropertyError as error:
        return Outcome("FAILED", f"{request['LogicalResourceId']}: {error}",
                       request.get("PhysicalResourceId") or NOT_STARTED, {})
    except ClientError as error:
        return Outcome("FAILED", f"{request['LogicalResourceId']}: {error}",
                       request.get("PhysicalResourceId") or NOT_STARTED, {})


def _serve_kind(resource_kind: ResourceKind, request: dict[str, Any], clients: Callable[[str], Any]) -> Outcome:
    properties = request.get("ResourceProperties") or {}
    physical_id = request.get("PhysicalResourceId")
    is_task = bool(physical_id) and kind(resource_kind.task_type).matches(str(physical_id))
    if request["RequestType"] == "Delete":
        if not is_task:
            return Outcome("SUCCESS", "no task was started", str(physical_id or NOT_STARTED), {})
        done = resource_kind.remove(clients, str(physical_id), properties)
        return Outcome("SUCCESS", "; ".join(done), str(physical_id), {})
    old = request.get("OldResourceProperties") or {}
    if request["RequestType"] == "Update" and is_task and not resource_kind.source_changed(old, properties):
        resource_kind.check(properties)  # a bad tag is refused before anything changes
        done = resource_kind.retag(clients, str(physical_id), old, properties) if resource_kind.retag else []
        return Outcome("SUCCESS", "; ".join(done) or "updated in place", str(physical_id),
                       _data(resource_kind, str(physical_id)))
    checked = resource_kind.check(properties)
    task_id = resource_kind.start(clients, checked, client_token(request))
    return Outcome("SUCCESS", f"started {task_id}", task_id, _data(resource_kind, task_id))


def _data(resource_kind: ResourceKind, task_id: str) -> dict[str, str]:
    return {"TaskId": task_id, "TaskType": resource_kind.task_type}


def client_token(request: dict[str, Any]) -> str:
    """One token per request: a repeated delivery of the same request starts no second task (EC2's
    ClientToken idempotency); a replacement (a new request) starts a new one."""
    seed = f"{request['StackId']}|{request['LogicalResourceId']}|{request['RequestId']}"
    return hashlib.sha256(seed.encode()).hexdigest()[:64]


def _follow(request: dict[str, Any], *, clients: Callable[[str], Any], state_machine_arn: str) -> Outcome:
    """Start the task's watch now that the signaller's rule exists; a task already ended is signalled here."""
    properties = request.get("ResourceProperties") or {}
    task_type, task_id = str(properties.get("TaskType")), str(properties.get("TaskId"))
    physical_id = f"follow-{task_id}"
    if request["RequestType"] == "Delete":
        given = str(request.get("PhysicalResourceId") or physical_id)
        try:  # the task is in the physical id: a Delete may come with no properties to read
            return Outcome("SUCCESS", deadline.delete(clients("scheduler"), given.removeprefix("follow-")), given, {})
        except ClientError as error:
            return Outcome("FAILED", f"{request['LogicalResourceId']}: {error}", given, {})
    try:
        started = starter.start_watch(clients("stepfunctions"), state_machine_arn, task_type, task_id)
        done = [f"{started.execution_name} {started.outcome}"]
        timeout = properties.get("TimeoutSeconds")
        signaller, role = os.environ.get(ENV_SIGNALLER_ARN), os.environ.get(ENV_SCHEDULER_ROLE_ARN)
        if timeout and signaller and role:
            done.append(deadline.create(clients("scheduler"), now=clock.utc_now(), task_type=task_type,
                                        task_id=task_id, timeout_seconds=int(timeout),
                                        wait_handle=str(properties["WaitHandle"]), signaller_arn=signaller,
                                        role_arn=role))
        snapshot = TASK_KINDS[task_type].describe(clients(TASK_KINDS[task_type].service), task_id)
    except (TaskNotFound, ClientError) as error:
        return Outcome("FAILED", f"{request['LogicalResourceId']}: cannot follow {task_id}: {error}", physical_id, {})
    except Exception as error:  # noqa: BLE001 - the watcher's named errors (InvalidInput, Throttled, ...)
        return Outcome("FAILED", f"{request['LogicalResourceId']}: cannot follow {task_id}: "
                                 f"{type(error).__name__}: {error}", physical_id, {})
    ended = signal.from_snapshot(task_type, task_id, snapshot, attribute_reader(clients))
    if ended is not None:
        signal.send(str(properties["WaitHandle"]), ended)
    return Outcome("SUCCESS", "; ".join(done), physical_id, {})


def _result(request: dict[str, Any], clients: Callable[[str], Any]) -> Outcome:
    """The completed task's attributes, read from the wait condition's Data, as this resource's own.

    Its Delete removes what the task made, from those ids: it needs no describe, so it works however
    old the task is (the describes list the last 7 days only). One physical id per task: a new task
    replaces it, and CloudFormation's cleanup deletes the old task's image with the old properties.
    """
    properties = request.get("ResourceProperties") or {}
    physical_id = f"result-{properties.get('TaskId')}"
    try:
        resource_type = BY_TASK_TYPE[str(properties.get("TaskType"))]
        values = attributes_from_data(resource_type, properties.get("WaitData"))
    except (KeyError, ValueError) as error:
        if request["RequestType"] == "Delete":  # never block a delete: nothing known was made
            return Outcome("SUCCESS", f"nothing known to remove ({error})", str(request.get("PhysicalResourceId")), {})
        return Outcome("FAILED", f"{request['LogicalResourceId']}: {error}", physical_id, {})
    if request["RequestType"] != "Delete":
        return Outcome("SUCCESS", "attributes read", physical_id, values)
    physical_id = str(request.get("PhysicalResourceId") or physical_id)
    release = RESOURCE_KINDS[resource_type].release
    if release is None:
        return Outcome("SUCCESS", "nothing to remove", physical_id, {})
    if str(properties.get("RetainOnDelete", "false")).lower() == "true":
        return Outcome("SUCCESS", f"kept {', '.join(v for v in values.values() if v)}: RetainOnDelete", physical_id, {})
    try:
        done = release(clients, values)
    except ClientError as error:
        return Outcome("FAILED", f"{request['LogicalResourceId']}: {error}", physical_id, {})
    return Outcome("SUCCESS", "; ".join(done), physical_id, {})


def attribute_reader(clients: Callable[[str], Any]) -> Callable[[str, str], list[str]]:
    """``(task_type, task_id) -> attributes`` from the task's own describe."""
    by_task_type = {k.task_type: k for k in RESOURCE_KINDS.values()}

    def read(task_type: str, task_id: str) -> list[str]:
        task_kind = TASK_KINDS[task_type]
        return by_task_type[task_type].attributes(task_kind.describe(clients(task_kind.service), task_id))

    return read


__all__ = ["Outcome", "attribute_reader", "client_token", "handle", "respond", "serve"]
