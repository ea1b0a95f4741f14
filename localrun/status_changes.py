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

import threading
from pathlib import Path
from typing import Any

import boto3

from conversion_watch.contract import RESUMED_STATUSES, SFN_STATUS_CHANGE
from localrun.clock import SimulatedClock

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
        from localrun.autostart import _function
        from localrun.template import load_template

        resources = load_template(template).get("Resources", {})
        target = _rule_target(resources)
        handler = resources.get(target, {}).get("Properties", {}).get("Handler") if target else None
        self.function = _function(resources, handler) if handler else None
        self.clock = clock
        self.deliveries: list[tuple[float, str, dict[str, Any]]] = []  # (seconds, execution ARN, handler result)
        self._lock = threading.Lock()

    def __call__(self, execution_arn: str, seconds: float) -> None:
        if self.function is None:
            return
        thread = threading.Thread(target=self.clock.wrap(lambda: self._deliver(execution_arn)), daemon=True,
                                  name="status-change")
        thread.start()

    def _deliver(self, execution_arn: str) -> None:
        from localrun.autostart import _apply_environment
        from localrun.engine import REGION
        from localrun.lambdas import FakeLambdaContext, load_handler

        self.clock.sleep(DELIVERY_SECONDS)
        sfn = boto3.client("stepfunctions", region_name=REGION)
        described = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] not in RESUMED_STATUSES:
            return
        state_machine_arn = described["stateMachineArn"]
        event = {
            "version": "0", "id": f"status-change-{described['name']}", "detail-type": SFN_STATUS_CHANGE,
            "source": "aws.states", "account": "123456789012", "region": REGION, "resources": [execution_arn],
            "detail": {"executionArn": execution_arn, "stateMachineArn": state_machine_arn,
                       "name": described["name"], "status": described["status"],
                       "error": described.get("error"), "cause": described.get("cause")},
        }
        assert self.function is not None
        _apply_environment(self.function, state_machine_arn)
        context = FakeLambdaContext(
            function_name=self.function.logical_id,
            invoked_function_arn=f"arn:aws:lambda:{REGION}:123456789012:function:{self.function.logical_id}",
        )
        try:
            result = load_handler(self.function.handler)(event, context)
        except Exception as error:  # noqa: BLE001 - a failed delivery is retried by EventBridge, then the sweep
            result = {"error": f"{type(error).__name__}: {error}"}
        with self._lock:
            self.deliveries.append((self.clock.seconds, execution_arn, result))
