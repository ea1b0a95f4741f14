"""A CloudFormation double for the conversion resources: a scenario's ``deployments`` played against
the real provider and signaller handlers, the synthesized watcher and the service double.

What it plays, as CloudFormation does for the template ``conversion_watch_cdk.resources`` makes:

* the custom-resource protocol: a Create / Update / Delete request (``RequestType``, ``ResponseURL``,
  ``StackId``, ``RequestId``, ``ResourceType``, ``LogicalResourceId``, ``PhysicalResourceId``,
  ``ResourceProperties``, ``OldResourceProperties``) handed to the provider's handler, and its answer
  PUT to a response URL served here (127.0.0.1), checked against the documented response fields;
* after a Create (or a replacing Update) that answered SUCCESS: the signaller's rule on the watcher's bus
  (``conversion_watch.resources.rules``: moto matches the pattern; a Lambda target, which moto does not
  deliver to, is invoked in the publishing thread with the rule's input transformer applied), then
  the follow resource (which starts the watch), then the wait condition: the handle is a URL served
  here; a SUCCESS signal ends it with its ``Data`` (``{"<UniqueId>": "<Data>"}``), handed to the result
  resource whose response ``Data`` are the attributes; a FAILURE signal or ``timeoutSeconds`` without a
  signal fails it, and the failure rolls back (Delete of the follow and the task's resource, as
  CloudFormation does);
* a replacing Update's cleanup (the old resource's Delete) once the new one succeeded;
* the failure texts CloudFormation shows ("WaitCondition received failed message: '...' for uniqueId: ...",
  "WaitCondition timed out. Received 0 conditions when expecting 1") in the form commonly seen; AWS does not
  document them;
* ``delete`` and ``rollback`` actions: the resource's Delete.

The task a Create starts gets the deployment's ``taskId`` (the service double holds that scenario
task out of sight until the start call). Not played: CloudFormation's own retries, stack policies,
the rule's and handles' deletion (a late signal to an ended wait condition is ignored, as
CloudFormation ignores signals to a handle it deleted).
"""

from __future__ import annotations

import contextlib
import copy
import http.server
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

from conversion_watch.contract import (
    DEADLINE_SCHEDULE_PREFIX,
    ENV_SCHEDULER_ROLE_ARN,
    ENV_SIGNALLER_ARN,
    PROVIDER_HANDLER,
    RESOURCE_FOLLOW,
    RESOURCE_RESULT,
    SIGNALLER_HANDLER,
)
from conversion_watch.resources import RESOURCE_KINDS, rules
from conversion_watch.resources.deadline import deadline_seconds
from localrun.cloudformation_protocol import (
    MAX_RESPONSE_BYTES,
    handler_class,
    response_problems,
    signal_problems,
    strings,
)
from localrun.deployments import Deployment
from localrun.lambda_context import FakeLambdaContext
from localrun.lambdas import load_handler
from localrun.moto_patches import targets

REGION = "us-east-1"
ACCOUNT = "123456789012"
STACK_ID = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/LocalDeployment/00000000-0000-0000-0000-000000000001"
PROVIDER = "ConversionResourceProvider"
SIGNALLER = "ConversionResourceSignaller"
ASYNC_ATTEMPTS = 3  # an asynchronous invocation and Lambda's two retries
SIGNALLER_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{SIGNALLER}"


class ProtocolError(RuntimeError):
    """A handler answered CloudFormation in a way CloudFormation would not accept."""


@dataclass
class _Wait:
    deployment: Deployment
    physical_id: str
    handle_url: str
    old: _Resource | None  # a replacing update: what is deleted once the new resource succeeded
    done: bool = False


@dataclass
class _Resource:
    resource_type: str
    physical_id: str
    properties: dict[str, Any]
    follow_id: str | None = None
    result_id: str | None = None
    result_properties: dict[str, Any] = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)


class DeploymentPlayer:
    """Plays ``deployments`` during a local run (``localrun.engine.run_scenario`` wires it in)."""

    def __init__(self, deployments: tuple[Deployment, ...], *, template: Path, clock: Any) -> None:
        from localrun.template import event_sources, load_template, resolve, stack_spec

        spec = stack_spec(load_template(template))
        definition = resolve(spec.definition, lambda logical_id, attribute: logical_id)
        sources = event_sources(json.loads(definition) if isinstance(definition, str) else definition)
        self.event_source = sorted(sources)[0]
        self.bus_name = spec.event_bus_name
        self.deployments = deployments
        self.clock = clock
        self.double: Any = None
        self.entries: dict[int, dict[str, Any]] = {}
        self.protocol_errors: list[str] = []
        self.responses: list[dict[str, Any]] = []  # every custom-resource response received, in order
        self.signals: list[dict[str, Any]] = []  # every wait-condition signal received, in order
        self._resources: dict[str, _Resource] = {}
        self._waits: dict[str, _Wait] = {}  # by handle path
        self._captured: dict[str, dict[str, Any]] = {}
        self._lock = threading.RLock()
        self._rules_lock = threading.RLock()
        self._server: http.server.ThreadingHTTPServer | None = None
        self._rules = 0

    # -- wiring ---------------------------------------------------------------------------------------
    def double_factory(self, inner: Callable[..., Any]) -> Callable[..., Any]:
        player = self

        def build(**kwargs: Any) -> Any:
            player.double = inner(**kwargs)
            return _DoubleWithDeployments(player.double, player)

        return build

    def actions(self) -> list[tuple[float, Callable[[str], None]]]:
        steps: list[tuple[float, Callable[[str], None]]] = []
        for deployment in self.deployments:
            steps.append((deployment.at, self._action(deployment)))
            if deployment.action in ("create", "update"):
                steps.append((deployment.at + deadline_seconds(int(deployment.timeout)), self._fire_due_schedules))
                steps.append((deployment.at + deployment.timeout, self._deadline(deployment)))
        return steps

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        for deployment in self.deployments:
            if deployment.task_id and deployment.action in ("create", "update"):
                self.double.writes.hold(deployment.task_id)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_class(self))
        thread = threading.Thread(target=server.serve_forever, daemon=True, name="cloudformation-double")
        thread.start()
        self._server = server
        Rule = targets.events_rule()
        original = Rule.send_to_targets
        player = self

        def send_to_targets(rule: Any, event: Any, transform_input: bool = True) -> None:
            lambdas = [t for t in rule.targets if ":lambda:" in str(t.get("Arn"))]
            if not lambdas:
                return original(rule, event, transform_input)  # type: ignore[no-any-return]
            others = copy.copy(rule)
            others.targets = [t for t in rule.targets if t not in lambdas]
            original(others, event, transform_input)
            if rule.event_pattern.matches_event(event):
                for target in lambdas:
                    player._invoke_target(target, event)
            return None

        EventsBackend = targets.events_backend()
        delivering = EventsBackend.put_events

        def put_events(backend: Any, entries: list[dict[str, Any]]) -> Any:
            # moto iterates the bus's rules without a lock: a rule created meanwhile would break the delivery
            # ("OrderedDict mutated during iteration"), which EventBridge never does. Rules are created under this lock.
            with player._rules_lock:
                return delivering(backend, entries)

        try:
            with mock.patch.object(Rule, "send_to_targets", send_to_targets), \
                    mock.patch.object(EventsBackend, "put_events", put_events):
                yield
        finally:
            server.shutdown()
            server.server_close()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- the report ------------------------------------------------------------------------------------
    def report(self) -> list[dict[str, Any]]:
        if self.protocol_errors:
            raise ProtocolError(f"{len(self.protocol_errors)} answer(s) CloudFormation would refuse: "
                                f"{self.protocol_errors[0]}")
        return [self.entries[d.index] for d in self.deployments if d.index in self.entries]  # in time order

    def _record(self, deployment: Deployment, status: str, reason: str, attributes: dict[str, str]) -> None:
        with self._lock:
            self.entries[deployment.index] = {"logicalId": deployment.logical_id, "action": deployment.action,
                                              "status": status, "reason": reason, "attributes": attributes,
                                              "at": self.clock.seconds}

    # -- actions ---------------------------------------------------------------------------------------
    def _action(self, deployment: Deployment) -> Callable[[str], None]:
        def run(state_machine_arn: str) -> None:
            import os

            # The provider's variables, as the construct sets them.
            os.environ.update({"STATE_MACHINE_ARN": state_machine_arn, ENV_SIGNALLER_ARN: SIGNALLER_ARN,
                               ENV_SCHEDULER_ROLE_ARN: f"arn:aws:iam::{ACCOUNT}:role/ConversionResourceDeadlineRole"})
            getattr(self, f"_{deployment.action}")(deployment)

        return run

    def _fire_due_schedules(self, _: str) -> None:
        """EventBridge Scheduler's part: a deadline schedule whose time has come invokes the signaller with its
        input, then deletes itself (``ActionAfterCompletion: DELETE``)."""
        import boto3

        scheduler = boto3.client("scheduler", region_name=REGION)
        now = self.clock.now().strftime("%Y-%m-%dT%H:%M:%S")
        names = [item["Name"] for page in scheduler.get_paginator("list_schedules").paginate()
                 for item in page["Schedules"] if item["Name"].startswith(DEADLINE_SCHEDULE_PREFIX)]
        for name in names:
            try:
                schedule = scheduler.get_schedule(Name=name)
            except scheduler.exceptions.ResourceNotFoundException:
                continue  # deleted meanwhile by a rollback
            expression = schedule["ScheduleExpression"]
            if expression.startswith("at(") and expression[3:-1] <= now:
                self._signaller_async(json.loads(schedule["Target"]["Input"]))
                # The rollback the signal started may have deleted it already (the follow step's Delete).
                with contextlib.suppress(scheduler.exceptions.ResourceNotFoundException):
                    scheduler.delete_schedule(Name=name)

    def _deadline(self, deployment: Deployment) -> Callable[[str], None]:
        def run(_: str) -> None:
            wait = self._pending(deployment)
            if wait is not None:
                self._fail_wait(wait, f"WaitCondition timed out after {deployment.timeout:g} s without a signal "
                                      "(CloudFormation: 'WaitCondition timed out. Received 0 conditions when "
                                      "expecting 1')")

        return run

    def _pending(self, deployment: Deployment) -> _Wait | None:
        with self._lock:
            for wait in self._waits.values():
                if wait.deployment is deployment and not wait.done:
                    return wait
        return None

    def _create(self, deployment: Deployment) -> None:
        if deployment.task_id:
            self.double.writes.reserve(RESOURCE_KINDS[deployment.resource_type].task_type, deployment.task_id)
        properties = self._properties(deployment.properties)
        answer = self._request("Create", deployment.resource_type, deployment.logical_id, properties)
        if answer["Status"] != "SUCCESS":
            self._unreserve(deployment)
            rollback = self._request("Delete", deployment.resource_type, deployment.logical_id, properties,
                                     physical_id=answer["PhysicalResourceId"])
            self._record(deployment, "FAILED", f"{answer['Reason']} (rollback: {rollback.get('Reason')})", {})
            return
        self._resources[deployment.logical_id] = _Resource(deployment.resource_type, answer["PhysicalResourceId"],
                                                           properties)
        self._wait_for(deployment, answer["PhysicalResourceId"], old=None)

    def _update(self, deployment: Deployment) -> None:
        current = self._resources.get(deployment.logical_id)
        if current is None:
            self._record(deployment, "FAILED", f"{deployment.logical_id} does not exist (nothing was created)", {})
            return
        if deployment.task_id:
            self.double.writes.reserve(RESOURCE_KINDS[deployment.resource_type].task_type, deployment.task_id)
        properties = self._properties(deployment.properties)
        answer = self._request("Update", current.resource_type, deployment.logical_id, properties,
                               physical_id=current.physical_id, old=current.properties)
        if answer["Status"] != "SUCCESS":
            self._unreserve(deployment)
            self._record(deployment, "FAILED", answer["Reason"], {})
            return
        if answer["PhysicalResourceId"] == current.physical_id:
            self._unreserve(deployment)
            current.properties = properties
            self._record(deployment, "SUCCESS", answer.get("Reason", ""), dict(current.attributes))
            return
        old = _Resource(current.resource_type, current.physical_id, current.properties, follow_id=current.follow_id,
                        result_id=current.result_id, result_properties=current.result_properties)
        self._resources[deployment.logical_id] = _Resource(current.resource_type, answer["PhysicalResourceId"],
                                                           properties)
        self._wait_for(deployment, answer["PhysicalResourceId"], old=old)

    def _delete(self, deployment: Deployment) -> None:
        wait = self._pending(deployment) or self._pending_for(deployment.logical_id)
        if wait is not None:
            self._fail_wait(wait, f"the stack operation was cancelled at {self.clock.seconds:g} s", rollback=False)
        resource = self._resources.pop(deployment.logical_id, None)
        if resource is None:
            self._record(deployment, "SUCCESS", "nothing to delete", {})
            return
        answer = self._remove(deployment.logical_id, resource)
        self._record(deployment, answer["Status"], answer.get("Reason", ""), {})

    def _rollback(self, deployment: Deployment) -> None:
        self._delete(deployment)

    def _pending_for(self, logical_id: str) -> _Wait | None:
        with self._lock:
            for wait in self._waits.values():
                if wait.deployment.logical_id == logical_id and not wait.done:
                    return wait
        return None

    def _unreserve(self, deployment: Deployment) -> None:
        if deployment.task_id:
            reserved = self.double.writes.reserved[RESOURCE_KINDS[deployment.resource_type].task_type]
            if deployment.task_id in reserved:
                reserved.remove(deployment.task_id)

    # -- the wait condition ------------------------------------------------------------------------------
    def _wait_for(self, deployment: Deployment, physical_id: str, *, old: _Resource | None) -> None:
        resource = self._resources[deployment.logical_id]
        kind = RESOURCE_KINDS[deployment.resource_type]
        if deployment.task_id is not None and physical_id != deployment.task_id:
            self.protocol_errors.append(f"{deployment.logical_id}: the task started is {physical_id}, the scenario "
                                        f"gave {deployment.task_id}")
        path = f"/handle/{deployment.logical_id}/{deployment.index}"
        handle_url = self.base_url + path
        wait = _Wait(deployment, physical_id, handle_url, old)
        with self._lock:
            self._waits[path] = wait
            self._rules += 1
            rule_name = f"{deployment.logical_id}SignalRule{self._rules}"
        import boto3

        events = boto3.client("events", region_name=REGION)
        with self._rules_lock:
            self._put_rule(events, rule_name, physical_id, handle_url)
        follow_properties = {"TaskType": kind.task_type, "TaskId": physical_id, "WaitHandle": handle_url,
                             "TimeoutSeconds": str(int(deployment.timeout))}
        follow = self._request("Create" if resource.follow_id is None else "Update", RESOURCE_FOLLOW,
                               f"{deployment.logical_id}Follow", follow_properties, physical_id=resource.follow_id)
        if follow["Status"] != "SUCCESS":
            self._fail_wait(wait, f"{deployment.logical_id}Follow: {follow['Reason']}")
            return
        resource.follow_id = follow["PhysicalResourceId"]

    def _put_rule(self, events: Any, rule_name: str, task_id: str, handle_url: str) -> None:
        events.put_rule(Name=rule_name, EventBusName=self.bus_name, State="ENABLED",
                        EventPattern=json.dumps(rules.event_pattern(self.event_source, task_id)))
        events.put_targets(Rule=rule_name, EventBusName=self.bus_name, Targets=[{
            "Id": "signaller", "Arn": SIGNALLER_ARN,
            "InputTransformer": rules.input_transformer(handle_url)}])

    def signalled(self, path: str, body: dict[str, Any]) -> None:
        """A PUT to a handle URL (from the server's thread, while the signalling thread waits for the answer)."""
        problems = signal_problems(body)
        with self._lock:
            self.signals.append({"handle": path, "at": self.clock.seconds, **body})
            if problems:
                self.protocol_errors.append(f"signal to {path}: {problems}")
                return
            wait = self._waits.get(path)
            if wait is None or wait.done:
                return  # a late signal: the wait condition has ended (CloudFormation ignores it too)
            wait.done = True
        finish = self.clock.wrap(lambda: self._finish(wait, body))  # counted now: time waits for it
        threading.Thread(target=finish, daemon=True, name=f"wait-{wait.deployment.logical_id}").start()

    def _finish(self, wait: _Wait, body: dict[str, Any]) -> None:
        deployment = wait.deployment
        if body["Status"] == "SUCCESS":
            data = json.dumps({body["UniqueId"]: body["Data"]})  # the wait condition's Data attribute
            kind = RESOURCE_KINDS[deployment.resource_type]
            result_properties = {"TaskType": kind.task_type, "TaskId": wait.physical_id, "WaitData": data,
                                 "RetainOnDelete": str(deployment.properties.get("RetainOnDelete", "false")).lower()}
            result = self._request("Create", RESOURCE_RESULT, f"{deployment.logical_id}Result", result_properties)
            if result["Status"] != "SUCCESS":
                self._fail(wait, f"{deployment.logical_id}Result: {result.get('Reason')}", rollback=True)
                return
            attributes = dict(result.get("Data") or {})
            resource = self._resources.get(deployment.logical_id)
            if resource is not None:
                resource.attributes = attributes
                resource.result_id = result["PhysicalResourceId"]
                resource.result_properties = result_properties
            reason = body.get("Reason", "")
            if wait.old is not None:  # the replacement succeeded: CloudFormation deletes the old resources
                cleanup = self._remove(deployment.logical_id, wait.old)
                reason += f" (cleanup of {wait.old.physical_id}: {cleanup.get('Reason')})"
            self._record(deployment, "SUCCESS", reason, attributes)
            return
        self._fail(wait, f"WaitCondition received failed message: '{body.get('Reason')}' for uniqueId: "
                         f"{body.get('UniqueId')}", rollback=True)

    def _fail_wait(self, wait: _Wait, reason: str, *, rollback: bool = True) -> None:
        with self._lock:
            if wait.done:
                return
            wait.done = True
        self._fail(wait, reason, rollback=rollback)

    def _fail(self, wait: _Wait, reason: str, *, rollback: bool) -> None:
        deployment = wait.deployment
        if rollback:
            resource = self._resources.pop(deployment.logical_id, None)
            if resource is not None:
                answer = self._remove(deployment.logical_id, resource)
                reason += f"; rollback: {answer.get('Reason')}"
            if wait.old is not None:  # the update rolls back to the old resource
                self._resources[deployment.logical_id] = wait.old
        self._record(deployment, "FAILED", reason, {})

    def _remove(self, logical_id: str, resource: _Resource) -> dict[str, Any]:
        """Delete the result and follow resources, then the task's resource (the reverse of their creation);
        the answer's reason tells what each removed."""
        reasons = []
        if resource.result_id is not None:
            result = self._request("Delete", RESOURCE_RESULT, f"{logical_id}Result", resource.result_properties,
                                   physical_id=resource.result_id)
            reasons.append(f"{logical_id}Result: {result.get('Reason')}")
        if resource.follow_id is not None:
            self._request("Delete", RESOURCE_FOLLOW, f"{logical_id}Follow", {}, physical_id=resource.follow_id)
        answer = self._request("Delete", resource.resource_type, logical_id, resource.properties,
                               physical_id=resource.physical_id)
        if reasons:
            answer = {**answer, "Reason": "; ".join([*reasons, f"{logical_id}: {answer.get('Reason')}"])}
        return answer

    # -- the custom-resource protocol ------------------------------------------------------------------------
    def _properties(self, properties: dict[str, Any]) -> dict[str, Any]:
        """What CloudFormation hands a custom resource: ServiceToken first, every scalar as a string."""
        return {"ServiceToken": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{PROVIDER}", **strings(properties)}

    def _request(self, request_type: str, resource_type: str, logical_id: str, properties: dict[str, Any], *,
                 physical_id: str | None = None, old: dict[str, Any] | None = None) -> dict[str, Any]:
        request_id = str(uuid.uuid4())
        path = f"/response/{request_id}"
        request: dict[str, Any] = {
            "RequestType": request_type, "ResponseURL": self.base_url + path, "StackId": STACK_ID,
            "RequestId": request_id, "ResourceType": resource_type, "LogicalResourceId": logical_id,
            "ResourceProperties": properties if resource_type in RESOURCE_KINDS else self._properties(properties),
        }
        if physical_id is not None and request_type != "Create":
            request["PhysicalResourceId"] = physical_id
        if request_type == "Update":
            request["OldResourceProperties"] = old if old is not None else request["ResourceProperties"]
        try:
            self._invoke(PROVIDER_HANDLER, PROVIDER, request)
        except Exception as error:  # noqa: BLE001 - a crashed provider answers nothing: CloudFormation times out
            return {"Status": "FAILED", "Reason": f"the provider crashed ({type(error).__name__}: {error}); "
                                                  "CloudFormation would wait for its one-hour timeout",
                    "PhysicalResourceId": physical_id or "none"}
        with self._lock:
            answer = self._captured.pop(path, None)
        if answer is None:
            self.protocol_errors.append(f"{request_type} {logical_id}: the provider returned without answering "
                                        "the ResponseURL")
            return {"Status": "FAILED", "Reason": "no response", "PhysicalResourceId": physical_id or "none"}
        problems = response_problems(request, answer)
        if problems:
            self.protocol_errors.append(f"{request_type} {logical_id}: {problems}")
        self.responses.append({"request": {k: v for k, v in request.items() if k != "ResponseURL"},
                               "response": answer, "at": self.clock.seconds})
        return answer

    def responded(self, path: str, raw: bytes, content_type: str | None) -> None:
        try:
            body = json.loads(raw)
        except json.JSONDecodeError as error:
            with self._lock:
                self.protocol_errors.append(f"{path}: the response is not JSON ({error})")
            return
        with self._lock:
            if len(raw) > MAX_RESPONSE_BYTES:
                self.protocol_errors.append(f"{path}: a {len(raw)}-byte response (at most {MAX_RESPONSE_BYTES})")
            if content_type:
                self.protocol_errors.append(f"{path}: Content-Type {content_type!r} (the presigned URL is signed "
                                            "without one)")
            self._captured[path] = body

    def _invoke(self, handler_name: str, name: str, event: Any) -> Any:
        """Call a handler as Lambda would; imported on first use, inside the run's environment (Powertools'
        singletons read it when the runtime package is first imported)."""
        from localrun import one_at_a_time

        handler = load_handler(handler_name)
        context = FakeLambdaContext(function_name=name,
                                    invoked_function_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}")
        outcome: dict[str, Any] = {}

        def call() -> None:
            try:
                with one_at_a_time.invocation():
                    outcome["result"] = handler(event, context)
            except Exception as error:  # noqa: BLE001 - handed to the caller below
                outcome["error"] = error

        # A thread of its own, as the watcher's handlers: its output goes to the function log, not the terminal.
        worker = threading.Thread(target=call, name=f"lambda-{name}")
        worker.start()
        worker.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("result")

    def _invoke_target(self, target: dict[str, Any], event: Any) -> None:
        """EventBridge's delivery to the signaller: the rule's input transformer, then the function."""
        transformer = target.get("InputTransformer") or {}
        detail = json.dumps(event.get("detail"))
        payload = json.loads(transformer["InputTemplate"].replace("<detail>", detail)) if transformer else event
        self._signaller_async(payload)

    def _signaller_async(self, payload: dict[str, Any]) -> None:
        # EventBridge (and Scheduler) invoke Lambda asynchronously: a function error never fails the caller, and
        # Lambda tries the event twice more (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html).
        detail = json.dumps(payload)
        errors = []
        for _ in range(ASYNC_ATTEMPTS):
            try:
                self._invoke(SIGNALLER_HANDLER, SIGNALLER, payload)
                return
            except Exception as error:  # noqa: BLE001 - recorded: the run reports it
                errors.append(f"{type(error).__name__}: {error}")
        with self._lock:
            self.protocol_errors.append(f"the signaller failed {ASYNC_ATTEMPTS} times on {detail[:200]}: {errors}")


class _DoubleWithDeployments:
    """The service double, with the deployment player's server and rule delivery installed beside it."""

    def __init__(self, double: Any, player: DeploymentPlayer) -> None:
        self._double, self._player = double, player

    def __getattr__(self, name: str) -> Any:
        return getattr(self._double, name)

    @contextlib.contextmanager
    def install(self) -> Iterator[Any]:
        with self._double.install(), self._player.installed():
            yield self
