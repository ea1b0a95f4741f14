"""Automatic watch start, end to end in a local run: deliver CloudTrail-shaped
"AWS API Call via CloudTrail" events to the starter and run the sweeper at
simulated times, next to the scenario's own watches.

Delivery follows the deployed path as far as moto allows. The event is put on
the **default** bus, where a rule with the synthesized ``ApiCallRule``'s exact
``EventPattern`` routes it to a queue (moto's rules cannot target Lambda); each
delivered event is then passed to the synthesized function's ``Handler``, as
EventBridge would invoke it. The sweeper's ``Handler`` is invoked as its
schedule would. Both run with their synthesized environment, the state machine
ARN resolved to the local one, and their SDK calls go to moto and the
conversion-task double like the watcher's.
"""

from __future__ import annotations

import dataclasses
import json
import os
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from localrun.function_output import running_a_function
from localrun.lambdas import FakeLambdaContext, load_handler
from localrun.local_aws import REGION, EngineError
from localrun.report import Report
from localrun.scenario import Scenario
from localrun.scenario import parse as parse_scenario
from localrun.services.event_history import DEFAULT_HISTORY_DELAY_SECONDS, installed_history
from localrun.template import DEFAULT_TEMPLATE, load_template, local_environment

STARTER_HANDLER = "conversion_watch.handlers.start_from_cloudtrail.handler"
SWEEPER_HANDLER = "conversion_watch.handlers.sweep_tasks.handler"
DELIVERY_QUEUE = "conversion-watch-local-api-calls"
DELIVERY_RULE = "conversion-watch-local-api-call-rule"


@dataclass(frozen=True)
class ApiCall:
    """An API call CloudTrail records at ``at``: its EventBridge event (``detail`` = the record) is
    put on the default bus then when the account has a ``trail``, and the record enters the service
    double's event history (``LookupEvents``) ``history_delay`` seconds later in any case."""

    at: float
    event: dict[str, Any]
    trail: bool = True
    history_delay: float = DEFAULT_HISTORY_DELAY_SECONDS


@dataclass(frozen=True)
class Sweep:
    at: float


@dataclass
class Delivery:
    at: float
    event_name: str | None
    delivered: int  # events the rule routed to the starter (0: the pattern did not match)
    results: list[dict[str, Any]]  # the starter's return value per delivered event


@dataclass
class SweepRun:
    at: float
    report: dict[str, Any]  # the sweeper's return value
    calls: dict[str, int]  # SDK calls the sweep made, by "service:Operation"


@dataclass
class AutostartReport:
    run: Report
    deliveries: list[Delivery] = field(default_factory=list)
    sweeps: list[SweepRun] = field(default_factory=list)


@dataclass(frozen=True)
class _Function:
    logical_id: str
    handler: str
    environment: dict[str, Any]  # may hold {"Ref": <state machine>}


class Driver:
    def __init__(self, template: dict[str, Any]) -> None:
        resources = template.get("Resources", {})
        self.starter = _function(resources, STARTER_HANDLER)
        self.sweep_function = _function(resources, SWEEPER_HANDLER)
        self.pattern = _api_call_pattern(resources, self.starter.logical_id)
        self.deliveries: list[Delivery] = []
        self.sweeps: list[SweepRun] = []
        self.calls: Counter[str] = Counter()
        self._queue_url: str | None = None
        self._counted_clients: set[int] = set()
        self._counting_thread: int | None = None

    # -- actions ------------------------------------------------------------------
    def deliverer(self, call: ApiCall) -> Any:
        def deliver(state_machine_arn: str) -> None:
            event = call.event
            detail = event.get("detail")
            history = installed_history()
            if history is not None and isinstance(detail, dict):
                history.record(detail, at=_now_seconds(), delay=call.history_delay)
            if not call.trail:  # no trail: no copy on EventBridge, only event history has the call
                event_name = detail.get("eventName") if isinstance(detail, dict) else None
                self.deliveries.append(Delivery(call.at, event_name, 0, []))
                return
            queue_url = self._delivery(state_machine_arn)
            boto3.client("events", region_name=REGION).put_events(Entries=[{
                "Source": str(event.get("source")),
                "DetailType": str(event.get("detail-type")),
                "Detail": json.dumps(detail),
                "Resources": list(event.get("resources") or []),
            }])
            delivered = _drain(queue_url)
            results = [self._invoke(self.starter, body, state_machine_arn) for body in delivered]
            event_name = detail.get("eventName") if isinstance(detail, dict) else None
            self.deliveries.append(Delivery(call.at, event_name, len(delivered), results))

        return deliver

    def sweeper(self, sweep: Sweep) -> Any:
        def run(state_machine_arn: str) -> None:
            self._count_sdk_calls()
            self.calls.clear()
            self._counting_thread = threading.get_ident()
            try:
                report = self._invoke(self.sweep_function, _scheduled_event(), state_machine_arn)
            finally:
                self._counting_thread = None
            self.sweeps.append(SweepRun(sweep.at, report, dict(self.calls)))

        return run

    # -- plumbing -----------------------------------------------------------------
    def _delivery(self, state_machine_arn: str) -> str:
        """The default bus's rule (synthesized pattern) and its queue, created on first use."""
        if self._queue_url is None:
            sqs = boto3.client("sqs", region_name=REGION)
            events = boto3.client("events", region_name=REGION)
            self._queue_url = sqs.create_queue(QueueName=DELIVERY_QUEUE)["QueueUrl"]
            queue_arn = sqs.get_queue_attributes(QueueUrl=self._queue_url, AttributeNames=["QueueArn"])[
                "Attributes"]["QueueArn"]
            events.put_rule(Name=DELIVERY_RULE, EventPattern=json.dumps(self.pattern), State="ENABLED")
            events.put_targets(Rule=DELIVERY_RULE, Targets=[{"Id": "starter", "Arn": queue_arn}])
        return self._queue_url

    def _invoke(self, function: _Function, event: Any, state_machine_arn: str) -> Any:
        _apply_environment(function, state_machine_arn)
        handler = load_handler(function.handler)
        context = FakeLambdaContext(
            function_name=function.logical_id,
            invoked_function_arn=f"arn:aws:lambda:{REGION}:123456789012:function:{function.logical_id}",
        )
        with running_a_function():
            return handler(event, context)

    def _count_sdk_calls(self) -> None:
        """Count the calls the sweep makes: on the handlers' shared clients, in
        the driver's thread only (the watches poll from their executions' threads)."""
        from conversion_watch import aws_clients

        for service in ("ec2", "license-manager", "stepfunctions"):
            client = aws_clients.client(service)
            if id(client) in self._counted_clients:
                continue
            self._counted_clients.add(id(client))
            service_id = client.meta.service_model.service_id.hyphenize()  # ec2, license-manager, sfn
            client.meta.events.register(f"provide-client-params.{service_id}", self._count)

    def _count(self, model: Any, **_: Any) -> None:
        if threading.get_ident() == self._counting_thread:
            self.calls[f"{model.service_model.endpoint_prefix}:{model.name}"] += 1


def scenario_actions(scenario: Scenario, template: Path = DEFAULT_TEMPLATE) -> list[tuple[float, Any]]:
    """A scenario's ``sweeps`` and ``apiCalls`` as the engine's timed actions."""
    driver = Driver(load_template(template))
    actions = [(call.at, driver.deliverer(ApiCall(
        call.at, _with_detail(call.detail) if call.detail is not None else api_call_event(
            call.event_name, str(call.task_id)), trail=call.trail, history_delay=call.history_delay)))
        for call in scenario.api_calls]
    return actions + [(at, driver.sweeper(Sweep(at))) for at in scenario.sweeps]


def allowing_no_watches(raw: dict[str, Any]) -> Scenario:
    """Scenario files need watches; here the starters may start every watch themselves."""
    if raw.get("watches"):
        return parse_scenario(raw)
    placeholder = {"at": 0, "input": {}}
    return dataclasses.replace(parse_scenario({**raw, "watches": [placeholder]}), watches=[])


def _with_detail(detail: dict[str, Any]) -> dict[str, Any]:
    """The EventBridge event of a raw CloudTrail record (``apiCalls[].detail``)."""
    from conversion_watch.cloudtrail import event_bridge_source

    source = detail.get("eventSource")
    return {"source": event_bridge_source(source) if isinstance(source, str) else "aws.unknown",
            "detail-type": "AWS API Call via CloudTrail", "detail": detail}


def _now_seconds() -> float:
    """Seconds since the run's epoch on the double's clock."""
    from localrun.services.event_history import installed_double_seconds

    return installed_double_seconds()


def api_call_event(event_name: str, task_id: str) -> dict[str, Any]:
    """The "AWS API Call via CloudTrail" event of a successful call that created (or cancelled)
    ``task_id``: the parts the auto-start rule matches and the starter reads, placed where the
    kinds' table says (``responseElements`` of a start, ``requestParameters`` of a cancel)."""
    from conversion_watch.cloudtrail import event_bridge_source
    from conversion_watch.kinds import cancel_calls, start_calls

    call = start_calls()[event_name][1] if event_name in start_calls() else cancel_calls()[event_name]
    section: dict[str, Any] = {}
    holder = section
    for key in call.id_path[:-1]:
        holder = holder.setdefault(key, {})
    holder[call.id_path[-1]] = task_id
    return {
        "source": event_bridge_source(call.event_source),
        "detail-type": "AWS API Call via CloudTrail",
        "detail": {
            "eventVersion": "1.09",
            "eventSource": call.event_source,
            "eventName": event_name,
            "awsRegion": REGION,
            "eventType": "AwsApiCall",
            "readOnly": False,
            "managementEvent": True,
            "recipientAccountId": "123456789012",
            "requestParameters": {},
            "responseElements": None,
            call.section: section,
        },
    }


def _function(resources: dict[str, Any], handler: str) -> _Function:
    found = [
        (logical_id, resource["Properties"])
        for logical_id, resource in resources.items()
        if resource.get("Type") == "AWS::Lambda::Function" and resource["Properties"].get("Handler") == handler
    ]
    if len(found) != 1:
        raise EngineError(f"expected one function with Handler {handler} in the template, found {len(found)}; "
                          "is the auto-start construct in the stack (and on)?")
    logical_id, properties = found[0]
    variables = dict(properties.get("Environment", {}).get("Variables", {}))
    return _Function(logical_id, handler, local_environment(variables, resources))


def _api_call_pattern(resources: dict[str, Any], starter_id: str) -> dict[str, Any]:
    for resource in resources.values():
        properties = resource.get("Properties", {})
        targets = properties.get("Targets", [])
        if resource.get("Type") == "AWS::Events::Rule" and "EventPattern" in properties and any(
            target.get("Arn") == {"Fn::GetAtt": [starter_id, "Arn"]} for target in targets
        ):
            if properties.get("EventBusName") not in (None, "default"):
                raise EngineError("the API-call rule must be on the default bus, where AWS service events arrive")
            return properties["EventPattern"]  # type: ignore[no-any-return]
    raise EngineError(f"no EventBridge rule in the template targets {starter_id}")


def _apply_environment(function: _Function, state_machine_arn: str) -> None:
    """Set the function's variables process-wide (no restore here: the engine
    restores the whole environment after the run, and watcher threads read it
    concurrently). A variable the watcher's functions set differently is an error."""
    for key, value in function.environment.items():
        resolved = state_machine_arn if isinstance(value, dict) and set(value) == {"Ref"} else value
        if not isinstance(resolved, str):
            raise EngineError(f"{function.logical_id}: cannot resolve {key}={value!r} locally")
        current = os.environ.get(key)
        if current is not None and current != resolved and key != "STATE_MACHINE_ARN":
            if key in {"AWS_REGION", "AWS_DEFAULT_REGION"}:
                continue  # the engine's local runtime values win, as for the watcher's functions
            raise EngineError(f"{function.logical_id} sets {key}={resolved!r}, the watcher's functions {current!r}")
        os.environ[key] = resolved


def _drain(queue_url: str) -> list[Any]:
    sqs = boto3.client("sqs", region_name=REGION)
    bodies: list[Any] = []
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
            "Messages", [])
        if not messages:
            return bodies
        for message in messages:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def _scheduled_event() -> dict[str, Any]:
    from conversion_watch import clock

    return {
        "version": "0",
        "id": "local-sweep",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": clock.isoformat(clock.utc_now()),
        "region": REGION,
        "resources": [],
        "detail": {},
    }
