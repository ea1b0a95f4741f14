"""IAM for the task kinds' read APIs, from the registry of kinds.

None of the VM Import/Export or License Manager read actions supports
resource-level permissions (Service Authorization Reference: no resource type
is listed for them), so they are granted on ``*``; each grant is acknowledged
with that reason, naming exactly the actions it covers.
"""

from __future__ import annotations

from collections.abc import Iterable

from aws_cdk import Acknowledgment, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_

from conversion_watch.kinds import TASK_KINDS, TaskKind

XRAY_ACTIONS = "X-Ray PutTraceSegments/PutTelemetryRecords"


def describe_actions(kinds: Iterable[TaskKind] | None = None) -> list[str]:
    return sorted({k.describe_action for k in (kinds or TASK_KINDS.values())})


def list_actions(kinds: Iterable[TaskKind] | None = None) -> list[str]:
    return sorted({k.list_action for k in (kinds or TASK_KINDS.values())})


def grant_task_reads(function: lambda_.Function, actions: list[str]) -> None:
    """Grant ``actions`` on ``*`` and acknowledge the one finding that makes, with its reason."""
    function.add_to_role_policy(iam.PolicyStatement(actions=actions, resources=["*"]))
    acknowledge_wildcards(function, [*actions, XRAY_ACTIONS])


def acknowledge_wildcards(function: lambda_.Function, actions: list[str]) -> None:
    Validations.of(function.role).acknowledge(  # type: ignore[arg-type]
        Acknowledgment(
            id="AwsSolutions::AwsSolutions-IAM5[Resource::*]",
            reason=f"{', '.join(actions)}: no resource-level permissions exist for these actions.",
        )
    )
