"""Run a scenario against the synthesized state machine, locally, on a simulated clock.

Inside ``mock_aws`` the engine creates the Lambda functions with the template's
``Handler`` and ``Environment``, the state machine from the template's exact
``DefinitionString`` (intrinsics resolved to the moto resources), the event bus
with a catch-all rule delivering to SQS, and plugs in the conversion-task
double. Watches start at their scenario times; the run ends when no execution
is left, and the report is read back from moto (executions, histories) and
from the queue (events).
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import threading
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO
from unittest import mock

import boto3
from botocore.exceptions import ClientError

from conversion_watch.kinds import TASK_KINDS
from localrun import events as local_events
from localrun import injected_faults
from localrun.autostart import ApiCall, AutostartReport, Driver, Sweep, allowing_no_watches
from localrun.clock import SimulatedClock
from localrun.function_output import route_function_output
from localrun.lambdas import HandlerRouter
from localrun.local_aws import ACCOUNT, REGION, EngineError
from localrun.moto_patches import check_moto_version
from localrun.moto_patches.engine import execution_history, faster_engine, step_functions_integration_casing
from localrun.moto_patches.timewarp import simulated_time
from localrun.report import (
    ExecutionReport,
    Report,
    TimelineEntry,
    billed_transitions,
    describe_end,
    describe_event,
    retry_attempts,
)
from localrun.scenario import Scenario, WatchStart
from localrun.services.faults import FaultPlan
from localrun.template import (
    DEFAULT_TEMPLATE,
    StackSpec,
    TemplateError,
    event_sources,
    load_template,
    resolve,
    stack_spec,
)

STATE_MACHINE_NAME = "ConversionWatch-Watcher"
MOTO_CONFIG: Any = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
# Every kind's per-task describe and list read (from the registry of kinds) and PutEvents:
# reported even when 0 (the shared snapshot's refreshes use the list reads).
TRACKED_CALLS = (*sorted({a for k in TASK_KINDS.values() for a in (k.describe_action, k.list_action)}),
                 "events:PutEvents")
# The Lambda runtime sets these; Powertools reads them. There is no X-Ray
# daemon here, so tracing is off.
LOCAL_RUNTIME_ENV = {
    "AWS_REGION": REGION,
    "AWS_DEFAULT_REGION": REGION,
    "AWS_ACCESS_KEY_ID": "localrun",
    "AWS_SECRET_ACCESS_KEY": "localrun",
    "POWERTOOLS_TRACE_DISABLED": "true",
}
DEFAULT_REAL_TIMEOUT = 300.0


DoubleFactory = Callable[..., Any]


def run_scenario(
    scenario: Scenario | dict[str, Any],
    *,
    template: Path = DEFAULT_TEMPLATE,
    function_env_overrides: dict[str, str] | None = None,
    entry_fault: local_events.EntryFault | None = None,
    double_factory: DoubleFactory | None = None,
    real_timeout: float = DEFAULT_REAL_TIMEOUT,
    function_log: TextIO | None = None,
    actions: Sequence[tuple[float, Callable[[str], None]]] = (),
) -> Report:
    """Run ``scenario`` to completion and return its report.

    :param function_env_overrides: applied on top of every function's template
        environment (e.g. ``{"POLLS_PER_EXECUTION": "10"}``, or
        ``MIN_POLL_SECONDS``/``MAX_POLL_SECONDS`` for a fixed interval).
    :param entry_fault: hook deciding per PutEvents entry whether EventBridge fails it.
    :param double_factory: builds the conversion-task service double; default
        ``localrun.services.ConversionTaskDouble``.
    :param real_timeout: wall-clock seconds without any progress before a stuck run is reported as
        an engine error (``ClockStalled``); a long simulation may take longer than this in total.
    :param function_log: where the handlers' stdout (Powertools logs, EMF metrics) goes; default: discarded.
    :param actions: ``(seconds, action)``: the driver calls ``action(state_machine_arn)`` at that
        simulated time, after any watch start due then (``localrun.autostart`` delivers API-call
        events and runs the sweeper this way).
    """
    from localrun import scenario as scenario_format

    if isinstance(scenario, dict):
        scenario = scenario_format.parse(scenario)
    if scenario.sweeps or scenario.api_calls:
        from localrun.autostart import scenario_actions  # the operators' part of the scenario

        actions = [*actions, *scenario_actions(scenario, template)]
    clock = SimulatedClock(scenario.epoch)
    end_listeners: list[Callable[[str, float], None]] = []
    if scenario.sweeps:  # the operators' sweeper is in the stack: so is its rule on executions' ends
        from localrun.status_changes import ResumeOnEnd

        end_listeners.append(ResumeOnEnd(template, clock))
    check_moto_version()  # the patches below are written for one moto version
    spec = stack_spec(load_template(template))
    deployments = None
    if scenario.deployments:  # CloudFormation deployments of the conversion resources
        from localrun.cloudformation import DeploymentPlayer

        deployments = DeploymentPlayer(scenario.deployments, template=template, clock=clock)
        actions = [*actions, *deployments.actions()]
        double_factory = deployments.double_factory(double_factory or _default_double)
    run = _Run(spec, scenario, clock, actions, end_listeners)
    with _environment(spec, function_env_overrides), route_function_output(function_log), _quiet_warnings(), \
            mock_aws_context(), step_functions_integration_casing(), faster_engine(), \
            simulated_time(clock, on_execution_end=run.execution_ended):
        report = run.execute(entry_fault=entry_fault, double_factory=double_factory or _default_double,
                             real_timeout=real_timeout)
    if deployments is not None:
        from localrun.deployments import describe_deployment

        report.deployments = deployments.report()
        report.timeline.extend(TimelineEntry(e["at"], describe_deployment(e)) for e in report.deployments)
        report.timeline.sort(key=lambda entry: entry.seconds)
    return report


def run_autostart(
    scenario: dict[str, Any],
    *,
    api_calls: Sequence[ApiCall] = (),
    sweeps: Sequence[Sweep] = (),
    template: Path = DEFAULT_TEMPLATE,
    **engine_options: Any,
) -> AutostartReport:
    """``run_scenario`` plus API-call deliveries and sweeps at their simulated times."""
    driver = Driver(load_template(template))
    actions = [(call.at, driver.deliverer(call)) for call in api_calls]
    actions += [(sweep.at, driver.sweeper(sweep)) for sweep in sweeps]
    report = run_scenario(allowing_no_watches(scenario), template=template, actions=actions, **engine_options)
    return AutostartReport(run=report, deliveries=driver.deliveries, sweeps=driver.sweeps)


def _fault_counts(double: Any, tap: local_events.EventsTap, retries: int) -> dict[str, int]:
    """Faults injected into the run, and the Step Functions retry attempts that absorbed them."""
    counts = dict(getattr(double, "faults_injected", {}))
    if tap.failed_entries:
        counts["events:PutEvents:FailedEntry"] = tap.failed_entries
    counts["states:RetryAttempts"] = retries
    return counts


def _input_of(text: str) -> Any:
    """An execution's input; one nested beyond the JSON decoder's depth is reported as text."""
    try:
        return json.loads(text)
    except RecursionError:
        return {"unreportableInput": f"nested too deeply to decode ({len(text)} characters)"}


def _default_double(**kwargs: Any) -> Any:
    from localrun.services import ConversionTaskDouble

    return ConversionTaskDouble(**kwargs)


@contextlib.contextmanager
def _quiet_warnings() -> Iterator[None]:
    # Concurrent in-process invocations share Powertools' Metrics singleton, which
    # then warns about dimensions another invocation added; one Lambda instance
    # never sees that. The metrics themselves go to the function log.
    from aws_lambda_powertools.warnings import PowertoolsUserWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PowertoolsUserWarning)
        warnings.filterwarnings("ignore", "No application metrics to publish", UserWarning)
        yield


@contextlib.contextmanager
def mock_aws_context() -> Iterator[None]:
    from moto import mock_aws

    with mock_aws(config=MOTO_CONFIG):
        yield


@contextlib.contextmanager
def _environment(spec: StackSpec, overrides: dict[str, str] | None) -> Iterator[None]:
    """The functions' environment, process-wide for the run: handlers run in-process,
    in many threads at once, so both functions must agree on every variable."""
    merged: dict[str, str] = {}
    for function in spec.functions.values():
        for key, value in function.environment.items():
            if merged.setdefault(key, value) != value:
                raise EngineError(
                    f"functions disagree on environment variable {key!r}; the local run shares one process "
                    "environment between all functions"
                )
    environment = {**merged, **(overrides or {}), **LOCAL_RUNTIME_ENV}
    with mock.patch.dict(os.environ, environment):
        yield


class _Run:
    def __init__(
        self, spec: StackSpec, scenario: Scenario, clock: SimulatedClock,
        actions: Sequence[tuple[float, Callable[[str], None]]] = (),
        end_listeners: Sequence[Callable[[str, float], None]] = (),
    ) -> None:
        self.spec = spec
        self.end_listeners = list(end_listeners)
        self.actions = list(actions)
        self.scenario = scenario
        self.clock = clock
        self.ended_at: dict[str, float] = {}
        self.started: list[tuple[float, str]] = []  # (seconds, execution ARN) for the driver's starts
        self.notes: list[TimelineEntry] = []
        self.retry_attempts = 0  # Step Functions Retry attempts, summed over all executions' histories
        self._lock = threading.Lock()

    def execution_ended(self, execution_arn: str, seconds: float) -> None:
        with self._lock:
            self.ended_at[execution_arn] = seconds
        for listener in self.end_listeners:
            listener(execution_arn, seconds)

    def execute(self, *, entry_fault: Any, double_factory: DoubleFactory, real_timeout: float) -> Report:
        from conversion_watch import aws_clients

        aws_clients.reset()  # the handlers' clients must be created inside this mock
        session = boto3.session.Session(region_name=REGION)
        sfn = session.client("stepfunctions")
        sqs = session.client("sqs")
        self._create_tables(session)
        function_arns = self._create_functions(session)
        router = HandlerRouter({logical_id: f.handler for logical_id, f in self.spec.functions.items()})
        # The scenario's faults.putEventsFailureRate drives the hook unless the caller gives one.
        tap = local_events.EventsTap(
            entry_fault or local_events.seeded_entry_fault(self.scenario.faults, now=lambda: self.clock.seconds)
        )
        double = double_factory(
            tasks=self.scenario.tasks, epoch=self.scenario.epoch, now=self.clock.now, faults=self.scenario.faults
        )
        injected: Counter[str] = Counter()
        with router.install(), tap.install(), double.install(), injected_faults.install(
                FaultPlan.parse(self.scenario.faults), lambda: self.clock.seconds, injected):
            bus_arn = self._bus_arn()
            definition = self._definition(function_arns, bus_arn)
            queue_url = local_events.create_delivery(
                session.client("events"), sqs, bus_name=self.spec.event_bus_name, sources=event_sources(definition)
            )
            tap.subscriber = local_events.QueueSubscriber(sqs, queue_url)
            role_arn = self._role(session, "ConversionWatchStateMachineRole", "states.amazonaws.com")
            state_machine_arn = sfn.create_state_machine(
                name=STATE_MACHINE_NAME, definition=json.dumps(definition), roleArn=role_arn, type="STANDARD"
            )["stateMachineArn"]
            self._drive(sfn, state_machine_arn, real_timeout)
            delivered = tap.subscriber.receive()
            executions = self._executions(sfn, state_machine_arn, router)
        aws_clients.reset()
        shape_errors = getattr(double, "shape_errors", [])
        if shape_errors:
            raise EngineError(
                f"the service double produced {len(shape_errors)} malformed response(s): {shape_errors[0]}"
            )
        calls = {name: 0 for name in TRACKED_CALLS}
        calls.update(double.calls)
        calls["events:PutEvents"] = tap.put_events_calls
        return Report(
            events=[{"source": e["source"], "detail-type": e["detail-type"], "detail": e["detail"]} for e in delivered],
            executions=[report for _, report in executions],
            apiCalls=calls,
            simulatedSeconds=self.clock.seconds,
            timeline=self._timeline(delivered, executions),
            faults={**_fault_counts(double, tap, self.retry_attempts), **injected},
        )

    # -- resources ------------------------------------------------------------
    def _role(self, session: Any, name: str, principal: str) -> str:
        iam = session.client("iam")
        trust = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": principal}, "Action": "sts:AssumeRole"}]}
        try:
            return str(iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"])
        except ClientError as error:
            if error.response["Error"]["Code"] != "EntityAlreadyExists":
                raise
            return str(iam.get_role(RoleName=name)["Role"]["Arn"])

    def _create_tables(self, session: Any) -> None:
        dynamodb = session.client("dynamodb")
        for table in self.spec.tables.values():
            indexes = {"GlobalSecondaryIndexes": table.global_secondary_indexes} if table.global_secondary_indexes \
                else {}
            dynamodb.create_table(
                TableName=table.logical_id,
                KeySchema=table.key_schema,
                AttributeDefinitions=table.attribute_definitions,
                BillingMode="PAY_PER_REQUEST",
                **indexes,
            )

    def _create_functions(self, session: Any) -> dict[str, str]:
        """One moto function per template function, named by its logical id. The code
        zip is a placeholder: invokes are routed to lambda_src/ in-process."""
        lambda_client = session.client("lambda")
        role_arn = self._role(session, "ConversionWatchFunctionRole", "lambda.amazonaws.com")
        placeholder = io.BytesIO()
        with zipfile.ZipFile(placeholder, "w") as archive:
            archive.writestr("README.txt", "Routed to lambda_src/ in-process by localrun.\n")
        arns = {}
        for logical_id, function in self.spec.functions.items():
            arns[logical_id] = lambda_client.create_function(
                FunctionName=logical_id,
                Runtime="python3.13",
                Role=role_arn,
                Handler=function.handler,
                Code={"ZipFile": placeholder.getvalue()},
                Environment={"Variables": function.environment},
            )["FunctionArn"]
        return arns

    def _bus_arn(self) -> str:
        return f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/{self.spec.event_bus_name}"

    def _definition(self, function_arns: dict[str, str], bus_arn: str) -> dict[str, Any]:
        pseudo = {"AWS::Partition": "aws", "AWS::Region": REGION, "AWS::AccountId": ACCOUNT,
                  "AWS::URLSuffix": "amazonaws.com"}

        def lookup(logical_id: str, attribute: str | None) -> str:
            if attribute is None and logical_id in pseudo:
                return pseudo[logical_id]
            if logical_id in function_arns:
                return function_arns[logical_id] if attribute == "Arn" else logical_id
            if logical_id in self.spec.tables and attribute is None:
                return logical_id  # the local table is named by its logical id
            if logical_id == self.spec.event_bus_id:
                return bus_arn if attribute == "Arn" else self.spec.event_bus_name
            raise TemplateError(
                f"the definition refers to {logical_id}.{attribute}, which the local run does not create"
            )

        resolved = resolve(self.spec.definition, lookup)
        return json.loads(resolved) if isinstance(resolved, str) else resolved  # type: ignore[no-any-return]

    # -- running ------------------------------------------------------------------
    def _drive(self, sfn: Any, state_machine_arn: str, real_timeout: float) -> None:
        """Start each watch at its simulated time, then wait for every execution to end."""
        steps: list[tuple[float, int, Callable[[], None]]] = [
            (watch.at, 0, functools.partial(self._start, sfn, state_machine_arn, watch))
            for watch in self.scenario.watches
        ]
        steps += [(at, 1, functools.partial(action, state_machine_arn)) for at, action in self.actions]
        self.clock.join()
        try:
            for at, _, step in sorted(steps, key=lambda item: item[:2]):
                self.clock.sleep_until(at)
                step()
        finally:
            self.clock.leave()
        self.clock.wait_until_idle(real_timeout=real_timeout)

    def _start(self, sfn: Any, state_machine_arn: str, watch: WatchStart) -> None:
        try:
            sfn.start_execution(stateMachineArn=state_machine_arn, name=watch.name, input=json.dumps(watch.input))
        except ClientError as error:
            # e.g. a second start of the same watch: Step Functions refuses the name.
            code = error.response["Error"]["Code"]
            self.notes.append(TimelineEntry(self.clock.seconds, f"start of {watch.name} refused: {code}"))

    def _executions(self, sfn: Any, state_machine_arn: str, router: HandlerRouter) -> list[tuple[str, ExecutionReport]]:
        listed = [
            item
            for page in sfn.get_paginator("list_executions").paginate(stateMachineArn=state_machine_arn)
            for item in page["executions"]
        ]
        listed.sort(key=lambda item: (item["startDate"], item["name"]))
        reports = []
        for item in listed:
            arn = item["executionArn"]
            described = sfn.describe_execution(executionArn=arn)
            history = execution_history(arn, account=ACCOUNT, region=REGION)
            self.retry_attempts += retry_attempts(history)
            reports.append((arn, ExecutionReport(
                name=described["name"],
                input=_input_of(described["input"]),
                status=described["status"],
                error=described.get("error"),
                stateTransitions=billed_transitions(history),
                historyEvents=len(history),
                lambdaInvocations=router.invocations[arn],
            )))
        return reports

    def _timeline(self, delivered: list[dict[str, Any]], executions: list[tuple[str, ExecutionReport]]) -> list[
        TimelineEntry
    ]:
        entries: list[tuple[float, int, int, str]] = []
        for index, event in enumerate(delivered):
            entries.append((self._event_seconds(event), 0, index, describe_event(event)))
        for index, (arn, execution) in enumerate(executions):
            ended = self.ended_at.get(arn, self.clock.seconds)
            entries.append((float(int(ended)), 1, index, describe_end(execution)))
        for index, note in enumerate(self.notes):
            entries.append((note.seconds, 2, index, note.text))
        entries.sort(key=lambda entry: entry[:3])
        return [TimelineEntry(seconds, text) for seconds, _, _, text in entries]

    def _event_seconds(self, event: dict[str, Any]) -> float:
        from datetime import datetime

        moment = datetime.fromisoformat(str(event["time"]).replace("Z", "+00:00"))
        return (moment - self.scenario.epoch).total_seconds()
