"""AWS's "Step Functions Execution Status Change" events of the watcher's own executions, in a
local run: when an execution ends FAILED, TIMED_OUT or ABORTED, the event reaches the
synthesized rule's target (the sweeper, which resumes that task's watch if the execution
held it) after ``DELIVERY_SECONDS`` of simulated time.

Step Functions sends these events to the default bus on a best-effort basis
(https://docs.aws.amazon.com/step-functions/latest/dg/eventbridge-integration.html);
moto's engine sends none, so the run builds the event from ``DescribeExecution``
(the fields the rule matches and the sweeper reads) and checks it against the rule's
pattern before invoking the target's ``Handler``, as the sweeps do.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import boto3

from conversion_watch.contract import ENV_STATE_MACHINE_ARN, RESUMED_STATUSES, SFN_STATUS_CHANGE
from localrun.clock import SimulatedClock
from localrun.lambda_context import FakeLambdaContext
from localrun.lambdas import load_handler
from localrun.template import load_template, local_environment

DELIVERY_SECONDS = 30.0


def _rule_target(resources: dict[str, Any]) -> str | None:
    """The logical id of the function the status-change rule targets, if the stack has the rule."""
    for resource in resources.values():
        properties = resource.get("Properties", {})
        pattern = properties.get("EventPattern") or {}
        if resource.get("Type") == "AWS::Events::Rule" and SFN_STATUS_CHANGE in pattern.get("detail-type", []):
            for target in properties.get("Targets", []):
                arn = target.get("Arn")
                if isinstance(arn, dict) and "Fn::GetAtt" in arn:
                    return str(arn["Fn::GetAtt"][0])
    return None


class ResumeOnEnd:
    """The engine calls it at every execution's end (in that execution's thread)."""

    def __init__(self, template: Path, clock: SimulatedClock) -> None:
        resources = load_template(template).get("Resources", {})
        target = _rule_target(resources)
        properties = resources.get(target, {}).get("Properties", {}) if target else {}
        self.logical_id = target
        self.handler = properties.get("Handler")
        self.environment = local_environment(properties.get("Environment", {}).get("Variables", {}), resources)
        self.clock = clock
        self.deliveries: list[tuple[float, str, dict[str, Any]]] = []  # (seconds, execution ARN, handler result)
        self._lock = threading.Lock()

    def __call__(self, execution_arn: str, seconds: float) -> None:
        if self.handler is None:
            return
        thread = threading.Thread(target=self.clock.wrap(lambda: self._deliver(execution_arn)), daemon=True,
                                  name="status-change")
        thread.start()

    def _deliver(self, execution_arn: str) -> None:
        self.clock.sleep(DELIVERY_SECONDS)
        region, account = execution_arn.split(":")[3:5]
        sfn = boto3.client("stepfunctions", region_name=region)
        described = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] not in RESUMED_STATUSES:
            return
        state_machine_arn = described["stateMachineArn"]
        event = {
            "version": "0", "id": f"status-change-{described['name']}", "detail-type": SFN_STATUS_CHANGE,
            "source": "aws.states", "account": account, "region": region, "resources": [execution_arn],
            "detail": {"executionArn": execution_arn, "stateMachineArn": state_machine_arn,
                       "name": described["name"], "status": described["status"],
                       "error": described.get("error"), "cause": described.get("cause")},
        }
        # The sweeps set the same variables (the function's environment, the state machine resolved).
        for key, value in self.environment.items():
            if isinstance(value, str) and key not in ("AWS_REGION", "AWS_DEFAULT_REGION"):
                os.environ[key] = value
        os.environ[ENV_STATE_MACHINE_ARN] = state_machine_arn
        context = FakeLambdaContext(
            function_name=str(self.logical_id),
            invoked_function_arn=f"arn:aws:lambda:{region}:{account}:function:{self.logical_id}",
        )
        try:
            result = load_handler(str(self.handler))(event, context)
        except Exception as error:  # noqa: BLE001 - a failed delivery is retried by EventBridge, then the sweep
            result = {"error": f"{type(error).__name__}: {error}"}
        with self._lock:
            self.deliveries.append((self.clock.seconds, execution_arn, result))
